//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

// TestStatusFindsWhatChangedOutsideTheCode runs atlas-multiorg status with
// the real tools against atlas-local: two org stacks deployed and clean
// (exit 0); then, through atlas-local's Admin API and not through Pulumi,
// one organization's setting changed, one service account secret deleted,
// one unmanaged member invited and one orphan organization created; a
// team renamed, and a member taken out of it and given other roles; a
// second secret added to a service account, expiring first; an API key's
// description changed and an address added to its access list. Status
// reports exactly those ten,
// under the right keys (the renamed team changed, never unmanaged; nothing
// of what Atlas computes, such as the member's lastAuth and teamIds), with
// the hand-made secret in the expiry column, and exits 1, with no secret in
// its output; a busy stack, an unknown one and one of another
// project are one line each while the other stack is still checked. After
// pulumi up --refresh of the drifted stacks, and what it does not touch
// removed or set back by hand, it exits 0 again.
func TestStatusFindsWhatChangedOutsideTheCode(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)
	write := func(stack string, orgs map[string]any) { w.writeOrgStack(t, stack, baseURL, seed, "dev", orgs) }
	write("drift-a", map[string]any{
		"settings": map[string]any{"name": "status-settings"},
		// A rotating service account: its rotated secret is a resource of
		// its own, which the organization's provider does not sign in with.
		"rotating": map[string]any{"name": "status-rotating", "serviceAccount": map[string]any{
			"name": "ci", "description": "the stack's credential", "roles": []string{"ORG_OWNER"},
			"secretExpiresAfterHours": 720, "rotateEveryHours": 240}},
	})
	write("drift-b", map[string]any{
		// A member in a team: Atlas computes the member's lastAuth and
		// teamIds, which are no finding, and the team can be renamed.
		"people": map[string]any{"name": "status-people",
			"members": map[string]any{"ada@example.com": map[string]any{"roles": []string{"ORG_OWNER"}}},
			"teams":   map[string]any{"platform": map[string]any{"name": "Platform", "members": []string{"ada@example.com"}}}},
		// An API key with an access list: the provider reads neither its
		// description nor what else its access list admits.
		"keyed": map[string]any{"name": "status-keyed", "apiKey": map[string]any{"description": "ci", "roles": []string{"ORG_OWNER"},
			"accessList": []map[string]string{{"ipAddress": "127.0.0.1"}}}},
	})
	w.runEnv(env, "bin/atlas-multiorg", "deploy", "drift-a", "drift-b")

	status := func(t *testing.T, stacks ...string) (cli.StatusReport, string, int) {
		t.Helper()
		return w.statusOf(t, env, stacks...)
	}
	report, out, code := status(t, "drift-a", "drift-b")
	require.Equal(t, 0, code, "clean after deploy: %s", out)
	assert.Equal(t, cli.StatusSummary{Stacks: 2, StacksChecked: 2, Orgs: 4, Findings: 0, ExitCode: 0}, report.Summary)

	orgIDs, teamIDs := map[string]string{}, map[string]string{}
	credentials := map[string]localSeed{}
	for _, stack := range []string{"drift-a", "drift-b"} {
		var orgs map[string]struct {
			OrgID string            `json:"orgId"`
			Teams map[string]string `json:"teams"`
		}
		require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "orgs", "--json", "--stack", stack)), &orgs))
		var creds map[string]localSeed
		require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "credentials", "--json", "--show-secrets", "--stack", stack)), &creds))
		for key, org := range orgs {
			orgIDs[key], credentials[key] = org.OrgID, creds[key]
			for team, id := range org.Teams {
				teamIDs[key+"."+team] = id
			}
		}
	}

	// Outside the code, as people do in the Atlas UI.
	settings := newAdminClient(t, baseURL, credentials["settings"])
	current := settings.call(http.MethodGet, "/orgs/"+orgIDs["settings"]+"/settings", "2023-01-01", nil)
	restrict, _ := current["restrictEmployeeAccess"].(bool)
	settings.call(http.MethodPatch, "/orgs/"+orgIDs["settings"]+"/settings", "2023-01-01", map[string]any{"restrictEmployeeAccess": !restrict})
	rotating := newAdminClient(t, baseURL, credentials["rotating"])
	clientID := credentials["rotating"]["clientId"]
	account := rotating.call(http.MethodGet, "/orgs/"+orgIDs["rotating"]+"/serviceAccounts/"+clientID, "2024-08-05", nil)
	secrets := account["secrets"].([]any)
	require.Len(t, secrets, 2, "the secret of its creation, and the rotated one")
	rotated := secrets[len(secrets)-1].(map[string]any)["id"].(string)
	rotating.call(http.MethodDelete, "/orgs/"+orgIDs["rotating"]+"/serviceAccounts/"+clientID+"/secrets/"+rotated, "2024-08-05", nil)
	people := newAdminClient(t, baseURL, credentials["people"])
	eve := people.call(http.MethodPost, "/orgs/"+orgIDs["people"]+"/users", "2025-02-19", map[string]any{
		"username": "eve@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}})["id"].(string)
	// A second secret on an organization's service account, expiring
	// before the stack's; the people's team renamed, ada taken out of it
	// and made a member instead of an owner;
	// the API key's description changed and an address added to its
	// access list.
	handSecret := settings.call(http.MethodPost, "/orgs/"+orgIDs["settings"]+"/serviceAccounts/"+credentials["settings"]["clientId"]+"/secrets", "2024-08-05",
		map[string]any{"secretExpiresAfterHours": 48})["id"].(string)
	people.call(http.MethodPatch, "/orgs/"+orgIDs["people"]+"/teams/"+teamIDs["people.platform"], "2023-01-01", map[string]any{"name": "Platform (renamed)"})
	var ada string
	for _, u := range people.call(http.MethodGet, "/orgs/"+orgIDs["people"]+"/users", "2025-02-19", nil)["results"].([]any) {
		if u := u.(map[string]any); u["username"] == "ada@example.com" {
			ada = u["id"].(string)
		}
	}
	require.NotEmpty(t, ada)
	people.call(http.MethodDelete, "/orgs/"+orgIDs["people"]+"/teams/"+teamIDs["people.platform"]+"/users/"+ada, "2023-01-01", nil)
	people.call(http.MethodPatch, "/orgs/"+orgIDs["people"]+"/users/"+ada, "2025-02-19", map[string]any{"roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}})
	keyed := newDigestClient(t, baseURL, credentials["keyed"])
	keyID := apiKeyID(keyed, orgIDs["keyed"], credentials["keyed"]["publicKey"])
	keyed.call(http.MethodPatch, "/orgs/"+orgIDs["keyed"]+"/apiKeys/"+keyID, "2023-01-01", map[string]any{"desc": "changed by hand"})
	keyed.call(http.MethodPost, "/orgs/"+orgIDs["keyed"]+"/apiKeys/"+keyID+"/accessList", "2023-01-01", []map[string]string{{"ipAddress": "10.9.9.9"}})
	// A cluster Atlas reports as breaking a resource policy made after it
	// (atlas-local runs no clusters: its console marks one).
	project := settings.call(http.MethodPost, "/groups", "2023-01-01", map[string]any{"name": "status-app", "orgId": orgIDs["settings"]})["id"].(string)
	policy := settings.call(http.MethodPost, "/orgs/"+orgIDs["settings"]+"/resourcePolicies", "2024-08-05", map[string]any{"name": "no-clusters-anywhere",
		"policies": []map[string]string{{"body": `forbid (principal, action == cloud::Action::"cluster.createEdit", resource);`}}})["id"].(string)
	w.run("", filepath.Join(w.repo, "bin", "atlas-local"), "console", "--data-dir", dir, "mark-non-compliant", project, "orders", policy)
	paying := newAdminClient(t, baseURL, seed)
	orphan := paying.call(http.MethodPost, "/orgs", "2023-01-01", map[string]any{"name": "status-orphan", "orgOwnerId": seed["orgOwnerId"],
		"serviceAccount": map[string]any{"name": "lost", "description": "lost", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 720}})["organization"].(map[string]any)["id"].(string)

	report, out, code = status(t, "drift-a", "drift-b")
	assert.Equal(t, 1, code, out)
	type found struct{ stack, key, kind, resource, field string }
	var got []found
	for _, org := range report.Orgs {
		for _, f := range org.Findings {
			got = append(got, found{org.Stack, org.Key, f.Kind, f.Resource, f.Field})
		}
	}
	for _, st := range report.Stacks {
		assert.Equal(t, "checked", st.State, "%s: %s", st.Stack, st.Reason)
		for _, f := range st.Findings {
			got = append(got, found{st.Stack, "", f.Kind, f.Resource, f.Field})
		}
	}
	require.Len(t, report.PayingOrgs, 1)
	for _, f := range report.PayingOrgs[0].Findings {
		got = append(got, found{"", "", f.Kind, f.Resource, ""})
	}
	assert.ElementsMatch(t, []found{
		{"drift-a", "settings", "changed", "Organization multiorg-settings", "restrictEmployeeAccess"},
		{"drift-a", "rotating", "gone", "ServiceAccountSecret multiorg-rotating-secret", ""},
		{"drift-b", "people", "unmanaged", "person eve@example.com", ""},
		{"", "", "orphan", "organization " + orphan, ""},
		// A renamed team is changed, never unmanaged; ada out of it is
		// gone; her roles changed, and her lastAuth and teamIds, which
		// Atlas computes and the refresh preview diffs with them, are no
		// finding.
		{"drift-b", "people", "changed", "Team multiorg-people-team-platform", "name"},
		{"drift-b", "people", "gone", "CloudUserTeamAssignment multiorg-people-team-platform-ada@example.com", ""},
		{"drift-b", "people", "changed", "CloudUserOrgAssignment multiorg-people-member-ada@example.com", "roles"},
		// What the provider does not read back, status reads itself.
		{"drift-a", "settings", "unmanaged", "secret " + handSecret + " of service account " + credentials["settings"]["clientId"], ""},
		{"drift-b", "keyed", "changed", "Organization multiorg-keyed", "description"},
		{"drift-b", "keyed", "unmanaged", "access-list entry 10.9.9.9/32 of API key " + credentials["keyed"]["publicKey"], ""},
		// What Atlas reports against the organization's resource policies.
		{"drift-a", "settings", "non-compliant", "cluster orders", ""},
	}, got, out)
	for _, org := range report.Orgs {
		if org.Key == "settings" {
			require.NotEmpty(t, org.Findings)
			assert.Equal(t, []string{jsonBool(restrict), jsonBool(!restrict)}, []string{org.Findings[0].Code, org.Findings[0].Atlas},
				"the value in the code, the value in Atlas")
			assert.Equal(t, []string{handSecret, cli.SecretOutsideTheCode}, []string{org.SecretID, org.SecretOrigin}, "the secret that expires first")
			if assert.NotNil(t, org.DaysLeft) {
				assert.Equal(t, 1, *org.DaysLeft, "the hand-made secret expires in 48 hours")
			}
		}
		for _, f := range org.Findings {
			assert.NotContains(t, f.Message, "delete it in Atlas", "nothing the code manages is to be deleted")
		}
	}
	for key, c := range credentials {
		for field, secret := range c {
			if strings.Contains(strings.ToLower(field), "secret") || strings.Contains(strings.ToLower(field), "private") {
				assert.NotContains(t, out, secret, "%s's %s in status's output", key, field)
			}
		}
	}
	assert.NotContains(t, out, seed["clientSecret"])
	assert.NotContains(t, out, "[secret]")
	table, code := w.command(env, "", "bin/atlas-multiorg", "status", "drift-a", "drift-b")
	assert.Equal(t, 1, code)
	t.Log(table)
	assert.Regexp(t, `(?m)^drift-a +rotating +gone +`, table, "one line per organization, the worst finding first")
	assert.Regexp(t, `checked 2 of 2 stacks and 4 organizations in [0-9.]+s: 11 findings`, table)
	assert.Contains(t, table, `cluster orders (`)
	assert.Regexp(t, `\) breaks the organization's resource policy "no-clusters-anywhere" \(`+policy+`\), Atlas reports; to make it fit the policy, .*, run: bin/atlas-local console clear-non-compliant [a-f0-9]{24}`, table,
		"against atlas-local, its console stands in for the person who changes the cluster")
	assert.Regexp(t, `(?m)^drift-a +settings +changed +1 day left \(secret `+handSecret+`, made outside the code\) `, table)

	t.Run("a busy stack, an unknown one and one of another project are one line each; the other stack is still checked", func(t *testing.T) {
		// A stack of the consumer project, on the same backend.
		w.runIn(filepath.Join(w.repo, "stacks", "projects"), w.backend(), "pulumi", "stack", "init", "elsewhere", "--non-interactive")
		up, upOut := w.upHoldingTheFileLock(t, env, "drift-a")
		report, out, code := status(t, "drift-a", "drift-b", "drift-typo", "elsewhere")
		require.NoError(t, up.Wait(), upOut.String())
		assert.Equal(t, 3, code, "a busy stack was not checked: %s", out)
		states := map[string]string{}
		for _, st := range report.Stacks {
			states[st.Stack] = st.State + ": " + st.Reason
		}
		assert.Contains(t, states["drift-a"], "busy: an update of it is running (locked by ")
		assert.Contains(t, states["drift-typo"], "unknown: no such stack in the backend")
		assert.Contains(t, states["elsewhere"], `unknown: a stack of project "atlas-multiorg-projects", not of this project`)
		assert.Equal(t, "checked: ", states["drift-b"])
	})

	// The drifted stacks made as the code says; what pulumi up does not
	// touch removed, or set back, by hand as the findings say.
	w.runEnv(env, "pulumi", "up", "--yes", "--skip-preview", "--refresh", "--stack", "drift-a", "--non-interactive")
	w.runEnv(env, "pulumi", "up", "--yes", "--skip-preview", "--refresh", "--stack", "drift-b", "--non-interactive")
	settings.call(http.MethodDelete, "/orgs/"+orgIDs["settings"]+"/serviceAccounts/"+credentials["settings"]["clientId"]+"/secrets/"+handSecret, "2024-08-05", nil)
	keyed.call(http.MethodPatch, "/orgs/"+orgIDs["keyed"]+"/apiKeys/"+keyID, "2023-01-01", map[string]any{"desc": "ci"})
	keyed.call(http.MethodDelete, "/orgs/"+orgIDs["keyed"]+"/apiKeys/"+keyID+"/accessList/10.9.9.9", "2023-01-01", nil)
	w.run("", filepath.Join(w.repo, "bin", "atlas-local"), "console", "--data-dir", dir, "delete-org", orphan)
	w.run("", filepath.Join(w.repo, "bin", "atlas-local"), "console", "--data-dir", dir, "clear-non-compliant", project, "orders")
	people.call(http.MethodDelete, "/orgs/"+orgIDs["people"]+"/users/"+eve, "2025-02-19", nil)
	report, out, code = status(t)
	assert.Equal(t, 0, code, out)
	assert.Equal(t, 2, report.Summary.Stacks, "no names: every stack of the project")
	assert.Zero(t, report.Summary.Findings)
	// No destroy: atlas-local and the backend are the test's scratch files.
}

func jsonBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// upHoldingTheFileLock starts pulumi up of the stack and returns once the
// update holds the stack's lock in the file backend.
func (w *workspace) upHoldingTheFileLock(t testing.TB, env []string, stack string) (*exec.Cmd, *strings.Builder) {
	cmd := exec.CommandContext(context.Background(), "pulumi", "up", "--yes", "--skip-preview", "--refresh", "--stack", stack, "--non-interactive") //nolint:gosec // G204: the test's own command
	cmd.Dir, cmd.Env = w.repo, append(append([]string{}, w.env...), env...)
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	locks := filepath.Join(w.repo, ".pulumi", ".pulumi", "locks", "organization", "atlas-multiorg", stack)
	require.Eventually(t, func() bool {
		entries, _ := os.ReadDir(locks)
		return slices.ContainsFunc(entries, func(e os.DirEntry) bool { return strings.HasSuffix(e.Name(), ".json") })
	}, 60*time.Second, 20*time.Millisecond, "the update of %s never took the lock", stack)
	return cmd, out
}

// newDigestClient calls atlas-local's Admin API as an API key does (HTTP
// digest), as a person holding the key would.
func newDigestClient(t testing.TB, baseURL string, key localSeed) *adminClient {
	require.NotEmpty(t, key["publicKey"])
	return &adminClient{t: t, baseURL: baseURL, http: &http.Client{Transport: digest.NewTransport(key["publicKey"], key["privateKey"])}}
}

// apiKeyID is the ID of the organization's API key with publicKey.
func apiKeyID(c *adminClient, orgID, publicKey string) string {
	for _, k := range c.call(http.MethodGet, "/orgs/"+orgID+"/apiKeys", "2023-01-01", nil)["results"].([]any) {
		if k := k.(map[string]any); k["publicKey"] == publicKey {
			return k["id"].(string)
		}
	}
	require.Fail(c.t, "no API key "+publicKey+" in organization "+orgID)
	return ""
}
