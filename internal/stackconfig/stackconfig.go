// Package stackconfig reads Pulumi.<stack>.yaml files into the config map the
// engine hands a program, for tools and tests that work without the engine.
package stackconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Read reads a Pulumi.<stack>.yaml file into the map the engine hands
// a program in PULUMI_CONFIG: scalars as strings, objects and lists as JSON.
// Encrypted values (`pulumi config set --secret`, the provider's credentials)
// are left out: only the engine can decrypt them, and the tools take
// credentials from the environment, never from a stack file.
func Read(path string) (map[string]string, error) {
	config, _, err := ReadWithEncrypted(path)
	return config, err
}

// ReadWithEncrypted is Read, and the keys whose values are encrypted, sorted:
// they are set, though only the engine can read them.
func ReadWithEncrypted(path string) (config map[string]string, encrypted []string, err error) {
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the path is the user's own stack file
	if err != nil {
		return nil, nil, err
	}
	config, encrypted, err = parse(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return config, encrypted, nil
}

// Parse reads the content of a Pulumi.<stack>.yaml file, as Read does.
func Parse(raw []byte) (map[string]string, error) {
	config, _, err := parse(raw)
	return config, err
}

func parse(raw []byte) (config map[string]string, encrypted []string, err error) {
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, nil, fmt.Errorf("parsing: %w", err)
	}
	config = make(map[string]string, len(file.Config))
	for key, value := range file.Config {
		switch v := value.(type) {
		case string:
			config[key] = v
		case map[string]any, []any:
			if isEncrypted(v) {
				encrypted = append(encrypted, key)
				continue
			}
			encoded, err := json.Marshal(MaskSecrets(v))
			if err != nil {
				return nil, nil, fmt.Errorf("encoding %s: %w", key, err)
			}
			config[key] = string(encoded)
		default:
			config[key] = fmt.Sprint(v)
		}
	}
	sort.Strings(encrypted)
	return config, encrypted, nil
}

// Masked stands in for a secret inside an object (`pulumi config set
// --secret --path`, orgs.<key>.serviceAccount.takeOver.clientSecret): it is
// set, and only the engine can read it.
const Masked = "[secret]"

// MaskSecrets is an object or list of the stack config with each secret
// inside it, {secure: <ciphertext>}, replaced by Masked, so that it decodes
// as the program's value does, with no secret in it.
func MaskSecrets(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if isEncrypted(v) {
			return Masked
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = MaskSecrets(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = MaskSecrets(e)
		}
		return out
	}
	return v
}

// isEncrypted reports whether a config value is the file form of a secret,
// {secure: <ciphertext>}.
func isEncrypted(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, ok = m["secure"].(string)
	return ok
}

// Files lists the Pulumi.<stack>.yaml files in dir, sorted.
func Files(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	sort.Strings(files)
	return files, err
}

// StackName is the stack a Pulumi.<stack>.yaml file configures.
func StackName(path string) string {
	return strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "Pulumi."), ".yaml")
}
