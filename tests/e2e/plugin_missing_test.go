//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAMissingPluginIsOneLineSayingHowToGetIt runs the org stack, whose
// Pulumi.yaml names bin/ for the package's own plugin, after bin/ lost the
// plugin: a stack whose organization states a session timeout stops with
// one line naming the make target, before anything is registered; a stack
// that states no such setting needs no plugin and previews as before.
func TestAMissingPluginIsOneLineSayingHowToGetIt(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)
	require.NoError(t, os.Remove(filepath.Join(w.repo, "bin", "pulumi-resource-atlas-multiorg")))

	w.writeOrgStack(t, "timeouts", baseURL, seed, "dev", map[string]any{
		"ops": map[string]any{"name": "plugin-ops", "absoluteSessionTimeoutInSeconds": 28800},
	})
	out, code := w.command(env, "", "pulumi", "preview", "--stack", "timeouts", "--non-interactive")
	assert.NotEqual(t, 0, code)
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "the atlas-multiorg plugin is missing") {
			lines = append(lines, strings.TrimSpace(line))
		}
	}
	require.Len(t, lines, 1, "one line about the plugin: %s", out)
	assert.Contains(t, lines[0], "organization ops states settings provider 4.14.0 cannot set")
	assert.Contains(t, lines[0], "bin/pulumi-resource-atlas-multiorg is not built: run `make build` (or `make bin/pulumi-resource-atlas-multiorg`)")
	assert.Contains(t, out, "+ 1 to create", "the stack resource alone")
	assert.NotContains(t, out, "atlas-multiorg:index:MultiOrg", "nothing of the component registered")

	w.writeOrgStack(t, "plain", baseURL, seed, "dev", map[string]any{"ops": map[string]any{"name": "plugin-plain"}})
	out = w.runEnv(env, "pulumi", "preview", "--stack", "plain", "--non-interactive")
	assert.NotContains(t, out, "plugin is missing")
	assert.Contains(t, out, "to create", "the stack without plugin settings previews")
}
