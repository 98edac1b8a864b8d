//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestThePackageAdoptsAndReleases adopts, through the component package
// from a YAML program, an organization that already exists in atlas-local,
// with the entry discover printed for it: the first `pulumi up` imports it,
// the next preview shows no changes, a destroy releases it (it is still in
// atlas-local), and adopting it again works the same way.
func TestThePackageAdoptsAndReleases(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	if _, err := exec.LookPath("pulumi-language-yaml"); err != nil {
		t.Skip("pulumi-language-yaml is not on PATH")
	}
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	env := credentialEnv(seed, baseURL)
	entries := w.runEnv(env, "bin/atlas-multiorg", "discover")
	require.Contains(t, entries, "importId: "+seed["payingOrgId"], "discover prints the existing organization")
	var orgs map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(entries), &orgs))

	project := filepath.Join(w.repo, "examples", "yaml-adopt")
	require.NoError(t, os.MkdirAll(project, 0o750))
	program, err := yaml.Marshal(map[string]any{
		"name":     "atlas-multiorg-yaml-adopt",
		"runtime":  "yaml",
		"packages": map[string]string{"atlas-multiorg": "../../bin"},
		"resources": map[string]any{"adopted": map[string]any{
			"type": "atlas-multiorg:index:MultiOrg",
			"properties": map[string]any{
				"payingOrgId": seed["payingOrgId"],
				"environment": "dev",
				"orgs":        orgs,
			},
		}},
		"outputs": map[string]any{"orgIds": "${adopted.orgIds}", "credentialTypes": "${adopted.credentialTypes}"},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.yaml"), program, 0o600))
	in := func(args ...string) string {
		return w.runIn(project, append(slices.Clone(w.backend()), env...), "pulumi", append(args, "--stack", "adopt", "--non-interactive")...)
	}
	in("stack", "init")
	in("config", "set", "mongodbatlas:baseUrl", baseURL)

	for _, round := range []string{"adopt", "adopt again"} {
		out := in("up", "--yes")
		assert.Regexp(t, `Organization adopted-local-paying-org imported`, out, "%s: the organization is imported", round)
		assert.NotRegexp(t, `mongodbatlas:index:\S+ \S+ created`, out, "%s: nothing is created in Atlas", round)
		in("preview", "--expect-no-changes")
		assert.Contains(t, in("stack", "output", "orgIds", "--json"), seed["payingOrgId"], round)

		out = in("destroy", "--yes")
		assert.NotContains(t, out, "error", "%s: the destroy releases", round)
		assert.Contains(t, w.atlasOrgsIn(dir), "local-paying-org", "%s: released, not deleted", round)
	}
}
