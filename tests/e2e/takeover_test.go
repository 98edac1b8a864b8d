//go:build e2e

package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTakingOverANewServiceAccountKeepsTheOrganization runs the recovery
// status prints for an organization whose own credential was deleted in
// Atlas, with the real tools against atlas-local: a dev stack of two
// organizations, each with a person, a team and an access-list entry on its
// service account; then, as their owners would in the UI, one's service
// account is deleted, and only the secret of the other's (its service
// account stays). Status names each as gone with the steps; the test runs
// them as printed (atlas-local's console in the owner's place makes a new
// service account, its client ID goes into the config, its secret into a
// Pulumi secret from the file, then one `pulumi up --refresh --run-program`), and
// asserts that the organizations, their IDs and people stayed, that the
// stack exports the new credentials, that a preview shows no change, and
// that status is clean.
func TestTakingOverANewServiceAccountKeepsTheOrganization(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dataDir, baseURL, seed, env, _ := w.consoleLocalAPI(t)

	const stack = "takeover"
	org := func(name string) map[string]any {
		return map[string]any{"name": name,
			"members":        map[string]any{"ada@example.com": map[string]any{"roles": []string{"ORG_OWNER"}}},
			"teams":          map[string]any{"platform": map[string]any{"name": "platform", "members": []string{"ada@example.com"}}},
			"serviceAccount": map[string]any{"accessList": []any{map[string]any{"cidrBlock": "10.0.0.0/8"}}},
		}
	}
	w.deployedStack(t, env, stack, baseURL, seed, "dev", map[string]any{"lostcred": org("takeover-lostcred"), "lostsecret": org("takeover-lostsecret")})
	orgs, credentials := w.stackOrgs(t, env, stack)
	_, out, code := w.statusOf(t, env, stack)
	require.Equal(t, 0, code, "clean after deploy: a serviceAccount block that leaves its name, description and roles to the defaults is no finding: %s", out)

	// Outside the code, as each organization's owner does in the Atlas UI:
	// one service account deleted, and the other's only secret.
	lostcred, lostsecret := credentials["lostcred"]["clientId"], credentials["lostsecret"]["clientId"]
	newAdminClient(t, baseURL, credentials["lostcred"]).call(http.MethodDelete, "/orgs/"+orgs["lostcred"]+"/serviceAccounts/"+lostcred, "2024-08-05", nil)
	own := newAdminClient(t, baseURL, credentials["lostsecret"])
	account := own.call(http.MethodGet, "/orgs/"+orgs["lostsecret"]+"/serviceAccounts/"+lostsecret, "2024-08-05", nil)
	secrets, _ := account["secrets"].([]any)
	require.Len(t, secrets, 1)
	secretID, _ := secrets[0].(map[string]any)["id"].(string)
	own.call(http.MethodDelete, "/orgs/"+orgs["lostsecret"]+"/serviceAccounts/"+lostsecret+"/secrets/"+secretID, "2024-08-05", nil)

	report, out, code := w.statusOf(t, env, stack)
	assert.NotZero(t, code, out)
	var steps []string
	for _, o := range report.Orgs {
		require.Len(t, o.Findings, 1, "%s: %s", o.Key, out)
		gone := o.Findings[0]
		assert.Equal(t, "gone", gone.Kind)
		assert.Equal(t, "service account "+credentials[o.Key]["clientId"], gone.Resource)
		assert.Empty(t, gone.Fix, "no pulumi up --refresh alone recovers it")
		up := w.takeOverAsPrinted(t, env, stack, gone.Message)
		if !slices.Contains(steps, up) {
			steps = append(steps, up)
		}
	}
	require.Equal(t, []string{"pulumi up --refresh --run-program --stack " + stack}, steps, "one up for both")
	stackFile, err := os.ReadFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(stackFile), "secure:", "the secret is a Pulumi secret in the stack file")

	before := w.atlasOrgsIn(dataDir)
	up := w.runEnv(env, "sh", "-c", steps[0]+" --yes --skip-preview --non-interactive")
	assert.Contains(t, up, "the stack takes over service account", "the takeover is announced, never silent")
	assert.Equal(t, before, w.atlasOrgsIn(dataDir), "no organization created or deleted")
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")

	after, taken := w.stackOrgs(t, env, stack)
	assert.Equal(t, orgs, after, "the same organizations, the same IDs")
	for key, old := range credentials {
		assert.NotEqual(t, old["clientId"], taken[key]["clientId"], "%s exports the service account taken over", key)
		newAdminClient(t, baseURL, taken[key]).call(http.MethodGet, "/orgs/"+orgs[key]+"/users", "2025-02-19", nil)
	}
	report, out, code = w.statusOf(t, env, stack)
	assert.Equal(t, 0, code, out)
	assert.Zero(t, report.Summary.Findings, out)
	for _, o := range report.Orgs {
		assert.NotNil(t, o.DaysLeft, "%s: the expiry of the taken-over secret is known", o.Key)
	}
	assert.NotContains(t, out, taken["lostcred"]["clientSecret"])
}

