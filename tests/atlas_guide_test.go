package tests

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAtlasGuideKeepsSecretsOffTheCommandLine: every secret step of
// docs/running-against-atlas.md is typed at Pulumi's prompt (a `pulumi
// config set --secret KEY` with no value), never a value on the command
// line, nor an exported variable, and the guide says where each ID comes
// from and what orgStack is on each backend. tests/e2e/atlas_guide_test.go
// runs its commands; this holds where the real tools are missing.
func TestAtlasGuideKeepsSecretsOffTheCommandLine(t *testing.T) {
	guide := readDoc(t, "docs/running-against-atlas.md")
	prompted := regexp.MustCompile(`^(\(cd \S+ && )?pulumi config set --secret \S+\)?\s*(#.*)?$`)
	secretLines := 0
	for _, block := range fencedBlocks(guide, "sh") {
		for _, line := range strings.Split(block, "\n") {
			if strings.Contains(line, "--secret") && !strings.HasPrefix(line, "#") {
				secretLines++
				assert.Regexp(t, prompted, line, "a secret is typed at the prompt, never given on the command line")
			}
			assert.NotRegexp(t, `(?i)export \w*(SECRET|PRIVATE|PASSPHRASE|TOKEN)\w*=`, line, "no secret exported on a command line")
		}
	}
	assert.Positive(t, secretLines, "the guide stores the credential's secret")
	for _, where := range []string{
		"atlas users describe --username",                 // orgOwnerId, with the Atlas CLI
		"/api/atlas/v2/users/byName/{userName}",           // and with the Admin API
		"Organization Settings",                           // the paying organization's ID
		"`<your Pulumi organization>/atlas-multiorg/dev`", // orgStack with Pulumi Cloud
		"`organization/atlas-multiorg/dev`",               // and with a self-managed backend
		"--show-name --fully-qualify-stack-names",         // and how to print it
		"## Upgrading", "## Uninstalling", "make down-atlas", // the way back
	} {
		assert.Contains(t, guide, where)
	}
}
