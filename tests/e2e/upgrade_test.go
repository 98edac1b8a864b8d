//go:build e2e

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// upgradeBase is the last commit before issue 37 moved the rules of the
// component, its config and its exports into one home each: stacks it
// deployed must preview no changes with the code after it.
const upgradeBase = "ca2e402"

// TestAStackOfTheOldCodePreviewsNoChanges upgrades as a user does: the
// shipped dev and prod org stacks are deployed by the org stack program
// built from upgradeBase's tree, and the YAML example by its plugin, against
// one atlas-local; then the current tree's program, and the current plugin
// under the same YAML program, preview each stack with no changes.
func TestAStackOfTheOldCodePreviewsNoChanges(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	root := repoRoot(t)
	if exec.CommandContext(t.Context(), "git", "-C", root, "cat-file", "-e", upgradeBase+"^{commit}").Run() != nil { //nolint:gosec // G204: the repository's own root
		t.Skipf("commit %s is not in this repository (a shallow clone?): nothing to upgrade from", upgradeBase)
	}
	w := newBuiltWorkspace(t)
	old := w.oldTree(t, root)
	_, baseURL, seed := w.seededLocalAPI(t)
	// Both trees on the new workspace's backend and the same clock, so
	// that a rotation period cannot begin between the up and the preview.
	env := append(w.shardEnv(seed, baseURL), multiorg.ClockEnv+"="+time.Now().UTC().Format(time.RFC3339))

	for _, environment := range []string{"dev", "prod"} {
		t.Run("the org stack, "+environment, func(t *testing.T) {
			stack := "upgrade-" + environment
			old := old.with(t)
			old.writeStackConfig(t, stack, old.shippedConfig(t, environment, seed, baseURL))
			old.runEnv(env, "pulumi", "stack", "init", stack, "--non-interactive")
			assert.Regexp(t, `\d+ created`, old.runEnv(env, "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive"))

			// The user's stack file stays as it was; the code around it is new.
			stackFile := "Pulumi." + stack + ".yaml"
			require.NoError(t, copyFile(filepath.Join(old.repo, stackFile), filepath.Join(w.repo, stackFile), 0o600))
			if environment == "prod" {
				// prod states session timeouts, a secret-validity cap and
				// delegated access for the organizations it creates (issue
				// 35): an OrganizationSettings of each is the one change.
				// One up sets them, with each organization's own
				// credential, and the next preview shows no changes.
				current := w.with(t)
				preview := current.runEnv(env, "pulumi", "preview", "--stack", stack, "--non-interactive")
				assert.Regexp(t, `\+ +atlas-multiorg:index:OrganizationSettings +multiorg-\S+-settings +create`, preview)
				assert.Regexp(t, `\+ \d+ to create`, preview)
				assert.NotRegexp(t, `to update|to replace|to delete`, preview, "nothing of the old tree's changes")
				current.runEnv(env, "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
				current.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
				return
			}
			preview := w.with(t).runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
			assert.Regexp(t, `\d+ unchanged`, preview, "the old tree's resources, read from the state")
		})
	}

	t.Run("the YAML example, through the plugin", func(t *testing.T) {
		old := old.with(t)
		old.requireLanguage(t, "yaml")
		old.runEnv([]string{trimpath()}, "make", "bin/pulumi-resource-atlas-multiorg")
		dir := filepath.Join(old.repo, "examples", "yaml")
		in := func(args ...string) string {
			return old.runIn(dir, env, "pulumi", append(args, "--stack", "upgrade", "--non-interactive")...)
		}
		in("stack", "init")
		in("config", "set", "payingOrgId", seed["payingOrgId"])
		in("config", "set", "orgOwnerId", seed["orgOwnerId"])
		in("config", "set", "mongodbatlas:baseUrl", baseURL)
		assert.Regexp(t, `\d+ created`, in("up", "--yes", "--skip-preview"))

		// The same YAML program, with the current plugin in the folder its
		// packages: entry names.
		require.NoError(t, copyFile(filepath.Join(w.repo, "bin", "pulumi-resource-atlas-multiorg"),
			filepath.Join(old.repo, "bin", "pulumi-resource-atlas-multiorg"), 0o755))
		assert.Regexp(t, `\d+ unchanged`, in("preview", "--expect-no-changes"), "the old plugin's resources, read from the state")
	})
}

// oldTree is upgradeBase's tree, from root's history, with its org stack
// program built as make builds it, in a folder of its own; it shares w's
// environment (PULUMI_HOME).
func (w *workspace) oldTree(t *testing.T, root string) *workspace {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "atlas-multiorg")
	require.NoError(t, os.MkdirAll(dir, 0o750))
	archive, err := exec.CommandContext(t.Context(), "git", "-C", root, "archive", upgradeBase).Output() //nolint:gosec // G204: the repository's own root
	require.NoError(t, err, "git archive %s", upgradeBase)
	old := &workspace{t: t, repo: dir, env: slices.Clone(w.env)}
	untar := exec.CommandContext(t.Context(), "tar", "-x", "-C", dir) //nolint:gosec // G204: the test's own scratch folder
	untar.Stdin = bytes.NewReader(archive)
	out, err := untar.CombinedOutput()
	require.NoError(t, err, "%s", out)
	old.run("", "make", "bin/multiorg")
	return old
}
