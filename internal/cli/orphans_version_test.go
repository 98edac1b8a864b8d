package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCLI puts a pulumi on PATH that prints version for `pulumi version`,
// "{}" for `pulumi stack export`, and counts its runs in the file it returns.
func fakeCLI(t *testing.T, version string) (calls string) {
	t.Helper()
	bin := t.TempDir()
	calls = filepath.Join(bin, "calls")
	script := "#!/bin/sh\necho \"$*\" >> " + calls + "\n" +
		"[ \"$1\" = version ] && echo " + version + " && exit 0\n" +
		"[ \"$1 $2\" = \"stack export\" ] && echo '{}' && exit 0\nexit 1\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pulumi"), []byte(script), 0o755)) //nolint:gosec // G306: a script to run
	t.Setenv("PATH", bin)
	return calls
}

func TestOrphansChecksTheCLIOnceBeforeExporting(t *testing.T) {
	t.Run("too old: refused before any export", func(t *testing.T) {
		calls := fakeCLI(t, "v3.216.0")
		export := checkedStackExport()
		_, err := export(t.Context(), t.TempDir(), "dev")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "the pulumi on PATH is v3.216.0: install a newer one")
		_, err = export(t.Context(), t.TempDir(), "prod")
		require.Error(t, err)
		raw, err := os.ReadFile(calls)
		require.NoError(t, err)
		assert.Equal(t, []string{"version"}, strings.Fields(strings.TrimSpace(string(raw))), "checked once, nothing exported")
	})
	t.Run("new enough: each stack exported, the version read once", func(t *testing.T) {
		calls := fakeCLI(t, "v3.259.0")
		export := checkedStackExport()
		for _, stack := range []string{"dev", "prod"} {
			out, err := export(t.Context(), t.TempDir(), stack)
			require.NoError(t, err)
			assert.Equal(t, "{}\n", string(out))
		}
		raw, err := os.ReadFile(calls)
		require.NoError(t, err)
		assert.Equal(t, "version\nstack export --stack dev --non-interactive\nstack export --stack prod --non-interactive\n", string(raw))
	})
}
