package stackconfig

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any stack file either fails to parse or yields config whose
// object values are JSON, as the engine hands them over; never a panic.
func FuzzParse(f *testing.F) {
	files, _ := Files(filepath.Join("..", ".."))
	for _, file := range files {
		if raw, err := os.ReadFile(file); err == nil { //nolint:gosec // G304: the repository's own stack files
			f.Add(raw)
		}
	}
	f.Add([]byte("config:\n  a:b:\n    - x\n    - secure: y\n"))
	f.Add([]byte("config:\n  a:b:\n    secure: AAAB\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		config, err := Parse(raw)
		if err != nil {
			return
		}
		for key, value := range config {
			if len(value) > 0 && (value[0] == '{' || value[0] == '[') && !json.Valid([]byte(value)) {
				t.Fatalf("%s is not valid JSON: %q", key, value)
			}
		}
	})
}
