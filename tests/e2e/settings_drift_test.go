//go:build e2e

package e2e

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

// TestStatusFindsEachOrganizationSettingChangedInAtlas is issue 35's drift
// of the settings provider 4.14.0 cannot set, with the real tools against
// atlas-local: an organization states all nine; a person changes each
// through the Admin API, as the Atlas UI does; status reports one changed
// finding per setting with the value in the code and the value in Atlas
// (the secret-validity cap and refresh-token lifetimes are numbers, not
// secrets); the fix, run exactly as printed, sets each back; the next
// status is clean and the next preview shows no changes.
func TestStatusFindsEachOrganizationSettingChangedInAtlas(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)

	const stack = "settings-drift"
	w.deployedStack(t, env, stack, baseURL, seed, "dev", map[string]any{"ops": map[string]any{
		"name":                                   "settings-drift-ops",
		"absoluteSessionTimeoutInSeconds":        14400,
		"idleSessionTimeoutInSeconds":            900,
		"maxServiceAccountSecretValidityInHours": 4380,
		"operationsContact":                      "ops@example.com",
		"streamsCrossGroupEnabled":               false,
		"delegatedMcpAccess":                     "READ_ONLY",
		"delegatedPartnerAccess":                 "DISALLOWED",
		"idleRefreshTokenLifetime":               3600,
		"maximumRefreshTokenLifetime":            86400,
	}})
	status := func(t *testing.T) (cli.StatusReport, string, int) { return w.statusOf(t, env, stack) }
	_, out, code := status(t)
	require.Equal(t, 0, code, "clean after deploy: %s", out)

	orgs, credentials := w.stackOrgs(t, env, stack)
	require.NotEmpty(t, credentials["ops"]["clientSecret"], "the organization's own credential")
	own := newAdminClient(t, baseURL, credentials["ops"])
	org := "/orgs/" + orgs["ops"]
	// In Atlas, as a person does in its UI: every setting away from the code.
	own.call(http.MethodPatch, org+"/settings", "2023-01-01", map[string]any{
		"customSessionTimeouts":                  map[string]any{"absoluteSessionTimeoutInSeconds": 28800, "idleSessionTimeoutInSeconds": 1800},
		"maxServiceAccountSecretValidityInHours": 8760,
		"operationsContact":                      "someone@example.com",
		"streamsCrossGroupEnabled":               true,
	})
	own.call(http.MethodPatch, org+"/delegationSettings", "2025-03-12", map[string]any{
		"delegatedMcpAccess": "READ_WRITE", "delegatedPartnerAccess": "READ_WRITE",
		"idleRefreshTokenLifetime": 7200, "maximumRefreshTokenLifetime": 172800,
	})

	report, out, code := status(t)
	assert.Equal(t, 1, code, out)
	require.Len(t, report.Orgs, 1, out)
	// The value in the code, then in Atlas, as status prints them (JSON).
	want := map[string][2]string{
		"absoluteSessionTimeoutInSeconds":        {"14400", "28800"},
		"idleSessionTimeoutInSeconds":            {"900", "1800"},
		"maxServiceAccountSecretValidityInHours": {"4380", "8760"},
		"operationsContact":                      {`"ops@example.com"`, `"someone@example.com"`},
		"streamsCrossGroupEnabled":               {"false", "true"},
		"delegatedMcpAccess":                     {`"READ_ONLY"`, `"READ_WRITE"`},
		"delegatedPartnerAccess":                 {`"DISALLOWED"`, `"READ_WRITE"`},
		"idleRefreshTokenLifetime":               {"3600", "7200"},
		"maximumRefreshTokenLifetime":            {"86400", "172800"},
	}
	fix := "pulumi up --refresh --stack " + stack
	found := report.Orgs[0].Findings
	for field, values := range want {
		i := slices.IndexFunc(found, func(f cli.Finding) bool { return f.Kind == cli.KindChanged && f.Field == field })
		if !assert.GreaterOrEqual(t, i, 0, "%s changed in Atlas is a changed finding: %s", field, out) {
			continue
		}
		f := found[i]
		assert.Equal(t, values[0], f.Code, "%s: the value in the code", field)
		assert.Equal(t, values[1], f.Atlas, "%s: the value in Atlas", field)
		assert.False(t, f.Withheld, "%s is no secret", field)
		assert.Equal(t, fix, f.Fix, field)
		assert.Equal(t, 1, countFunc(found, func(f cli.Finding) bool { return f.Field == field }), "one finding for %s: %s", field, out)
	}
	for _, f := range found {
		assert.NotContains(t, []string{"clientId", "clientSecret", "publicKey", "privateKey"}, f.Field, "the credential is never a finding: %s", f.Message)
		assert.NotContains(t, f.Message, credentials["ops"]["clientSecret"], "no secret printed")
	}
	assert.NotContains(t, out, credentials["ops"]["clientSecret"], "no secret printed")

	// Exactly the fix status printed, from the folder it ran in;
	// PULUMI_SKIP_CONFIRMATIONS is the yes a person gives at the prompt.
	start := time.Now()
	fixOut, fixCode := w.command(append(env, "PULUMI_SKIP_CONFIRMATIONS=true"), "", "sh", "-c", fix)
	t.Logf("%s: exit %d in %.1f s", fix, fixCode, time.Since(start).Seconds())
	require.Equal(t, 0, fixCode, "%s:\n%s", fix, tail(fixOut))

	settings := own.call(http.MethodGet, org+"/settings", "2023-01-01", nil)
	assert.Equal(t, map[string]any{"absoluteSessionTimeoutInSeconds": 14400.0, "idleSessionTimeoutInSeconds": 900.0}, settings["customSessionTimeouts"], "set back")
	assert.Equal(t, "ops@example.com", settings["operationsContact"], "set back")
	delegation := own.call(http.MethodGet, org+"/delegationSettings", "2025-03-12", nil)
	assert.Equal(t, "READ_ONLY", delegation["delegatedMcpAccess"], "set back")
	assert.Equal(t, 3600.0, delegation["idleRefreshTokenLifetime"], "set back")

	report, out, code = status(t)
	assert.Equal(t, 0, code, "clean once the fix ran: %s", out)
	assert.Zero(t, report.Summary.Findings, out)
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
}

