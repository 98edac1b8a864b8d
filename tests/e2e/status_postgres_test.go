//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatusOnPostgreSQL runs status against make state-db's PostgreSQL
// backend, as the nightly workflow (examples/ci) does: two stacks clean,
// then one organization's setting changed in Atlas is the one finding, and
// a stack whose update holds its lock row is busy.
// It needs PostgreSQL and about a minute more than make e2e's own status
// test, so STATUS_E2E_POSTGRES=1 runs it.
func TestStatusOnPostgreSQL(t *testing.T) {
	if os.Getenv("STATUS_E2E_POSTGRES") == "" {
		t.Skip("STATUS_E2E_POSTGRES=1 runs it (it needs PostgreSQL, as make state-db does)")
	}
	requireRealTools(t, "pg_config")
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	backendURL := w.startStateDB(t)
	shared := []string{"PULUMI_BACKEND_URL=" + backendURL,
		"PULUMI_CONFIG_PASSPHRASE=" + passphrase, "PULUMI_DIY_BACKEND_PARALLEL=1"}
	env := append(credentialEnv(seed, baseURL), shared...)
	for _, name := range []string{"pg-0", "pg-1"} {
		w.writeShardIn(shard{name, "dev", map[string]string{"a": name + "-a"}}, seed, baseURL, shared)
	}
	w.runEnv(env, "bin/atlas-multiorg", "deploy", "pg-0", "pg-1")

	out, code := w.command(env, "", "bin/atlas-multiorg", "status")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "checked 2 of 2 stacks and 2 organizations")

	var orgs map[string]struct {
		OrgID string `json:"orgId"`
	}
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "orgs", "--json", "--stack", "pg-1", "--non-interactive")), &orgs))
	var creds map[string]localSeed
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "credentials", "--json", "--show-secrets", "--stack", "pg-1", "--non-interactive")), &creds))
	admin := newAdminClient(t, baseURL, creds["a"])
	admin.call(http.MethodPatch, "/orgs/"+orgs["a"].OrgID+"/settings", "2023-01-01", map[string]any{"securityContact": "someone@example.com"})

	out, code = w.command(env, "", "bin/atlas-multiorg", "status", "pg-0", "pg-1")
	assert.Equal(t, 1, code, out)
	assert.Regexp(t, `(?m)^pg-1 +a +changed .*securityContact is "someone@example.com" in Atlas`, out)
	assert.Regexp(t, `(?m)^pg-0 +a +ok `, out)
	assert.Contains(t, out, ": 1 finding")
	assert.NotContains(t, out, creds["a"]["clientSecret"])

	// An update holding pg-1's lock row: status reads it through psql, says
	// busy, and checks pg-0.
	up, upOut := w.upHoldingTheLock(t, env, backendURL, "pg-1")
	out, code = w.command(env, "", "bin/atlas-multiorg", "status", "pg-0", "pg-1")
	require.NoError(t, up.Wait(), upOut.String())
	assert.Equal(t, 3, code, out)
	assert.Contains(t, out, "pg-1: busy: an update of it is running (locked by ")
	assert.Regexp(t, `(?m)^pg-0 +a +ok `, out)
	assert.NotContains(t, out, strings.TrimPrefix(backendURL, "postgres://"), "nothing of the backend URL, which holds its password")
}
