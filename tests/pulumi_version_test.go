package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atlas-multiorg/atlas-multiorg/internal/pulumiversion"
)

// TestTheMinimumPulumiCLIIsStated: the README's first step and the
// command-line tool's guide state the version the tools check.
func TestTheMinimumPulumiCLIIsStated(t *testing.T) {
	assert.Contains(t, readDoc(t, "README.md"), "[Pulumi CLI](https://www.pulumi.com/docs/install/) **"+pulumiversion.Minimum+" or later**")
	assert.Contains(t, readDoc(t, "docs/command-line-tool.md"), "Pulumi CLI "+pulumiversion.Minimum+" or later")
}
