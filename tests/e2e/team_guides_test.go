//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/tests/guide"
)

// The IDs the shipped stack files and the guides hold in place of the
// user's own: the paying organization's and the user's Atlas user ID.
const (
	placeholderPayingOrgID = "5f1a2b3c4d5e6f7a8b9c0d1e"
	placeholderOrgOwnerID  = "6a1b2c3d4e5f6a7b8c9d0e1f"
)

// TestTeamGuidesAsWritten follows the team's path as a new team would, every
// command read from the guides' fenced blocks and run as written, in shells
// that start with only what a fresh terminal has: docs/running-as-a-team.md's
// PostgreSQL steps; then, in one shell, the README's team path (a PostgreSQL
// of make state-db, the secrets read from stdin, dev, staging and prod
// created and deployed) and the sharding guide's commands (prod cut into the
// prod-eu and prod-us shards, whose files the guide shows whole, created and
// deployed with dev and staging). atlas-local stands in for Atlas: its base
// URL, in the environment and in each stack file, is the one difference, and
// its paying organization's IDs replace the placeholders, as a user puts in
// their own. Every stack converges (no changes after), every organization is
// created once, and nothing printed holds a secret. A name a shard holds,
// given to another stack, is refused before anything is created.
func TestTeamGuidesAsWritten(t *testing.T) {
	requireRealTools(t, "pg_config", "psql")
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	w.readyForStateDB(t)
	doc := func(path string) string { return w.read(filepath.Join(w.repo, path)) }

	t.Run("running-as-a-team.md: PostgreSQL, step by step", func(t *testing.T) {
		w := w.with(t)
		blocks, ok := guide.BlocksAfter(doc("docs/running-as-a-team.md"), "## PostgreSQL, step by step")
		require.True(t, ok)
		commands := guide.Commands(blocks, "sh")
		require.NotEmpty(t, commands)
		out, _ := w.command(nil, "", "bash", "-c", guideScript(commands))
		steps := stepOutputs(out)
		require.Len(t, steps, len(commands), "every command ran:\n%s", tail(out))
		for i, command := range commands {
			assert.Equal(t, 0, steps[i].code, "%s:\n%s", command, tail(steps[i].out))
			if strings.HasPrefix(command, "pulumi stack ls") {
				assert.Regexp(t, `(?m)^local\b`, steps[i].out, "the local stack, listed from PostgreSQL")
			}
		}
	})

	// The stack files, as the user has them: the shipped ones with their own
	// IDs (and staging's adopted entry, an organization of the example
	// account, left out, as the README says), and the shards the sharding
	// guide shows whole.
	for _, env := range []string{"dev", "staging", "prod"} {
		w.writeStackConfig(t, env, w.shippedConfig(t, env, seed, baseURL))
	}
	shardBlocks, ok := guide.BlocksAfter(doc("docs/sharding-and-deploy.md"), "## Sharding: ")
	require.True(t, ok)
	shardFiles := guide.StackFiles(shardBlocks)
	require.Contains(t, shardFiles, "prod-eu")
	for name, file := range shardFiles {
		require.Contains(t, file, placeholderPayingOrgID, "Pulumi.%s.yaml", name)
		require.Contains(t, file, placeholderOrgOwnerID, "Pulumi.%s.yaml", name)
		file = strings.NewReplacer(placeholderPayingOrgID, seed["payingOrgId"], placeholderOrgOwnerID, seed["orgOwnerId"],
			"\nconfig:\n", "\nconfig:\n  mongodbatlas:baseUrl: "+baseURL+"\n").Replace(file)
		require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+name+".yaml"), []byte(file), 0o600))
	}
	var wantOrgs []string
	stacks := []string{"dev", "staging", "prod"}
	for name := range shardFiles {
		stacks = append(stacks, name)
	}
	for _, name := range stacks {
		wantOrgs = append(wantOrgs, w.stackOrgNames(t, name)...)
	}

	readmeBlocks, ok := guide.BlocksAfter(doc("README.md"), "**Run it as a team**")
	require.True(t, ok)
	readme := guide.Commands(readmeBlocks[:1], "sh")
	commands := append(slices.Clone(readme), guide.Commands(shardBlocks, "sh")...)
	// What a person types at the README's prompts: the team's passphrase, the
	// paying organization's client ID and secret.
	const teamPassphrase = "the team's passphrase, from its secret store"
	stdin := teamPassphrase + "\n" + seed["clientId"] + "\n" + seed["clientSecret"] + "\n"
	start := time.Now()
	out, _ := w.command([]string{"MONGODB_ATLAS_BASE_URL=" + baseURL}, stdin, "bash", "-c", guideScript(commands))
	t.Logf("the README's team path and the sharding guide, as written: %.1f s", time.Since(start).Seconds())
	steps := stepOutputs(out)
	require.Len(t, steps, len(commands), "every command ran:\n%s", tail(out))
	var deploys []string
	for i, command := range commands {
		assert.Equal(t, 0, steps[i].code, "%s:\n%s", command, tail(steps[i].out))
		if strings.Contains(command, "atlas-multiorg deploy ") {
			deploys = append(deploys, steps[i].out)
		}
	}
	require.Len(t, deploys, 2, "the README deploys, then the sharding guide")
	assert.Contains(t, deploys[0], "3 succeeded", "dev, staging and prod")
	assert.Contains(t, deploys[1], "4 succeeded", "dev, staging, prod-eu and prod-us")
	assert.Regexp(t, `(?m)^prod-eu +prod +succeeded `, deploys[1], "the shard's stated environment")

	backendURL := strings.TrimSpace(w.read(filepath.Join(w.repo, ".state-db", "url")))
	password := strings.TrimSpace(w.read(filepath.Join(w.repo, ".state-db", "password")))
	for _, secret := range []string{seed["clientSecret"], teamPassphrase, password} {
		assert.NotContains(t, out, secret, "a secret in what the guides' commands printed")
	}
	assert.ElementsMatch(t, append(wantOrgs, "local-paying-org"), w.atlasOrgsIn(dir), "every organization of every stack, once")

	env := append(credentialEnv(seed, baseURL), "PULUMI_BACKEND_URL="+backendURL, "PULUMI_DIY_BACKEND_PARALLEL=1",
		"PULUMI_CONFIG_PASSPHRASE="+teamPassphrase)
	var listed []struct{ Name string }
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "ls", "--json")), &listed))
	var names []string
	for _, s := range listed {
		names = append(names, s.Name)
	}
	assert.Subset(t, names, stacks, "every stack is in the shared backend")
	for _, name := range stacks {
		w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", name, "--non-interactive")
	}
	assert.NotContains(t, w.psql(backendURL, "SELECT data::text FROM pulumi_state"), seed["clientSecret"],
		"the paying organization's secret in clear in the state table")

	t.Run("a name another stack of the paying organization holds is refused, as the sharding guide says", func(t *testing.T) {
		w := w.with(t)
		taken := w.stackOrgNames(t, "prod-eu")[0]
		w.writeShardIn(shard{"dev-eu", "dev", map[string]string{"analytics": taken}}, seed, baseURL, env)
		before := w.atlasOrgsIn(dir)
		out, code := w.command(env, "", "bin/atlas-multiorg", "deploy", "dev-eu")
		assert.Equal(t, 1, code, tail(out))
		assert.Contains(t, out, `orgs.analytics: organization "`+taken+`" (orgId `)
		assert.Contains(t, out, "already exists, linked to the paying organization, but this stack's state does not hold it")
		assert.Equal(t, before, w.atlasOrgsIn(dir), "nothing was created")
	})
}

// stackOrgNames are the names of the organizations Pulumi.<stack>.yaml
// declares.
func (w *workspace) stackOrgNames(t testing.TB, stack string) []string {
	var file struct {
		Config struct {
			Orgs map[string]struct{ Name string } `yaml:"atlas-multiorg:orgs"`
		} `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(w.read(filepath.Join(w.repo, "Pulumi."+stack+".yaml"))), &file))
	require.NotEmpty(t, file.Config.Orgs, stack)
	var names []string
	for _, o := range file.Config.Orgs {
		names = append(names, o.Name)
	}
	return names
}
