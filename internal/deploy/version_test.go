package deploy

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/pulumiversion"
)

// TestAnOldCLIIsRefusedInOneLine: deploy and status open the project
// through the pulumi on PATH, and a CLI older than pulumiversion.Minimum is
// refused before any stack is read, saying what to install.
func TestAnOldCLIIsRefusedInOneLine(t *testing.T) {
	bin := t.TempDir()
	script := "#!/bin/sh\n[ \"$1\" = version ] && echo v3.207.0 && exit 0\necho \"unexpected: $*\" >&2; exit 1\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "pulumi"), []byte(script), 0o755)) //nolint:gosec // G306: a script to run
	t.Setenv("PATH", bin)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: atlas-multiorg\nruntime: go\n"), 0o600))
	_, err := (&AutoRunner{WorkDir: dir}).ProjectStacks(context.Background())
	require.Error(t, err)
	assert.Equal(t, pulumiversion.Check("v3.207.0").Error(), err.Error())
	assert.Contains(t, err.Error(), "atlas-multiorg needs the Pulumi CLI "+pulumiversion.Minimum+" or later")
	assert.Contains(t, err.Error(), "the pulumi on PATH is v3.207.0: install a newer one (https://www.pulumi.com/docs/install/)")
}
