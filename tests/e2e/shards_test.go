//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// shard is one org stack of a sharded deployment, as docs/sharding-and-deploy.md's
// "Sharding" section sets one up.
type shard struct {
	name, env string
	orgs      map[string]string // org key -> Atlas name
}

// localSeed is what atlas-local's credentials.json says of its paying org.
type localSeed map[string]string

// writeShard writes Pulumi.<name>.yaml for a shard against atlas-local (its
// baseUrl and seeded IDs; the credentials come from the environment) and
// creates the stack.
func (w *workspace) writeShard(s shard, seed localSeed, baseURL string) {
	w.t.Helper()
	w.writeShardFile(s, seed, baseURL)
	w.runEnv(w.backend(), "pulumi", "stack", "init", s.name, "--non-interactive")
}

// writeShardFile writes Pulumi.<name>.yaml for a shard against atlas-local.
func (w *workspace) writeShardFile(s shard, seed localSeed, baseURL string) {
	w.t.Helper()
	orgs := map[string]any{}
	for key, name := range s.orgs {
		entry := map[string]any{"name": name}
		if s.env != "dev" {
			entry["multiFactorAuthRequired"] = true
		}
		orgs[key] = entry
	}
	file := map[string]any{"config": map[string]any{
		"mongodbatlas:baseUrl":       baseURL,
		"atlas-multiorg:payingOrgId": seed["payingOrgId"],
		"atlas-multiorg:orgOwnerId":  seed["orgOwnerId"],
		"atlas-multiorg:environment": s.env,
		"atlas-multiorg:orgs":        orgs,
	}}
	raw, err := yaml.Marshal(file)
	require.NoError(w.t, err)
	require.NoError(w.t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+s.name+".yaml"), raw, 0o600))
}

// shardEnv is the environment deploy runs shards in: the shared backend and
// the paying org's credentials, as a CI job has them from its secret store.
func (w *workspace) shardEnv(seed localSeed, baseURL string) []string {
	return append(w.backend(), credentialEnv(seed, baseURL)...)
}

// credentialEnv is the paying org's credential for the provider, as
// variables.
func credentialEnv(seed localSeed, baseURL string) []string {
	return []string{"MONGODB_ATLAS_BASE_URL=" + baseURL,
		"MONGODB_ATLAS_CLIENT_ID=" + seed["clientId"], "MONGODB_ATLAS_CLIENT_SECRET=" + seed["clientSecret"]}
}

// deployWorkflow runs the sharding guide's deployment: two dev shards in
// parallel, then a staging shard; a broken dev shard stops staging; and
// deploy --destroy removes it all.
func (w *workspace) deployWorkflow(t *testing.T, seed localSeed) {
	baseURL := strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url")))
	shards := []shard{
		{"dev-0", "dev", map[string]string{"a": "shard-dev-0-a", "b": "shard-dev-0-b"}},
		{"dev-1", "dev", map[string]string{"a": "shard-dev-1-a", "b": "shard-dev-1-b"}},
		{"staging-0", "staging", map[string]string{"a": "shard-staging-0-a"}},
	}
	for _, s := range shards {
		w.writeShard(s, seed, baseURL)
	}
	env := w.shardEnv(seed, baseURL)
	before := w.atlasOrgs()

	out, code := w.command(env, "", "bin/atlas-multiorg", "deploy", "staging-0", "dev-0", "dev-1", "-o", "json")
	require.Equal(t, 0, code, tail(out))
	var results []struct {
		Stack, Environment, Status string
		Changes                    map[string]int
		Outputs, SecretOutputs     int
	}
	summary := out[strings.Index(out, "\n[\n")+1:]
	require.NoError(t, json.Unmarshal([]byte(summary), &results), out)
	require.Len(t, results, 3)
	for i, want := range []struct{ stack, env string }{{"dev-0", "dev"}, {"dev-1", "dev"}, {"staging-0", "staging"}} {
		assert.Equal(t, want.stack, results[i].Stack, "dev before staging")
		assert.Equal(t, want.env, results[i].Environment)
		assert.Equal(t, "succeeded", results[i].Status)
		assert.Equal(t, 1, results[i].SecretOutputs, "credentials is the one secret output")
	}
	assert.Positive(t, results[0].Changes["create"])
	assert.Regexp(t, `(?m)^\[dev-0\] up started \(dev\)$`, out)
	assert.Regexp(t, `(?m)^\[staging-0\] up succeeded in `, out)
	// dev-1 starts before dev-0 ends: the shards ran at once.
	assert.Less(t, strings.Index(out, "[dev-1] up started"), strings.Index(out, "[dev-0] up succeeded"), out)

	var created []string
	for _, s := range shards {
		for _, name := range s.orgs {
			created = append(created, name)
		}
		// No secret in what deploy printed: not the paying org's, not any shard's credential.
		var credentials map[string]map[string]string
		require.NoError(t, json.Unmarshal([]byte(w.runEnv(w.backend(), "pulumi", "stack", "output", "credentials",
			"--json", "--show-secrets", "--stack", s.name)), &credentials))
		require.Len(t, credentials, len(s.orgs))
		for key, c := range credentials {
			require.NotEmpty(t, c["clientSecret"], key)
			assert.NotContains(t, out, c["clientSecret"], "%s/%s: a secret in deploy's output", s.name, key)
		}
		w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", s.name, "--non-interactive")
	}
	assert.NotContains(t, out, seed["clientSecret"])
	assert.ElementsMatch(t, append(before, created...), w.atlasOrgs())

	t.Run("a failing shard stops the later environments, not its own", func(t *testing.T) {
		w := w.with(t)
		w.writeShard(shard{"dev-broken", "dev", map[string]string{"x": "has space"}}, seed, baseURL)
		out, code := w.command(env, "", "bin/atlas-multiorg", "deploy", "--preview", "dev-broken", "dev-0", "staging-0")
		assert.Equal(t, 1, code, tail(out))
		assert.Regexp(t, `(?m)^dev-broken +dev +failed .*orgs\.x\.name`, out)
		assert.Regexp(t, `(?m)^dev-0 +dev +succeeded .* unchanged +- *$`, out)
		assert.Regexp(t, `(?m)^staging-0 +staging +skipped .*not run: dev-broken failed first`, out)
		assert.Contains(t, out, "1 succeeded, 1 failed, 1 skipped")
		w.runEnv(w.backend(), "pulumi", "stack", "rm", "--yes", "dev-broken", "--non-interactive")
	})

	t.Run("a stack that does not exist is refused before anything runs", func(t *testing.T) {
		w := w.with(t)
		out, code := w.command(env, "", "bin/atlas-multiorg", "deploy", "dev-0", "dev-typo")
		assert.Equal(t, 2, code, tail(out))
		assert.Contains(t, out, `stack "dev-typo": no such stack in the backend`)
		assert.Contains(t, out, "pulumi stack init dev-typo")
		assert.NotContains(t, out, "[dev-0]", "nothing ran")
	})

	out = w.runEnv(env, "bin/atlas-multiorg", "deploy", "--destroy", "dev-0", "dev-1", "staging-0")
	assert.Less(t, strings.Index(out, "[staging-0] destroy succeeded"), strings.Index(out, "[dev-0] destroy started"), "staging is destroyed before dev")
	assert.Equal(t, before, w.atlasOrgs(), "deploy --destroy deleted every shard's organizations")
	for _, s := range shards {
		w.runEnv(w.backend(), "pulumi", "stack", "rm", "--yes", s.name, "--non-interactive")
	}
}
