package docsgen

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRewrite(t *testing.T) {
	t.Parallel()
	blocks := map[string]string{"table": "| a |\n| --- |\n| 1 |\n"}
	tests := map[string]struct {
		text, want, err string
	}{
		"a stale block is replaced": {
			text: "intro\n<!-- make docs: table -->\nold\n<!-- end make docs -->\nafter\n",
			want: "intro\n<!-- make docs: table -->\n\n| a |\n| --- |\n| 1 |\n\n<!-- end make docs -->\nafter\n",
		},
		"an empty block is filled": {
			text: "<!-- make docs: table -->\n<!-- end make docs -->",
			want: "<!-- make docs: table -->\n\n| a |\n| --- |\n| 1 |\n\n<!-- end make docs -->",
		},
		"text without blocks stays as it is": {text: "# Title\n\nno blocks\n", want: "# Title\n\nno blocks\n"},
		"an unknown block":                   {text: "<!-- make docs: nothing -->\n<!-- end make docs -->\n", err: `line 1: no generated block is named "nothing"`},
		"a block without its end":            {text: "x\n<!-- make docs: table -->\nold\n", err: `line 2: block "table" has no <!-- end make docs --> after it`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := Rewrite(tc.text, blocks)
			if tc.err != "" {
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			again, err := Rewrite(got, blocks)
			require.NoError(t, err)
			assert.Equal(t, got, again, "idempotent")
		})
	}
}

// TestUpdate: check mode reports a stale file and leaves it; write mode
// rewrites it, after which nothing is stale.
func TestUpdate(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "docs"), 0o750))
	guide := filepath.Join(root, "docs", "environments.md")
	stale := "# Environments\n\n<!-- make docs: profile-table -->\nold\n<!-- end make docs -->\n"
	require.NoError(t, os.WriteFile(guide, []byte(stale), 0o600))

	found, err := Update(root, false)
	require.NoError(t, err)
	assert.Equal(t, []string{guide}, found)
	raw, err := os.ReadFile(guide) //nolint:gosec // G304: the test's own file
	require.NoError(t, err)
	assert.Equal(t, stale, string(raw), "check mode writes nothing")

	found, err = Update(root, true)
	require.NoError(t, err)
	assert.Equal(t, []string{guide}, found)
	raw, err = os.ReadFile(guide) //nolint:gosec // G304: the test's own file
	require.NoError(t, err)
	assert.Contains(t, string(raw), "| Organizations protected from deletion | no | no | yes |")
	found, err = Update(root, false)
	require.NoError(t, err)
	assert.Empty(t, found, "make docs is idempotent")
}

func TestCommandHelpHasEveryCommand(t *testing.T) {
	t.Parallel()
	help, err := CommandHelp()
	require.NoError(t, err)
	for _, name := range []string{"billing", "check-expiry", "deploy", "discover", "import-file", "orphans"} {
		assert.Contains(t, help, "### `atlas-multiorg "+name+"`\n\n```text\n")
	}
	assert.Contains(t, help, "Exit codes:", "each command's help documents its exit codes")
}