// countFunc is how many of the findings match.
func countFunc(findings []cli.Finding, match func(cli.Finding) bool) int {
	n := 0
	for _, f := range findings {
		if match(f) {
			n++
		}
	}
	return n
}

// TestStatusFindsAPIAccessListRequiredChangedInAtlas is issue 35's drift
// gap of apiAccessListRequired, with the real tools against atlas-local: an
// organization requires its access list, which its switch turned on once
// the list existed; a person turns it off in Atlas; status reports the
// Organization's apiAccessListRequired changed, with both values; its fix,
// run as printed, turns it on again; the next status is clean and the next
// preview shows no changes.
func TestStatusFindsAPIAccessListRequiredChangedInAtlas(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)

	const stack = "access-list-drift"
	w.deployedStack(t, env, stack, baseURL, seed, "dev", map[string]any{"locked": map[string]any{
		"name":                  "access-list-drift-locked",
		"apiAccessListRequired": true,
		"serviceAccount":        map[string]any{"accessList": []map[string]string{{"ipAddress": "127.0.0.1"}}},
	}})
	orgs, credentials := w.stackOrgs(t, env, stack)
	own := newAdminClient(t, baseURL, credentials["locked"])
	org := "/orgs/" + orgs["locked"]
	require.Equal(t, true, own.call(http.MethodGet, org+"/settings", "2023-01-01", nil)["apiAccessListRequired"], "the switch turned it on")
	status := func(t *testing.T) (cli.StatusReport, string, int) { return w.statusOf(t, env, stack) }
	_, out, code := status(t)
	require.Equal(t, 0, code, "clean after deploy: %s", out)
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")

	// Twice, so that the second set-back is counted after the first.
	for round := 1; round <= 2; round++ {
		// In Atlas, as a person does in its UI (from a listed address).
		own.call(http.MethodPatch, org+"/settings", "2023-01-01", map[string]any{"apiAccessListRequired": false})

		report, out, code := status(t)
		assert.Equal(t, 1, code, out)
		require.Len(t, report.Orgs, 1, out)
		found := report.Orgs[0].Findings
		require.Len(t, found, 1, "round %d, one finding: %s", round, out)
		f := found[0]
		assert.Equal(t, cli.KindChanged, f.Kind, f.Message)
		assert.Equal(t, "apiAccessListRequired", f.Field, f.Message)
		assert.Equal(t, "Organization multiorg-locked", f.Resource, f.Message)
		assert.Equal(t, "true", f.Code, "the value in the code: %s", f.Message)
		assert.Equal(t, "false", f.Atlas, "the value in Atlas: %s", f.Message)
		fix := "pulumi up --refresh --stack " + stack
		require.Equal(t, fix, f.Fix, f.Message)

		start := time.Now()
		fixOut, fixCode := w.command(append(env, "PULUMI_SKIP_CONFIRMATIONS=true"), "", "sh", "-c", fix)
		t.Logf("round %d, %s: exit %d in %.1f s", round, fix, fixCode, time.Since(start).Seconds())
		require.Equal(t, 0, fixCode, "%s:\n%s", fix, tail(fixOut))
		assert.Equal(t, true, own.call(http.MethodGet, org+"/settings", "2023-01-01", nil)["apiAccessListRequired"], "set back")

		report, out, code = status(t)
		assert.Equal(t, 0, code, "clean once the fix ran: %s", out)
		assert.Zero(t, report.Summary.Findings, out)
		w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	}
}
