package guide

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const doc = "# Title\n\nintro\n\n```sh\nnot this\n```\n\n## Steps\n\n" +
	"```yaml\n# Pulumi.prod-eu.yaml: a shard\nconfig: {}\n```\n\n" +
	"```yaml\nconfig: {}\n```\n\n" +
	"```sh\n# a comment\nmake up   # trailing\n\n  pulumi stack ls\n```\n\n## Next\n\n```sh\nnot this either\n```\n"

func TestBlocksAfter(t *testing.T) {
	blocks, ok := BlocksAfter(doc, "## Steps")
	require.True(t, ok)
	require.Len(t, blocks, 3, "the blocks up to the next heading")
	assert.Equal(t, []string{"make up   # trailing", "pulumi stack ls"}, Commands(blocks, "sh"))
	assert.Equal(t, map[string]string{"prod-eu": "# Pulumi.prod-eu.yaml: a shard\nconfig: {}\n"}, StackFiles(blocks),
		"only a block that names its file")

	_, ok = BlocksAfter(doc, "## Missing")
	assert.False(t, ok)
}

func TestBlocksAreTheWholeDocuments(t *testing.T) {
	blocks := Blocks(doc)
	require.Len(t, blocks, 5, "every block, across headings")
	assert.Equal(t, []string{"not this", "make up   # trailing", "pulumi stack ls", "not this either"}, Commands(blocks, "sh"))
}
