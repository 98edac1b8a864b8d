package tests

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sourceText is every non-test Go file the tools and the program are built
// from, as one text.
func sourceText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, dir := range []string{"cmd", "components", "internal", "stacks"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			raw, err := os.ReadFile(path) //nolint:gosec // G304: the repository's own files
			b.Write(raw)
			return err
		})
		require.NoError(t, err)
	}
	return b.String()
}

// TestTroubleshootingQuotesTheCode: each message the README's
// troubleshooting table quotes is still what the code says (a "…" stands for
// what the code fills in), so the table cannot drift from the errors a user
// meets. A row marked (Pulumi's own) quotes the Pulumi CLI instead.
func TestTroubleshootingQuotesTheCode(t *testing.T) {
	readme := readDoc(t, "README.md")
	start := strings.Index(readme, "\n## Troubleshooting\n")
	require.GreaterOrEqual(t, start, 0, "README.md has a troubleshooting section")
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	source := sourceText(t)
	quoted := regexp.MustCompile("`([^`]+)`")
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| `") || len(cells) < 3 {
			continue
		}
		rows++
		if strings.Contains(cells[0], "(Pulumi's own)") {
			continue
		}
		for _, m := range quoted.FindAllStringSubmatch(cells[0], -1) {
			for _, fragment := range strings.Split(m[1], "…") {
				if fragment = strings.TrimSpace(fragment); fragment != "" {
					assert.Contains(t, source, fragment, "README.md's troubleshooting quotes %q, which no code says", fragment)
				}
			}
		}
	}
	assert.GreaterOrEqual(t, rows, 10, "the troubleshooting table covers the errors met most")
}

// TestTheReadmeDrawsWhatRunsWhere: the README's diagram shows the paying
// organization, the organizations it pays for with their own credentials,
// the org and consumer stacks, and the backend.
func TestTheReadmeDrawsWhatRunsWhere(t *testing.T) {
	diagrams := fencedBlocks(readDoc(t, "README.md"), "mermaid")
	require.Len(t, diagrams, 1, "README.md has one mermaid diagram")
	for _, part := range []string{"Paying organization", "pays for", "its own service account", "Org stack", "Consumer stack",
		"State backend", "exports credentials (secret)"} {
		assert.Contains(t, diagrams[0], part)
	}
}
