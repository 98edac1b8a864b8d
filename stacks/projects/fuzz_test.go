package projects

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// FuzzConfigFromMap: the consumer's config never panics the decoder, and is
// either valid or a list of problems, each at a config path.
func FuzzConfigFromMap(f *testing.F) {
	if config, err := stackconfig.Read(filepath.Join(".", "Pulumi.dev.yaml")); err == nil {
		f.Add(config[Namespace+":orgStack"], config[Namespace+":projects"])
	}
	f.Add("a/b", `{"x":{"org":"","name":"a b","roles":["GROUP_OWNER","GROUP_OWNER"],"tags":{"k":1}}}`)
	f.Fuzz(func(t *testing.T, orgStack, projects string) {
		cfg, err := ConfigFromMap(map[string]string{Namespace + ":orgStack": orgStack, Namespace + ":projects": projects})
		if err == nil {
			if len(cfg.Projects) == 0 && cfg.OrgStack == "" {
				t.Fatal("accepted an empty config")
			}
			return
		}
		var verr *multiorg.ValidationError
		if !errors.As(err, &verr) || len(verr.Problems) == 0 {
			t.Fatalf("an error that lists no problems: %v", err)
		}
		for _, p := range verr.Problems {
			atPath := p.Path == "orgStack" || p.Path == "projects" || strings.HasPrefix(p.Path, "projects.")
			if p.Message == "" || !atPath {
				t.Fatalf("a problem without a config path: %#v", p)
			}
		}
	})
}