// takeOverAsPrinted runs the steps of a finding's message up to the update,
// as printed: atlas-local's console makes the service account in the
// owner's place (its client ID from what it prints), its client ID and
// secret go into the config, the secret's file is deleted. It returns the
// update the message gives last.
func (w *workspace) takeOverAsPrinted(t testing.TB, env []string, stack, message string) string {
	t.Helper()
	console := regexp.MustCompile("`(bin/atlas-local console create-service-account [^`]+)`").FindStringSubmatch(message)
	require.Len(t, console, 2, message)
	// The steps, not the commands the message says do not recover it.
	commands := slices.DeleteFunc(printedCommands(message), func(c string) bool {
		return !strings.HasPrefix(c, "pulumi config set ") && c != "pulumi up --refresh --run-program --stack "+stack
	})
	require.Len(t, commands, 3, "two config sets and the up: %q", commands)
	made := w.runEnv(env, "sh", "-c", console[1])
	clientID := regexp.MustCompile(`mdb_sa_id_[0-9a-f]{24}`).FindString(made)
	require.NotEmpty(t, clientID, made)
	for _, command := range commands[:2] {
		t.Log(command)
		w.runEnv(env, "sh", "-c", strings.ReplaceAll(command, "<clientId>", clientID))
	}
	file := regexp.MustCompile(`< (\S+)`).FindStringSubmatch(commands[1])
	require.Len(t, file, 2, commands[1])
	require.NoError(t, os.Remove(filepath.Join(w.repo, file[1])), "then delete the file, as printed")
	return commands[2]
}

// TestAnExpiredSecretIsTakenOver: an organization's service account secret
// expires (atlas-local's clock set back 10 hours for the deployment, its
// secret living 8); status says expired, not gone, with the takeover's
// steps; run as printed (atlas-local's console makes a service account in
// the owner's place), the stack signs in again, a preview shows no change,
// and status is clean, its expiry the new secret's.
func TestAnExpiredSecretIsTakenOver(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	const back = 10 * time.Hour
	dataDir, baseURL, seed, env, stop := w.consoleLocalAPI(t, "--clock-offset", "-"+back.String())
	const stack = "expired"
	w.writeOrgStack(t, stack, baseURL, seed, "dev", map[string]any{"expired": map[string]any{"name": "expired-org",
		"members":        map[string]any{"ada@example.com": map[string]any{"roles": []string{"ORG_OWNER"}}},
		"serviceAccount": map[string]any{"secretExpiresAfterHours": 8}}})
	w.runEnv(append(env, "ATLAS_MULTIORG_NOW="+time.Now().Add(-back).UTC().Format(time.RFC3339)), "bin/atlas-multiorg", "deploy", stack)
	orgs, _ := w.stackOrgs(t, env, stack)
	// 10 hours later: atlas-local on the time, at the same address.
	stop()
	u, err := url.Parse(baseURL)
	require.NoError(t, err)
	restarted, _ := w.localAPI(t, dataDir, "--addr", u.Host)
	require.Equal(t, baseURL, restarted)

	report, out, code := w.statusOf(t, env, stack)
	assert.NotZero(t, code, out)
	require.Len(t, report.Orgs, 1, out)
	require.Len(t, report.Orgs[0].Findings, 1, "expired, and no gone besides: %s", out)
	expired := report.Orgs[0].Findings[0]
	assert.Equal(t, "expired", expired.Kind)
	assert.Empty(t, expired.Fix)
	up := w.takeOverAsPrinted(t, env, stack, expired.Message)
	w.runEnv(env, "sh", "-c", up+" --yes --skip-preview --non-interactive")
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	after, _ := w.stackOrgs(t, env, stack)
	assert.Equal(t, orgs, after, "the same organization")
	report, out, code = w.statusOf(t, env, stack)
	assert.Equal(t, 0, code, out)
	require.Len(t, report.Orgs, 1, out)
	require.NotNil(t, report.Orgs[0].DaysLeft, out)
	assert.Greater(t, *report.Orgs[0].DaysLeft, 80, "the new secret's expiry: %s", out)
}

