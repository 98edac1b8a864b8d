//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

// TestAdoptingAnOrganizationWithItsPeople adopts an organization made by
// hand, with two people and a team, with the real provider against
// atlas-local: discover prints its people and team, the first `pulumi up`
// adopts them with it instead of inviting them again, and gives it a
// service account of its own that signs in, rotates, has an access list and
// is granted the consumer stack's project. Destroy deletes only what the
// stack made for itself: the organization and its people stay.
func TestAdoptingAnOrganizationWithItsPeople(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	org := seed["payingOrgId"]

	// By hand, as in the Atlas UI: two people and a team of both.
	admin := newAdminClient(t, baseURL, seed)
	ada := admin.call(http.MethodPost, "/orgs/"+org+"/users", "2025-02-19", map[string]any{
		"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_OWNER"}}})["id"]
	grace := admin.call(http.MethodPost, "/orgs/"+org+"/users", "2025-02-19", map[string]any{
		"username": "grace@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER", "ORG_READ_ONLY"}}})["id"]
	team := admin.call(http.MethodPost, "/orgs/"+org+"/teams", "2023-01-01", map[string]any{
		"name": "Data Engineers", "usernames": []string{"ada@example.com"}})["id"].(string)
	admin.call(http.MethodPost, "/orgs/"+org+"/teams/"+team+":addUser", "2025-02-19", map[string]any{"id": grace})
	require.NotEmpty(t, ada)

	out := w.runEnv(credentialEnv(seed, baseURL), "bin/atlas-multiorg", "discover")
	assert.Contains(t, out, "members: [ada@example.com, grace@example.com]")
	assert.Contains(t, out, "importId: "+team)
	var found map[string]map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(out), &found))
	require.Len(t, found, 1, "the paying organization is the only one: %s", out)
	var entry map[string]any
	for _, e := range found {
		entry = e
	}
	entry["serviceAccount"] = map[string]any{
		"name": "legacy-automation", "description": "the adopted organization's own credential", "roles": []string{"ORG_OWNER"},
		"secretExpiresAfterHours": 24, "rotateEveryHours": 8, "accessList": []map[string]string{{"ipAddress": "127.0.0.1"}},
	}
	teams := entry["teams"].(map[string]any)
	teams["reviewers"] = map[string]any{"name": "Reviewers", "members": []string{"grace@example.com"}}
	const stack = "adopt"
	raw, err := yaml.Marshal(map[string]any{"config": map[string]any{
		"mongodbatlas:baseUrl":       baseURL,
		"atlas-multiorg:payingOrgId": org,
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs":        map[string]any{"legacy": entry},
	}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"), raw, 0o600))
	env := w.shardEnv(seed, baseURL)
	pulumi := func(args ...string) string {
		return w.runEnv(env, "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")

	out = pulumi("up", "--yes", "--skip-preview")
	assert.Contains(t, out, "7 imported", "the organization, its owner and two people, its team and the team's two members")
	assert.Contains(t, out, "service account secret expires at", "a 24-hour secret is inside the expiry warning window")
	people := func() (users, teamNames []string, accounts int) {
		var state struct {
			Orgs map[string]struct {
				Users           map[string]struct{ Username string }
				Teams           map[string]struct{ Name string }
				ServiceAccounts map[string]any
			} `json:"orgs"`
		}
		w.readJSON(filepath.Join(dir, "state.json"), &state)
		o := state.Orgs[org]
		for _, u := range o.Users {
			users = append(users, u.Username)
		}
		for _, t := range o.Teams {
			teamNames = append(teamNames, t.Name)
		}
		slices.Sort(users)
		slices.Sort(teamNames)
		return users, teamNames, len(o.ServiceAccounts)
	}
	users, teamNames, accounts := people()
	assert.Equal(t, []string{"ada@example.com", "grace@example.com"}, users, "nobody was invited again")
	assert.Equal(t, []string{"Data Engineers", "Reviewers"}, teamNames, "the new team is created next to the adopted one")
	assert.Equal(t, 2, accounts, "the paying organization's own service account, and the stack's")

	var orgs map[string]struct {
		CredentialType string `json:"credentialType"`
		PayingOrgID    string `json:"payingOrgId"`
	}
	require.NoError(t, json.Unmarshal([]byte(pulumi("stack", "output", "orgs", "--json")), &orgs))
	assert.Equal(t, "serviceAccount", orgs["legacy"].CredentialType)
	assert.Empty(t, orgs["legacy"].PayingOrgID, "adoption links nothing to the paying organization")
	w.credentialsSignIn(t, env, stack, baseURL, 1)
	pulumi("preview", "--expect-no-changes")
	pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview")

	// The consumer stack works inside the adopted organization with its own
	// credential, and grants it and the adopted team the project.
	consumerDir := filepath.Join(w.repo, "stacks", "projects")
	consumer := "config:\n  mongodbatlas:baseUrl: " + baseURL + "\n" +
		"  atlas-multiorg-projects:orgStack: organization/atlas-multiorg/" + stack + "\n" +
		"  atlas-multiorg-projects:projects:\n    app:\n      org: legacy\n      name: legacy-app\n      roles: [GROUP_OWNER]\n" +
		"      teams:\n        data-engineers: [GROUP_READ_ONLY]\n"
	require.NoError(t, os.WriteFile(filepath.Join(consumerDir, "Pulumi."+stack+".yaml"), []byte(consumer), 0o600))
	inConsumer := func(args ...string) string {
		return w.runIn(consumerDir, w.backend(), "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	inConsumer("stack", "init")
	out = inConsumer("up", "--yes", "--skip-preview")
	assert.Contains(t, out, "ServiceAccountProjectAssignment app-access created")
	assert.NotContains(t, out, "has no credential of its own")
	inConsumer("refresh", "--yes", "--skip-preview")
	inConsumer("preview", "--expect-no-changes")
	inConsumer("destroy", "--yes", "--skip-preview")

	pulumi("destroy", "--yes", "--skip-preview")
	users, teamNames, accounts = people()
	assert.Equal(t, []string{"ada@example.com", "grace@example.com"}, users, "released with the organization, its people stay")
	assert.Equal(t, []string{"Data Engineers", "Reviewers"}, teamNames)
	assert.Equal(t, 1, accounts, "the stack's own service account is deleted; the paying organization's stays")
	assert.Equal(t, []string{"local-paying-org"}, w.atlasOrgsIn(dir), "the adopted organization is released, not deleted")

	// The adoption guide's other way: discover, import-file, pulumi import --file.
	// The provider takes the import IDs import-file writes for people and
	// teams, and the next preview shows no changes.
	out = w.runEnv(credentialEnv(seed, baseURL), "bin/atlas-multiorg", "discover")
	found = nil
	require.NoError(t, yaml.Unmarshal([]byte(out), &found))
	const second = "readopt"
	raw, err = yaml.Marshal(map[string]any{"config": map[string]any{
		"mongodbatlas:baseUrl":       baseURL,
		"atlas-multiorg:payingOrgId": org,
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs":        found,
	}})
	require.NoError(t, err)
	stackFile := filepath.Join(w.repo, "Pulumi."+second+".yaml")
	require.NoError(t, os.WriteFile(stackFile, raw, 0o600))
	w.run("", "bin/atlas-multiorg", "import-file", "--config", stackFile, "--out", "readopt.json")
	w.runEnv(w.backend(), "pulumi", "stack", "init", second, "--non-interactive")
	inSecond := func(args ...string) string {
		return w.runEnv(env, "pulumi", append(args, "--stack", second, "--non-interactive")...)
	}
	out = inSecond("import", "--file", "readopt.json", "--yes", "--generate-code=false", "--protect=true")
	assert.Contains(t, out, "10 imported", "the organization, its owner and two people, two teams and their three members, and the component")
	inSecond("preview", "--expect-no-changes")
	// `pulumi import` records none of the program's options: until an up,
	// the organization is neither retained on delete nor its people deleted
	// with it, and only --protect stops a destroy from deleting them.
	out, code := w.command(env, "", "pulumi", "destroy", "--yes", "--skip-preview", "--stack", second, "--non-interactive")
	assert.NotEqual(t, 0, code, "protected by the import: %s", out)
	assert.Contains(t, out, "protected")
	inSecond("up", "--yes", "--skip-preview")
	inSecond("preview", "--expect-no-changes")
	inSecond("destroy", "--yes", "--skip-preview")
	users, teamNames, _ = people()
	assert.Equal(t, []string{"ada@example.com", "grace@example.com"}, users)
	assert.Equal(t, []string{"Data Engineers", "Reviewers"}, teamNames)
}

// adminClient calls atlas-local's Admin API as the paying organization's
// service account, as a person would through the Atlas UI; or, made by
// newDigestClient, as an API key.
type adminClient struct {
	t       testing.TB
	baseURL string
	token   string
	// http signs an API key's requests (HTTP digest); nil for a token's.
	http *http.Client
}

func newAdminClient(t testing.TB, baseURL string, seed localSeed) *adminClient {
	return &adminClient{t: t, baseURL: baseURL, token: localapitest.ServiceAccountToken(t, baseURL, seed["clientId"], seed["clientSecret"])}
}

// call sends body to the versioned endpoint under /api/atlas/v2 and returns
// the answer, requiring a 2xx.
func (c *adminClient) call(method, path, version string, body any) map[string]any {
	raw, err := json.Marshal(body)
	require.NoError(c.t, err)
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.baseURL+"/api/atlas/v2"+path, bytes.NewReader(raw))
	require.NoError(c.t, err)
	media := "application/vnd.atlas." + version + "+json"
	req.Header.Set("Accept", media)
	req.Header.Set("Content-Type", media)
	client := http.DefaultClient
	if c.http != nil {
		client = c.http
	} else {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := client.Do(req)
	require.NoError(c.t, err)
	defer func() { _ = resp.Body.Close() }()
	var answer map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	require.Less(c.t, resp.StatusCode, 300, "%s %s: %v", method, path, answer)
	return answer
}
