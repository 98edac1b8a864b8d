package multiorg

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// configRoots are the config paths a problem can be at.
var configRoots = []string{"orgs", "payingOrgId", "orgOwnerId", "environment", "expiryWarningHours", ConfigNamespace + ":"}

// FuzzSpecFromConfig: whatever the config, decoding never panics, and it
// returns either a spec that validates or problems that each name a path.
func FuzzSpecFromConfig(f *testing.F) {
	files, _ := stackconfig.Files(filepath.Join("..", ".."))
	for _, file := range files {
		config, err := stackconfig.Read(file)
		if err == nil {
			f.Add(config[ConfigNamespace+":orgs"], config[ConfigNamespace+":payingOrgId"], config[ConfigNamespace+":orgOwnerId"], "", "", stackconfig.StackName(file))
		}
	}
	f.Add(`{"a":{"name":"x","apiKey":{"roles":["ORG_OWNER"],"accessList":[{"cidrBlock":"10.0.0.0/8"}]}}}`, "nope", "", "prod", "-5", "dev")
	f.Fuzz(func(t *testing.T, orgs, paying, owner, env, expiry, stack string) {
		config := map[string]string{ConfigNamespace + ":orgs": orgs, ConfigNamespace + ":payingOrgId": paying, ConfigNamespace + ":orgOwnerId": owner}
		if env != "" {
			config[ConfigNamespace+":environment"] = env
		}
		if expiry != "" {
			config[ConfigNamespace+":expiryWarningHours"] = expiry
		}
		spec, err := SpecFromConfig(config, stack)
		if err == nil {
			if verr := spec.Validate(); verr != nil {
				t.Fatalf("accepted a spec that does not validate: %v", verr)
			}
			return
		}
		requireProblemsWithPaths(t, err)
	})
}

func requireProblemsWithPaths(t *testing.T, err error) {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) == 0 {
		t.Fatalf("an error that lists no problems: %v", err)
	}
	for _, p := range verr.Problems {
		if p.Message == "" || !hasRoot(p.Path) {
			t.Fatalf("a problem without a config path or a message: %#v", p)
		}
	}
}

func hasRoot(path string) bool {
	for _, root := range configRoots {
		if path == root || strings.HasPrefix(path, root+".") || strings.HasPrefix(path, root+"[") ||
			(strings.HasSuffix(root, ":") && strings.HasPrefix(path, root)) {
			return true
		}
	}
	return false
}