// TestAProdOrganizationTakesOverAsLoudly: a prod organization, protected,
// whose service account is deleted in Atlas, is recovered by the same
// printed steps; the update says it takes the credential over, names the
// service account it replaces, replaces and deletes nothing.
func TestAProdOrganizationTakesOverAsLoudly(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dataDir, baseURL, seed, env, _ := w.consoleLocalAPI(t)
	const stack = "takeover-prod"
	w.deployedStack(t, env, stack, baseURL, seed, "prod", map[string]any{
		"ledger": map[string]any{"name": "takeover-prod-ledger", "multiFactorAuthRequired": true}})
	before := w.atlasOrgsIn(dataDir)
	lost, updated, _ := w.deleteAndTakeOver(t, env, baseURL, stack, "ledger")
	assert.Contains(t, updated, "the stack takes over service account", "never silent")
	assert.Contains(t, updated, "instead of service account "+lost)
	assert.NotContains(t, updated, "replaced")
	assert.NotContains(t, updated, "deleted")
	assert.Equal(t, before, w.atlasOrgsIn(dataDir))
}

// TestARotatingOrganizationTakesOver: a rotating service account (one
// provider per period, its secret pinned) deleted in Atlas is taken over by
// the printed steps; the update issues the period's secret on the account
// taken over and exports it.
func TestARotatingOrganizationTakesOver(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed, env, _ := w.consoleLocalAPI(t)
	const stack = "takeover-rotating"
	w.deployedStack(t, env, stack, baseURL, seed, "dev", map[string]any{"rotating": map[string]any{"name": "takeover-rotating",
		"serviceAccount": map[string]any{"secretExpiresAfterHours": 720, "rotateEveryHours": 240}}})
	lost, _, taken := w.deleteAndTakeOver(t, env, baseURL, stack, "rotating")
	assert.NotEqual(t, lost, taken["clientId"])
}

// deleteAndTakeOver deletes the service account of the organization key
// of a deployed stack in Atlas, as its owner would, and recovers it as
// status prints: the steps, then the update (whose output it returns). The
// organization stays, the new credential it exports signs in, a preview
// shows no change, and status is clean. It returns the client ID deleted,
// and the credential exported after.
func (w *workspace) deleteAndTakeOver(t *testing.T, env []string, baseURL, stack, key string) (string, string, localSeed) {
	t.Helper()
	orgs, credentials := w.stackOrgs(t, env, stack)
	lost := credentials[key]["clientId"]
	newAdminClient(t, baseURL, credentials[key]).call(http.MethodDelete, "/orgs/"+orgs[key]+"/serviceAccounts/"+lost, "2024-08-05", nil)
	report, out, _ := w.statusOf(t, env, stack)
	require.Len(t, report.Orgs, 1, out)
	require.Len(t, report.Orgs[0].Findings, 1, out)
	assert.Equal(t, "service account "+lost, report.Orgs[0].Findings[0].Resource)
	up := w.takeOverAsPrinted(t, env, stack, report.Orgs[0].Findings[0].Message)
	updated := w.runEnv(env, "sh", "-c", up+" --yes --skip-preview --non-interactive")
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	after, taken := w.stackOrgs(t, env, stack)
	assert.Equal(t, orgs, after, "the same organization")
	newAdminClient(t, baseURL, taken[key]).call(http.MethodGet, "/orgs/"+orgs[key]+"/users", "2025-02-19", nil)
	report, out, code := w.statusOf(t, env, stack)
	assert.Equal(t, 0, code, out)
	assert.Zero(t, report.Summary.Findings, out)
	return lost, updated, taken[key]
}
