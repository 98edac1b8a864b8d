//go:build e2e

package e2e

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestOrganizationSettingsFromTheOrgStack: the Go org stack states settings
// provider 4.14.0 cannot set, for an organization it creates (its own
// credential acts) and one it adopts (the caller's acts). One up sets them
// and the next preview shows no changes; a change made in Atlas is set back
// by up --refresh; destroying the stack leaves the adopted organization's
// settings as they are.
func TestOrganizationSettingsFromTheOrgStack(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)
	payingOrg := seed["payingOrgId"]

	// The paying organization, adopted as discover prints it.
	var found map[string]map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(w.runEnv(credentialEnv(seed, baseURL), "bin/atlas-multiorg", "discover")), &found))
	require.Len(t, found, 1)
	var adopted map[string]any
	for _, entry := range found {
		adopted = entry
	}
	adopted["delegatedMcpAccess"] = "READ_ONLY"
	adopted["idleSessionTimeoutInSeconds"] = 1800
	const stack = "settings"
	w.deployedStack(t, env, stack, baseURL, seed, "dev", map[string]any{
		"legacy": adopted,
		"ops": map[string]any{"name": "settings-ops", "absoluteSessionTimeoutInSeconds": 14400, "idleSessionTimeoutInSeconds": 900,
			"operationsContact": "ops@example.com", "maxServiceAccountSecretValidityInHours": 4380},
	})
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")

	orgs, credentials := w.stackOrgs(t, env, stack)
	own := newAdminClient(t, baseURL, credentials["ops"])
	caller := newAdminClient(t, baseURL, seed)
	settings := own.call(http.MethodGet, "/orgs/"+orgs["ops"]+"/settings", "2023-01-01", nil)
	assert.Equal(t, map[string]any{"absoluteSessionTimeoutInSeconds": 14400.0, "idleSessionTimeoutInSeconds": 900.0}, settings["customSessionTimeouts"])
	assert.Equal(t, "ops@example.com", settings["operationsContact"])
	assert.Equal(t, 4380.0, settings["maxServiceAccountSecretValidityInHours"])
	assert.Equal(t, "READ_ONLY", caller.call(http.MethodGet, "/orgs/"+payingOrg+"/delegationSettings", "2025-03-12", nil)["delegatedMcpAccess"],
		"set in the adopted organization with the caller's credential")

	// A change made in the Atlas UI is set back by up --refresh.
	own.call(http.MethodPatch, "/orgs/"+orgs["ops"]+"/settings", "2023-01-01", map[string]any{
		"customSessionTimeouts": map[string]any{"absoluteSessionTimeoutInSeconds": 14400, "idleSessionTimeoutInSeconds": 3600}})
	w.runEnv(env, "pulumi", "up", "--refresh", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	assert.Equal(t, map[string]any{"absoluteSessionTimeoutInSeconds": 14400.0, "idleSessionTimeoutInSeconds": 900.0},
		own.call(http.MethodGet, "/orgs/"+orgs["ops"]+"/settings", "2023-01-01", nil)["customSessionTimeouts"])
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")

	// The adopted organization is released with its settings as they are.
	w.runEnv(env, "pulumi", "destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	assert.Equal(t, "READ_ONLY", caller.call(http.MethodGet, "/orgs/"+payingOrg+"/delegationSettings", "2025-03-12", nil)["delegatedMcpAccess"])
	timeouts, ok := caller.call(http.MethodGet, "/orgs/"+payingOrg+"/settings", "2023-01-01", nil)["customSessionTimeouts"].(map[string]any)
	require.True(t, ok, "the adopted organization keeps its session timeouts")
	assert.Equal(t, 1800.0, timeouts["idleSessionTimeoutInSeconds"])
}
