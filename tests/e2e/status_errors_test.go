//go:build e2e

package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

// TestStatusChecksEachOrganizationOnItsOwn runs status with the real tools
// on a stack of two organizations, after Atlas began refusing one
// organization's own service account (its API access list made required,
// with this machine not on it) and the other's security contact was
// changed by hand. The refused organization is unchecked, with whose
// credential was refused and Atlas' reason; the other still has its
// finding. Then the backend and the folder are got wrong, one at a time:
// a missing state folder, a wrong passphrase, a PostgreSQL backend nothing
// listens for, and folders that are not the org stack's project; each says
// Pulumi's or the database's reason in one line, with no secret, and a
// folder that is not the project exits 2.
func TestStatusChecksEachOrganizationOnItsOwn(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir := filepath.Join(t.TempDir(), "atlas-local")
	baseURL, stop := w.localAPI(t, dir)
	var seed localSeed
	w.readJSON(filepath.Join(dir, "credentials.json"), &seed)
	env := w.shardEnv(seed, baseURL)
	const stack = "each"
	raw, err := yaml.Marshal(map[string]any{"config": map[string]any{
		"mongodbatlas:baseUrl":       baseURL,
		"atlas-multiorg:payingOrgId": seed["payingOrgId"],
		"atlas-multiorg:orgOwnerId":  seed["orgOwnerId"],
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs": map[string]any{
			// A team and a member: resources inside it, read with its own
			// service account.
			"locked": map[string]any{"name": "each-locked", "members": map[string]any{"ada@example.com": map[string]any{"roles": []string{"ORG_OWNER"}}},
				"teams": map[string]any{"platform": map[string]any{"name": "Platform", "members": []string{"ada@example.com"}}}},
			"open": map[string]any{"name": "each-open"},
		},
	}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"), raw, 0o600))
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")
	w.runEnv(env, "bin/atlas-multiorg", "deploy", stack)
	if latency := os.Getenv("STATUS_E2E_LATENCY"); latency != "" {
		// Atlas' latency, for what each preview again costs there
		// (docs/status.md): STATUS_E2E_LATENCY=100ms.
		stop()
		w.localAPI(t, dir, "--addr", strings.TrimPrefix(baseURL, "http://"), "--latency", latency)
	}

	status := func(t *testing.T) (cli.StatusReport, string, int, time.Duration) {
		t.Helper()
		start := time.Now()
		out, code := w.command(env, "", "bin/atlas-multiorg", "status", "-o", "json", stack)
		took := time.Since(start)
		var report cli.StatusReport
		require.NoError(t, json.Unmarshal([]byte(out[strings.Index(out, "{"):strings.LastIndex(out, "}")+1]), &report), out)
		return report, out, code, took
	}
	_, out, code, clean := status(t)
	require.Equal(t, 0, code, "clean after deploy: %s", out)

	var orgs map[string]struct {
		OrgID string `json:"orgId"`
	}
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "orgs", "--json", "--stack", stack)), &orgs))
	var creds map[string]localSeed
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "credentials", "--json", "--show-secrets", "--stack", stack)), &creds))
	newAdminClient(t, baseURL, creds["open"]).call(http.MethodPatch, "/orgs/"+orgs["open"].OrgID+"/settings", "2023-01-01",
		map[string]any{"securityContact": "someone@example.com"})
	// Its API access list is empty: from now on Atlas refuses every call
	// of its own service account from this machine.
	newAdminClient(t, baseURL, creds["locked"]).call(http.MethodPatch, "/orgs/"+orgs["locked"].OrgID+"/settings", "2023-01-01",
		map[string]any{"apiAccessListRequired": true})

	report, out, code, leftOut := status(t)
	t.Logf("status: %.1f s clean (one refresh preview), %.1f s with one organization refused (the stack previewed again without what could not be read)",
		clean.Seconds(), leftOut.Seconds())
	assert.Equal(t, 3, code, "an organization not checked is a failure: %s", out)
	findings := map[string][]cli.Finding{}
	for _, org := range report.Orgs {
		findings[org.Key] = org.Findings
	}
	require.Len(t, report.Stacks, 1)
	assert.Equal(t, "checked", report.Stacks[0].State, report.Stacks[0].Reason)
	require.NotEmpty(t, findings["open"], out)
	open := findings["open"][0]
	assert.Equal(t, []string{"changed", "Organization multiorg-open", "securityContact", `"someone@example.com"`}, []string{open.Kind, open.Resource, open.Field, open.Atlas},
		"the other organization of the stack still has its finding")
	var unchecked []string
	for _, f := range findings["locked"] {
		assert.Equal(t, "unchecked", f.Kind, f.Message)
		unchecked = append(unchecked, f.Message)
	}
	slices.Sort(unchecked) // the previews' failures come in the engine's order
	require.Len(t, unchecked, 3, "what its own provider reads, its Organization, its people: %s", out)
	// Atlas applies the organization's access list to the paying
	// organization's service account too, when it reads the organization.
	assert.Regexp(t, `^1 resource of it read with the stack's default provider \(default_4_14_0, signed in with the caller's credential: `+
		`a service account given by the environment\), so not compared with Atlas: the refresh of Organization multiorg-locked failed: `+
		`error reading organization settings: .* 403 Forbidden \(Error code: "USER_UNAUTHORIZED"\)`, unchecked[0])
	assert.Regexp(t, `^3 resources of it read with the own provider of organization locked \(multiorg-locked, signed in with a service account of that organization, `+
		`kept in the stack's state\), so not compared with Atlas: the refresh of \w+ multiorg-locked-\S+ failed: .*403 Forbidden \(Error code: "IP_ADDRESS_NOT_ON_ACCESS_LIST"\)`, unchecked[1])
	assert.Equal(t, "its people and teams were not checked: listing the users of organization "+orgs["locked"].OrgID+" (page 1): this machine's address is not on the "+
		"credential's API access list (403 IP_ADDRESS_NOT_ON_ACCESS_LIST: IP address 127.0.0.1 is not allowed to access this resource.); add it to the access list of "+
		"the service account or API key in Atlas, or run from an address that is on it "+
		"(signed in with a service account given by the own provider of organization locked in the stack's state)", unchecked[2])
	for _, secret := range []string{creds["locked"]["clientSecret"], creds["open"]["clientSecret"], seed["clientSecret"]} {
		assert.NotContains(t, out, secret)
	}
	table, code := w.command(env, "", "bin/atlas-multiorg", "status", stack)
	assert.Equal(t, 3, code)
	assert.True(t, strings.HasPrefix(table, "STACK "), table)
	assert.Equal(t, 1, strings.Count(table, "checked 1 of 1 stack and 2 organizations"), "the summary line, once: %s", table)

	t.Run("every failure keeps its reason, with no secret", func(t *testing.T) {
		closed, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		refusedPort := closed.Addr().(*net.TCPAddr).Port
		require.NoError(t, closed.Close())
		const dbPassword = "db-password-7c1e"
		other, missing := t.TempDir(), filepath.Join(t.TempDir(), "missing")
		tests := map[string]struct {
			extra  []string
			args   []string
			code   int
			reason string
			secret string
		}{
			"a missing state folder": {[]string{"PULUMI_BACKEND_URL=file://" + missing}, nil, 3,
				`atlas-multiorg: listing the stacks: cannot list the stacks of the project in .: unable to open state directory "file://` + missing + `": stat ` +
					missing + ": no such file or directory\n", ""},
			// The table of no organization is the stack's line and the summary, once.
			"a wrong passphrase": {[]string{"PULUMI_CONFIG_PASSPHRASE=not-the-passphrase"}, []string{stack}, 3,
				"Stacks:\n  each: failed: cannot export its state: could not deserialize deployment: failed to decrypt: incorrect passphrase, please set " +
					"PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase\n\n" +
					"checked 0 of 1 stack and 0 organizations in ", "not-the-passphrase"},
			"a refused PostgreSQL connection": {[]string{"PULUMI_BACKEND_URL=postgres://pulumi:" + dbPassword + "@127.0.0.1:" + strconv.Itoa(refusedPort) + "/pulumi?sslmode=disable"}, nil, 3,
				"connection refused", dbPassword},
			"a folder without Pulumi.yaml": {nil, []string{"--dir", other}, 2,
				other + " is not the org stack's project: it holds no Pulumi.yaml", ""},
			"another project's folder": {nil, []string{"--dir", filepath.Join("stacks", "projects"), stack}, 2,
				`the project in stacks/projects is "atlas-multiorg-projects", not the org stack's project "atlas-multiorg"`, ""},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				start := time.Now()
				out, code := w.command(append(append([]string{}, env...), tc.extra...), "", "bin/atlas-multiorg", append([]string{"status"}, tc.args...)...)
				t.Logf("exit %d in %.1f s:\n%s", code, time.Since(start).Seconds(), out)
				assert.Equal(t, tc.code, code)
				assert.Contains(t, out, tc.reason)
				assert.LessOrEqual(t, strings.Count(out, "checked 0 of"), 1, "the summary line at most once")
				assert.NotContains(t, out, "exit status", "Pulumi's reason, not its exit status")
				if tc.secret != "" {
					assert.NotContains(t, out, tc.secret)
				}
			})
		}
	})
}
