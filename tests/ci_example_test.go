package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestNightlyStatusWorkflow checks the schedule docs/status.md offers to
// copy: valid YAML, scheduled, running status and failing on its exit code,
// with exactly the secrets it needs named.
func TestNightlyStatusWorkflow(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "examples", "ci", "status-nightly.yml"))
	require.NoError(t, err)
	var workflow struct {
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Run string `yaml:"run"`
				If  string `yaml:"if"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &workflow))
	assert.Contains(t, workflow.On, "schedule")
	job, ok := workflow.Jobs["status"]
	require.True(t, ok)
	assert.Contains(t, job.Env["PULUMI_BACKEND_URL"], "secrets.PULUMI_BACKEND_URL", "against the shared (PostgreSQL) backend")
	runs := false
	for _, step := range job.Steps {
		if regexp.MustCompile(`bin/atlas-multiorg status\b`).MatchString(step.Run) {
			runs = true
			assert.Empty(t, step.If, "the status step's exit code fails the job")
			assert.NotContains(t, step.Run, "|| true")
		}
	}
	assert.True(t, runs, "a step runs atlas-multiorg status")
	var named []string
	for _, m := range regexp.MustCompile(`secrets\.([A-Z_]+)`).FindAllStringSubmatch(string(raw), -1) {
		if !slices.Contains(named, m[1]) {
			named = append(named, m[1])
		}
	}
	slices.Sort(named)
	assert.Equal(t, []string{"MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"}, named,
		"the secrets it needs, and nothing else")
}
