package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/tests/guide"
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

// ciWorkflows are the workflow files of examples/ci/.
func ciWorkflows(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "examples", "ci", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// secretsHeader opens the list of the secrets a workflow needs, in its
// header comment; each line after it names one: "#   NAME   what it is".
const secretsHeader = "# Secrets it needs, and nothing else:"

var (
	secretLine = regexp.MustCompile(`^#\s{2,}([A-Z][A-Z0-9_]*)\s`)
	secretUse  = regexp.MustCompile(`secrets\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// TestEachWorkflowNamesOnlyTheSecretsItUses holds every workflow of
// examples/ci/ to the list of secrets its header gives the person who copies
// it: each secret it names is used, each one it uses is named, and none
// reaches a command line (a run: step), only the job's environment.
func TestEachWorkflowNamesOnlyTheSecretsItUses(t *testing.T) {
	for _, file := range ciWorkflows(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file) //nolint:gosec // G304: the repository's own example
			require.NoError(t, err)
			var named []string
			listing := false
			for _, line := range strings.Split(string(raw), "\n") {
				switch m := secretLine.FindStringSubmatch(line); {
				case strings.TrimSpace(line) == secretsHeader:
					listing = true
				case listing && m != nil:
					named = append(named, m[1])
				default:
					listing = false
				}
			}
			require.NotEmpty(t, named, "the header lists the secrets it needs after %q", secretsHeader)
			var used []string
			for _, m := range secretUse.FindAllStringSubmatch(string(raw), -1) {
				if !slices.Contains(used, m[1]) {
					used = append(used, m[1])
				}
			}
			slices.Sort(named)
			slices.Sort(used)
			assert.Equal(t, named, used, "the secrets its header names are the ones it uses")

			var workflow any
			require.NoError(t, yaml.Unmarshal(raw, &workflow))
			for _, run := range valuesOf(workflow, "run") {
				assert.NotContains(t, run, "secrets.", "a secret on a command line, where the log and ps show it: give it to the job's env: instead")
			}
		})
	}
}

// valuesOf are the string values of every key named key in a decoded YAML
// document, at any depth.
func valuesOf(node any, key string) []string {
	var found []string
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if s, ok := v.(string); ok && k == key {
				found = append(found, s)
			}
			found = append(found, valuesOf(v, key)...)
		}
	case []any:
		for _, v := range n {
			found = append(found, valuesOf(v, key)...)
		}
	}
	return found
}

// TestDeployWorkflow checks the deployment docs/sharding-and-deploy.md
// offers to copy: dev, then staging, then prod, each job a matrix of its
// environment's shards, exactly the stacks the guide deploys, each running
// atlas-multiorg deploy on its shard against the shared backend, prod behind
// its GitHub environment, and no running deployment ever cancelled.
func TestDeployWorkflow(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "examples", "ci", "deploy.yml"))
	require.NoError(t, err)
	var workflow struct {
		On          map[string]any `yaml:"on"`
		Concurrency struct {
			Group            string `yaml:"group"`
			CancelInProgress bool   `yaml:"cancel-in-progress"`
		} `yaml:"concurrency"`
		Jobs map[string]struct {
			Needs       string `yaml:"needs"`
			Environment string `yaml:"environment"`
			Strategy    struct {
				FailFast bool `yaml:"fail-fast"`
				Matrix   struct {
					Shard []string `yaml:"shard"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &workflow))
	assert.Contains(t, workflow.On, "push")
	assert.NotEmpty(t, workflow.Concurrency.Group, "one deployment at a time")
	assert.False(t, workflow.Concurrency.CancelInProgress, "a running deployment is never cancelled: it would leave its lock")

	require.Len(t, workflow.Jobs, len(multiorg.PromotionOrder), "a job per environment")
	var shards []string
	for i, env := range multiorg.PromotionOrder {
		job, ok := workflow.Jobs[env]
		require.True(t, ok, "a job for %s", env)
		if i > 0 {
			assert.Equal(t, multiorg.PromotionOrder[i-1], job.Needs, "%s starts once %s succeeded", env, multiorg.PromotionOrder[i-1])
		}
		assert.False(t, job.Strategy.FailFast, "%s: a failed shard does not cancel the others of its environment", env)
		require.NotEmpty(t, job.Strategy.Matrix.Shard, env)
		for _, shard := range job.Strategy.Matrix.Shard {
			assert.Equal(t, env, stackEnvironment(t, shard), "shard %s runs in its environment's job", shard)
		}
		shards = append(shards, job.Strategy.Matrix.Shard...)
		assert.Equal(t, "${{ secrets.PULUMI_BACKEND_URL }}", job.Env["PULUMI_BACKEND_URL"], "%s: the team's backend", env)
		assert.Equal(t, "1", job.Env["PULUMI_DIY_BACKEND_PARALLEL"], "%s: docs/running-as-a-team.md", env)
		var deploys []string
		for _, step := range job.Steps {
			if strings.Contains(step.Run, "atlas-multiorg deploy") {
				deploys = append(deploys, step.Run)
			}
		}
		assert.Equal(t, []string{`bin/atlas-multiorg deploy "${{ matrix.shard }}"`}, deploys, "%s: one deploy of its shard", env)
	}
	assert.Equal(t, "production", workflow.Jobs["prod"].Environment, "prod waits for its environment's reviewers")
	assert.Equal(t, shardingGuideDeploys(t), shards, "the workflow deploys the guide's stacks, in the guide's order")
}

