package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheReleaseDownloadURLNamesThisRepository: the CLI resolves
// github://<host>/<owner> to the repository <owner>/pulumi-<plugin name>,
// which this project is not, so make release's default pluginDownloadURL
// names the owner and the repository of the module path, and the install
// commands of the docs use the same URL.
func TestTheReleaseDownloadURLNamesThisRepository(t *testing.T) {
	read := func(name string) string {
		raw, err := os.ReadFile(filepath.Join(repoRoot, name)) //nolint:gosec // G304: the repository's own files
		require.NoError(t, err)
		return string(raw)
	}
	module := regexp.MustCompile(`(?m)^module github\.com/(\S+)$`).FindStringSubmatch(read("go.mod"))
	require.NotNil(t, module, "go.mod names the module")
	want := "github://api.github.com/" + module[1]
	makefile := regexp.MustCompile(`(?m)^PLUGIN_DOWNLOAD_URL \?= (\S+)$`).FindStringSubmatch(read("Makefile"))
	require.NotNil(t, makefile, "the Makefile sets PLUGIN_DOWNLOAD_URL")
	assert.Equal(t, want, makefile[1])
	for _, doc := range []string{"README.md", "docs/component-package.md"} {
		for _, server := range regexp.MustCompile(`--server (\S+)`).FindAllStringSubmatch(read(doc), -1) {
			if strings.HasPrefix(server[1], "github://") {
				assert.Equal(t, want, server[1], doc)
			}
		}
	}
}
