//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

// TestEveryFixStatusAdvisesWorks is issue 34's "every piece of advice
// works", with the real tools against atlas-local: one stack deployed and
// clean; then, in one round, changes made in Atlas through its Admin API as
// the UI makes them (a security contact, MFA, employee access, the
// organization renamed, a person removed from a team, a team deleted, a
// person's roles, a person and a team the code does not list, an orphan
// organization, a cluster atlas-local's console marks as breaking a
// resource policy) and two in the code (a person added, one dropped). Status
// reports each kind with a fix; the test runs exactly the fixes status's
// own JSON gives, each once, as a person at a terminal would answer yes; and
// the next status is clean.
func TestEveryFixStatusAdvisesWorks(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed, env, _ := w.consoleLocalAPI(t)

	const stack = "advice"
	member := map[string]any{"roles": []string{"ORG_MEMBER"}}
	w.writeOrgStack(t, stack, baseURL, seed, "dev", map[string]any{"main": map[string]any{
		"name": "advice-main",
		"members": map[string]any{"owner@example.com": map[string]any{"roles": []string{"ORG_OWNER"}},
			"ada@example.com": member, "bob@example.com": member, "dan@example.com": member},
		"teams": map[string]any{
			"platform": map[string]any{"name": "platform", "members": []string{"ada@example.com", "bob@example.com"}},
			"ops":      map[string]any{"name": "ops", "members": []string{"ada@example.com"}},
		},
	}})
	w.runEnv(env, "bin/atlas-multiorg", "deploy", stack)

	status := func(t *testing.T) (cli.StatusReport, string, int) { return w.statusOf(t, env, stack) }
	report, out, code := status(t)
	require.Equal(t, 0, code, "clean after deploy: %s", out)

	var orgs map[string]struct {
		OrgID string `json:"orgId"`
	}
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "orgs", "--json", "--stack", stack)), &orgs))
	var creds map[string]localSeed
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "credentials", "--json", "--show-secrets", "--stack", stack)), &creds))
	orgID := orgs["main"].OrgID
	org := "/orgs/" + orgID
	main := newAdminClient(t, baseURL, creds["main"])

	// In Atlas, as people do in its UI.
	settings := main.call(http.MethodGet, org+"/settings", "2023-01-01", nil)
	mfa, _ := settings["multiFactorAuthRequired"].(bool)
	restrict, _ := settings["restrictEmployeeAccess"].(bool)
	main.call(http.MethodPatch, org+"/settings", "2023-01-01", map[string]any{
		"securityContact": "someone@example.com", "multiFactorAuthRequired": !mfa, "restrictEmployeeAccess": !restrict})
	main.call(http.MethodPatch, org, "2023-01-01", map[string]any{"name": "advice-renamed"})
	userIDs := map[string]string{}
	for _, u := range main.call(http.MethodGet, org+"/users", "2025-02-19", nil)["results"].([]any) {
		u := u.(map[string]any)
		userIDs[u["username"].(string)] = u["id"].(string)
	}
	teamIDs := map[string]string{}
	for _, team := range main.call(http.MethodGet, org+"/teams", "2023-01-01", nil)["results"].([]any) {
		team := team.(map[string]any)
		teamIDs[team["name"].(string)] = team["id"].(string)
	}
	require.Contains(t, userIDs, "bob@example.com")
	require.Contains(t, teamIDs, "platform")
	main.call(http.MethodDelete, org+"/teams/"+teamIDs["platform"]+"/users/"+userIDs["bob@example.com"], "2023-01-01", nil)
	main.call(http.MethodDelete, org+"/teams/"+teamIDs["ops"], "2023-01-01", nil)
	main.call(http.MethodPatch, org+"/users/"+userIDs["ada@example.com"], "2025-02-19", map[string]any{"roles": map[string]any{"orgRoles": []string{"ORG_READ_ONLY"}}})
	main.call(http.MethodPost, org+"/users", "2025-02-19", map[string]any{"username": "eve@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}})
	main.call(http.MethodPost, org+"/teams", "2023-01-01", map[string]any{"name": "shadow it"})
	paying := newAdminClient(t, baseURL, seed)
	orphan := paying.call(http.MethodPost, "/orgs", "2023-01-01", map[string]any{"name": "advice-orphan", "orgOwnerId": seed["orgOwnerId"],
		"serviceAccount": map[string]any{"name": "lost", "description": "lost", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 720}})["organization"].(map[string]any)["id"].(string)
	// A cluster made before a resource policy, which Atlas reports and
	// leaves as it is (atlas-local runs no clusters: its console marks one).
	project := main.call(http.MethodPost, "/groups", "2023-01-01", map[string]any{"name": "advice-app", "orgId": orgID})["id"].(string)
	policy := main.call(http.MethodPost, org+"/resourcePolicies", "2024-08-05", map[string]any{"name": "no-clusters-anywhere",
		"policies": []map[string]string{{"body": `forbid (principal, action == cloud::Action::"cluster.createEdit", resource);`}}})["id"].(string)
	w.run("", filepath.Join(w.repo, "bin", "atlas-local"), "console", "mark-non-compliant", project, "orders", policy)
	nonCompliant := nonCompliantResources(t, main, orgID)
	require.Len(t, nonCompliant, 1)
	cluster := nonCompliant[0].ResourceID
	// Why the fix is `pulumi up --refresh`: a plain `pulumi up` compares the
	// code with the state, not with Atlas, and changes nothing.
	plain := w.runEnv(env, "pulumi", "up", "--yes", "--stack", stack, "--non-interactive")
	assert.Regexp(t, `(?m)^\s+\d+ unchanged`, plain)
	assert.NotRegexp(t, `(?m)^\s+[~+-]+ \d+ (updated|created|deleted|replaced)`, plain, "a plain pulumi up changes nothing after changes in Atlas")
	report, out, _ = status(t)
	assert.True(t, slices.ContainsFunc(report.Orgs[0].Findings, func(f cli.Finding) bool { return f.Field == "securityContact" }),
		"the security contact is still changed after a plain pulumi up: %s", out)

	// In the code: a person added, one dropped.
	w.runEnv(w.backend(), "pulumi", "config", "set", "--path", `orgs.main.members["carol@example.com"].roles[0]`, "ORG_MEMBER", "--stack", stack)
	w.runEnv(w.backend(), "pulumi", "config", "rm", "--path", `orgs.main.members["dan@example.com"]`, "--stack", stack)

	report, out, code = status(t)
	assert.Equal(t, 1, code, out)
	var findings []cli.Finding
	for _, o := range report.Orgs {
		findings = append(findings, o.Findings...)
	}
	for _, st := range report.Stacks {
		assert.Equal(t, "checked", st.State, "%s: %s", st.Stack, st.Reason)
		findings = append(findings, st.Findings...)
	}
	require.Len(t, report.PayingOrgs, 1)
	findings = append(findings, report.PayingOrgs[0].Findings...)

	upRefresh := "pulumi up --refresh --stack " + stack
	kinds := map[string]bool{}
	var fixes []string
	for _, f := range findings {
		t.Logf("%s %s: fix %q", f.Kind, f.Resource, f.Fix)
		kinds[f.Kind] = true
		require.NotEmpty(t, f.Fix, "every finding of this round has a fix: %s", f.Message)
		assert.True(t, strings.HasSuffix(f.Message, ", run: "+f.Fix), "the message ends with its fix: %s", f.Message)
		switch f.Kind {
		case cli.KindChanged, cli.KindGone, cli.KindNotDeployed, cli.KindNotInCode:
			assert.Equal(t, upRefresh, f.Fix, f.Message)
		case cli.KindUnmanaged:
			assert.Contains(t, []string{
				"bin/atlas-local console remove-user " + orgID + " eve@example.com",
				"bin/atlas-local console delete-team " + orgID + " 'shadow it'",
			}, f.Fix)
		case cli.KindOrphan:
			assert.Equal(t, "bin/atlas-local console delete-org "+orphan, f.Fix)
		case cli.KindNonCompliant:
			assert.Equal(t, "bin/atlas-local console clear-non-compliant "+cluster, f.Fix)
		}
		if !slices.Contains(fixes, f.Fix) {
			fixes = append(fixes, f.Fix)
		}
	}
	for _, kind := range []string{cli.KindChanged, cli.KindGone, cli.KindNotDeployed, cli.KindNotInCode, cli.KindUnmanaged, cli.KindOrphan, cli.KindNonCompliant} {
		assert.True(t, kinds[kind], "a %s finding: %s", kind, out)
	}
	for _, field := range []string{"securityContact", "multiFactorAuthRequired", "restrictEmployeeAccess", "name"} {
		assert.True(t, slices.ContainsFunc(findings, func(f cli.Finding) bool { return f.Kind == cli.KindChanged && f.Field == field }),
			"%s changed in Atlas is a changed finding: %s", field, out)
	}

	// Exactly what status advised, each once, from the folder it ran in;
	// PULUMI_SKIP_CONFIRMATIONS is the yes a person gives at the prompt.
	for _, fix := range fixes {
		start := time.Now()
		fixOut, fixCode := w.command(append(env, "PULUMI_SKIP_CONFIRMATIONS=true"), "", "sh", "-c", fix)
		t.Logf("%s: exit %d in %.1f s", fix, fixCode, time.Since(start).Seconds())
		require.Equal(t, 0, fixCode, "%s:\n%s", fix, tail(fixOut))
	}
	report, out, code = status(t)
	assert.Equal(t, 0, code, "clean once the fixes ran: %s", out)
	assert.Zero(t, report.Summary.Findings, out)
}

// TestTheExpiringFixRotatesTheSecret: a rotating service account whose
// stack last ran 25 days ago (atlas-local's clock and the component's set
// back by as much) has a secret that expires within status's window. Status
// says so with its fix; the fix, run as printed, issues the next secret, and
// the next status is clean.
func TestTheExpiringFixRotatesTheSecret(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	const back = 600 * time.Hour
	dataDir, baseURL, seed, env, stop := w.consoleLocalAPI(t, "--clock-offset", "-"+back.String())
	const stack = "expiring"
	w.writeOrgStack(t, stack, baseURL, seed, "dev", map[string]any{"rotating": map[string]any{"name": "expiring-rotating", "serviceAccount": map[string]any{
		"name": "ci", "description": "the stack's credential", "roles": []string{"ORG_OWNER"},
		"secretExpiresAfterHours": 720, "rotateEveryHours": 240}}})
	w.runEnv(append(env, "ATLAS_MULTIORG_NOW="+time.Now().Add(-back).UTC().Format(time.RFC3339)), "bin/atlas-multiorg", "deploy", stack)
	// 25 days later: atlas-local on the time, at the same address.
	stop()
	u, err := url.Parse(baseURL)
	require.NoError(t, err)
	restarted, _ := w.localAPI(t, dataDir, "--addr", u.Host)
	require.Equal(t, baseURL, restarted)

	status := func(t *testing.T) (cli.StatusReport, string, int) { return w.statusOf(t, env, stack) }
	report, out, code := status(t)
	assert.Equal(t, 1, code, out)
	require.Len(t, report.Orgs, 1, out)
	// The due rotation is drift too: the rotated secret to replace, the
	// period's provider to make, the last period's to drop; one fix for all.
	i := slices.IndexFunc(report.Orgs[0].Findings, func(f cli.Finding) bool { return f.Kind == cli.KindExpiring })
	require.GreaterOrEqual(t, i, 0, out)
	expiring := report.Orgs[0].Findings[i]
	require.Equal(t, "pulumi up --refresh --stack "+stack, expiring.Fix, out)
	for _, f := range report.Orgs[0].Findings {
		assert.Equal(t, expiring.Fix, f.Fix, "%s %s", f.Kind, f.Resource)
	}

	fixOut, fixCode := w.command(append(env, "PULUMI_SKIP_CONFIRMATIONS=true"), "", "sh", "-c", expiring.Fix)
	require.Equal(t, 0, fixCode, tail(fixOut))
	report, out, code = status(t)
	assert.Equal(t, 0, code, "clean once the next secret is issued: %s", out)
	require.Len(t, report.Orgs, 1, out)
	assert.Empty(t, report.Orgs[0].Findings, "the new secret has its 30 days; the last period's, retained for its consumers, is no finding: %s", out)
}

// consoleLocalAPI starts atlas-local (with flags) with its data in the
// console's default folder, so that the console commands status advises
// run as printed: its folder, base URL, seeded paying organization, the
// environment a shard runs pulumi with, and what stops it.
func (w *workspace) consoleLocalAPI(t testing.TB, flags ...string) (dataDir, baseURL string, seed localSeed, env []string, stop func()) {
	t.Helper()
	dataDir = filepath.Join(w.repo, ".atlas-local")
	baseURL, stop = w.localAPI(t, dataDir, flags...)
	w.readJSON(filepath.Join(dataDir, "credentials.json"), &seed)
	return dataDir, baseURL, seed, w.shardEnv(seed, baseURL), stop
}

// nonCompliantResources is the organization's GET
// /orgs/{orgId}/nonCompliantResources, a list where adminClient.call takes
// an object.
func nonCompliantResources(t *testing.T, c *adminClient, orgID string) []atlasapi.NonCompliantResource {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.baseURL+"/api/atlas/v2/orgs/"+orgID+"/nonCompliantResources", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", atlasapi.ResourcePoliciesMediaType)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var resources []atlasapi.NonCompliantResource
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&resources))
	return resources
}