// shardingGuideBlocks are the code blocks of the sharding guide's
// "Sharding" section.
func shardingGuideBlocks(t *testing.T) []guide.Block {
	t.Helper()
	blocks, ok := guide.BlocksAfter(readDoc(t, "docs/sharding-and-deploy.md"), "## Sharding: ")
	require.True(t, ok, "the guide has its Sharding section")
	return blocks
}

// shardingGuideDeploys are the stacks the sharding guide's deploy command
// names, in order.
func shardingGuideDeploys(t *testing.T) []string {
	t.Helper()
	for _, command := range guide.Commands(shardingGuideBlocks(t), "sh") {
		if _, stacks, ok := strings.Cut(command, "bin/atlas-multiorg deploy "); ok {
			stacks, _, _ = strings.Cut(stacks, "#")
			return strings.Fields(stacks)
		}
	}
	require.Fail(t, "the sharding guide runs deploy")
	return nil
}

// stackConfig is the config of a stack the sharding guide deploys: its file
// as the guide shows it, else the shipped one.
func stackConfig(t *testing.T, stack string) map[string]string {
	t.Helper()
	if file, ok := guide.StackFiles(shardingGuideBlocks(t))[stack]; ok {
		config, err := stackconfig.Parse([]byte(file))
		require.NoError(t, err, "the guide's Pulumi.%s.yaml", stack)
		return config
	}
	config, err := stackconfig.Read(filepath.Join(repoRoot, "Pulumi."+stack+".yaml"))
	require.NoError(t, err, "stack %s: neither shipped nor shown whole in the guide", stack)
	return config
}

// stackEnvironment is the environment of a stack the guide deploys.
func stackEnvironment(t *testing.T, stack string) string {
	t.Helper()
	spec := decodedSpec(t, stack, stackConfig(t, stack))
	if spec.Environment == "" {
		return multiorg.DefaultEnvironment
	}
	return spec.Environment
}

// TestShardingGuideCreatesWhatItDeploys: every stack the sharding guide
// deploys is created by its own commands and has a file (shown whole in the
// guide, or shipped), each file is valid, and no two organizations of the
// one paying organization share a name, the rule the guide states.
func TestShardingGuideCreatesWhatItDeploys(t *testing.T) {
	blocks := shardingGuideBlocks(t)
	shown := guide.StackFiles(blocks)
	require.Contains(t, shown, "prod-eu", "a whole shard file is shown")
	commands := strings.Join(guide.Commands(blocks, "sh"), "\n")
	deployed := shardingGuideDeploys(t)
	for stack := range shown {
		assert.Contains(t, deployed, stack, "the guide deploys the shard it shows")
	}
	names := map[string]string{} // lower-cased organization name -> stack.key
	for _, stack := range deployed {
		assert.Regexp(t, `for stack in [^;]*\b`+regexp.QuoteMeta(stack)+`\b[^;]*; do pulumi stack select --create "\$stack"`, commands,
			"the guide creates %s before deploying it", stack)
		spec := decodedSpec(t, stack, stackConfig(t, stack))
		for key, org := range spec.Orgs {
			where := stack + ".orgs." + key
			if other, taken := names[strings.ToLower(org.Name)]; taken {
				assert.Fail(t, "one paying organization, one name", "%s and %s are both named %q", other, where, org.Name)
			}
			names[strings.ToLower(org.Name)] = where
		}
	}
}
