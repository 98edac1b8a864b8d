//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// settingsProgram is a YAML program of one OrganizationSettings, served by
// the package's plugin from bin/, acting in the organization with the
// credential its config holds (the secret encrypted).
const settingsProgram = `name: org-settings
runtime: yaml
packages:
  atlas-multiorg: %s
config:
  orgId: {type: string}
  baseUrl: {type: string}
  clientId: {type: string}
  clientSecret: {type: string, secret: true}
resources:
  settings:
    type: atlas-multiorg:index:OrganizationSettings
    properties:
      orgId: ${orgId}
      baseUrl: ${baseUrl}
      clientId: ${clientId}
      clientSecret: ${clientSecret}
      absoluteSessionTimeoutInSeconds: 14400
      idleSessionTimeoutInSeconds: 1800
      maxServiceAccountSecretValidityInHours: 2160
      operationsContact: ops@example.com
      streamsCrossGroupEnabled: true
      delegatedMcpAccess: DISALLOWED
      delegatedPartnerAccess: READ_WRITE
      idleRefreshTokenLifetime: 86400
      maximumRefreshTokenLifetime: 604800
outputs:
  operationsContact: ${settings.operationsContact}
`

// TestOrganizationSettingsWithTheRealEngine: the plugin's OrganizationSettings
// through the real CLI. One up converges; the state holds the credential
// encrypted only; a change of two settings made in Atlas is found by a
// refreshing preview and set back by pulumi up --refresh; destroy sets the
// settings back to Atlas' defaults.
func TestOrganizationSettingsWithTheRealEngine(t *testing.T) {
	requireRealTools(t)
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	admin := newAdminClient(t, baseURL, seed)
	orgID := seed["payingOrgId"]
	project := filepath.Join(t.TempDir(), "org-settings")
	require.NoError(t, os.MkdirAll(project, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(project, "Pulumi.yaml"), []byte(fmt.Sprintf(settingsProgram, filepath.Join(w.repo, "bin"))), 0o600))
	env := w.backend()
	in := func(args ...string) string {
		return w.runIn(project, env, "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	w.runIn(project, env, "pulumi", "stack", "init", stack, "--non-interactive")
	in("config", "set", "orgId", orgID)
	in("config", "set", "baseUrl", baseURL)
	in("config", "set", "clientId", seed["clientId"])
	c := *w
	c.repo = project
	out, code := c.command(env, seed["clientSecret"]+"\n", "pulumi", "config", "set", "--secret", "clientSecret", "--stack", stack, "--non-interactive")
	require.Equal(t, 0, code, "the secret from stdin: %s", out)

	in("up", "--yes", "--skip-preview")
	in("preview", "--expect-no-changes")
	settings := admin.call("GET", "/orgs/"+orgID+"/settings", "2023-01-01", nil)
	assert.Equal(t, "ops@example.com", settings["operationsContact"])
	assert.Equal(t, map[string]any{"absoluteSessionTimeoutInSeconds": 14400.0, "idleSessionTimeoutInSeconds": 1800.0}, settings["customSessionTimeouts"])
	assert.Equal(t, "READ_WRITE", admin.call("GET", "/orgs/"+orgID+"/delegationSettings", "2025-03-12", nil)["delegatedPartnerAccess"])
	assert.NotContains(t, in("stack", "export"), seed["clientSecret"], "the state holds the credential encrypted only")

	// A person changes two settings in the Atlas UI.
	admin.call("PATCH", "/orgs/"+orgID+"/settings", "2023-01-01", map[string]any{"operationsContact": "someone@example.com"})
	admin.call("PATCH", "/orgs/"+orgID+"/delegationSettings", "2025-03-12", map[string]any{"delegatedPartnerAccess": "DISALLOWED"})
	drift, code := c.command(env, "", "pulumi", "preview", "--refresh", "--expect-no-changes", "--diff", "--stack", stack, "--non-interactive")
	assert.NotEqual(t, 0, code, "a refreshing preview finds the change: %s", tail(drift))
	assert.Contains(t, drift, "operationsContact")
	assert.Contains(t, drift, "delegatedPartnerAccess")

	in("up", "--refresh", "--yes", "--skip-preview")
	assert.Equal(t, "ops@example.com", admin.call("GET", "/orgs/"+orgID+"/settings", "2023-01-01", nil)["operationsContact"], "set back")
	assert.Equal(t, "READ_WRITE", admin.call("GET", "/orgs/"+orgID+"/delegationSettings", "2025-03-12", nil)["delegatedPartnerAccess"], "set back")
	in("preview", "--refresh", "--expect-no-changes")

	in("destroy", "--yes", "--skip-preview")
	settings = admin.call("GET", "/orgs/"+orgID+"/settings", "2023-01-01", nil)
	assert.NotContains(t, settings, "operationsContact", "Atlas' default again")
	assert.NotContains(t, settings, "customSessionTimeouts")
	assert.Equal(t, "DISALLOWED", admin.call("GET", "/orgs/"+orgID+"/delegationSettings", "2025-03-12", nil)["delegatedPartnerAccess"])

	// An import reads what Atlas has away from its defaults, with the
	// caller's credential from the environment (an import has no inputs).
	admin.call("PATCH", "/orgs/"+orgID+"/settings", "2023-01-01", map[string]any{"maxServiceAccountSecretValidityInHours": 720})
	admin.call("PATCH", "/orgs/"+orgID+"/delegationSettings", "2025-03-12", map[string]any{"delegatedMcpAccess": "READ_ONLY"})
	callerEnv := append(slices.Clone(env), "MONGODB_ATLAS_BASE_URL="+baseURL, "MONGODB_ATLAS_CLIENT_ID="+seed["clientId"], "MONGODB_ATLAS_CLIENT_SECRET="+seed["clientSecret"])
	w.runIn(project, callerEnv, "pulumi", "import", "atlas-multiorg:index:OrganizationSettings", "adopted", orgID,
		"--yes", "--generate-code=false", "--stack", stack, "--non-interactive")
	var state struct {
		Deployment struct {
			Resources []struct {
				Type   string         `json:"type"`
				Inputs map[string]any `json:"inputs"`
			} `json:"resources"`
		} `json:"deployment"`
	}
	require.NoError(t, json.Unmarshal([]byte(in("stack", "export")), &state))
	var imported []map[string]any
	for _, r := range state.Deployment.Resources {
		if r.Type == "atlas-multiorg:index:OrganizationSettings" {
			imported = append(imported, r.Inputs)
		}
	}
	assert.Equal(t, []map[string]any{{"orgId": orgID, "maxServiceAccountSecretValidityInHours": 720.0, "delegatedMcpAccess": "READ_ONLY"}}, imported,
		"the settings Atlas has away from its defaults, and no credential")
}
