//go:build e2e

package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestAdoptingAnOrganizationWhosePeopleAccepted adopts an organization whose
// people accepted their invitations before the first `pulumi up`, with the
// real provider against atlas-local: ACTIVE people must converge as PENDING
// ones do, in exactly one `up`, and a preview and a refresh after it show no
// changes; a change to an accepted person's roles converges in one more `up`.
func TestAdoptingAnOrganizationWhosePeopleAccepted(t *testing.T) {
	requireRealTools(t)
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	org := seed["payingOrgId"]

	// By hand, as in the Atlas UI: two people, both of whom accept, and a
	// team of both.
	admin := newAdminClient(t, baseURL, seed)
	for username, roles := range map[string][]string{"ada@example.com": {"ORG_OWNER"}, "grace@example.com": {"ORG_MEMBER", "ORG_READ_ONLY"}} {
		admin.call(http.MethodPost, "/orgs/"+org+"/users", "2025-02-19", map[string]any{
			"username": username, "roles": map[string]any{"orgRoles": roles}})
		w.runEnv(nil, "bin/atlas-local", "console", "--data-dir", dir, "--url", baseURL, "accept", org, username)
	}
	admin.call(http.MethodPost, "/orgs/"+org+"/teams", "2023-01-01", map[string]any{
		"name": "Data Engineers", "usernames": []string{"ada@example.com", "grace@example.com"}})
	statuses := memberStatuses(t, w, dir)
	assert.Equal(t, "ACTIVE", statuses["ada@example.com"])
	assert.Equal(t, "ACTIVE", statuses["grace@example.com"])

	var found map[string]map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(w.runEnv(credentialEnv(seed, baseURL), "bin/atlas-multiorg", "discover")), &found))
	require.Len(t, found, 1, "the paying organization is the only one")
	const stack = "accepted"
	write := func() {
		raw, err := yaml.Marshal(map[string]any{"config": map[string]any{
			"mongodbatlas:baseUrl":       baseURL,
			"atlas-multiorg:payingOrgId": org,
			"atlas-multiorg:environment": "dev",
			"atlas-multiorg:orgs":        found,
		}})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"), raw, 0o600))
	}
	write()
	env := w.shardEnv(seed, baseURL)
	pulumi := func(args ...string) string {
		return w.runEnv(env, "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")

	out := pulumi("up", "--yes", "--skip-preview")
	assert.Contains(t, out, "7 imported", "the organization, its owner and two people, its team and the team's two members")
	pulumi("preview", "--expect-no-changes")
	pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview")
	pulumi("preview", "--expect-no-changes")

	for _, entry := range found {
		entry["members"].(map[string]any)["grace@example.com"] = map[string]any{"roles": []string{"ORG_MEMBER"}}
	}
	write()
	assert.Contains(t, pulumi("up", "--yes", "--skip-preview"), "1 updated", "an accepted person's changed roles are an update")
	pulumi("preview", "--expect-no-changes")
	pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview")

	pulumi("destroy", "--yes", "--skip-preview")
	assert.Equal(t, map[string]string{"ada@example.com": "ACTIVE", "grace@example.com": "ACTIVE"}, memberStatuses(t, w, dir),
		"released with the organization, its people stay, still accepted")
}
