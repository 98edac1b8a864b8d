//go:build e2e

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

// TestDeletedInAtlasIsRecoverable runs what docs/interrupted-deployments.md
// says about deletions made in Atlas, with the real tools against
// atlas-local. A dev stack of four organizations is deployed; then, through
// atlas-local's Admin API as their owners would in the UI, one organization
// (with a member) is deleted, another's own service account, and a third's
// API key. Status names each as gone (the organization; the service account;
// the API key), not unchecked, while the fourth organization stays clean;
// `pulumi up --refresh` creates nothing, and neither does the `pulumi up`
// after it, whose replacement guard says the organization was deleted. The
// owners of the second and third then delete them (atlas-local's console
// stands in for them), and status says all three are deleted organizations,
// each with the commands that create it again; run as printed, they
// converge the stack: one `pulumi up`, then `preview --expect-no-changes`,
// and status is clean.
func TestDeletedInAtlasIsRecoverable(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)
	const stack = "gone"
	w.deployedStack(t, env, stack, baseURL, seed, "dev", map[string]any{
		"deleted": map[string]any{"name": "gone-deleted",
			"members": map[string]any{"ada@example.com": map[string]any{"roles": []string{"ORG_OWNER"}}}},
		"lostcred": map[string]any{"name": "gone-lostcred"},
		"lostkey": map[string]any{"name": "gone-lostkey",
			"apiKey": map[string]any{"description": "the stack's credential", "roles": []string{"ORG_OWNER"}}},
		"kept": map[string]any{"name": "gone-kept"},
	})

	orgs, credentials := w.stackOrgs(t, env, stack)

	// Outside the code, as each organization's owner does in the Atlas UI.
	newAdminClient(t, baseURL, credentials["deleted"]).call(http.MethodDelete, "/orgs/"+orgs["deleted"], "2023-01-01", nil)
	lost := credentials["lostcred"]["clientId"]
	newAdminClient(t, baseURL, credentials["lostcred"]).call(http.MethodDelete, "/orgs/"+orgs["lostcred"]+"/serviceAccounts/"+lost, "2024-08-05", nil)
	deleteOwnAPIKey(t, baseURL, orgs["lostkey"], credentials["lostkey"])

	status := func(t *testing.T) (cli.StatusReport, string, int) {
		t.Helper()
		return w.statusOf(t, env, stack)
	}
	findings := func(report cli.StatusReport) map[string][]cli.Finding {
		byKey := map[string][]cli.Finding{}
		for _, org := range report.Orgs {
			byKey[org.Key] = org.Findings
		}
		return byKey
	}
	report, out, code := status(t)
	assert.Equal(t, 1, code, "findings: each organization is checked on its own, and the gone ones say so: %s", out)
	found := findings(report)
	require.Len(t, found["deleted"], 1, out)
	assert.Equal(t, cli.Finding{Kind: "gone", Resource: "Organization multiorg-deleted", Message: found["deleted"][0].Message}, found["deleted"][0])
	assert.Contains(t, found["deleted"][0].Message, `organization "gone-deleted" (org key deleted) is gone from Atlas`)
	require.Len(t, found["lostcred"], 1, out)
	assert.Equal(t, "gone", found["lostcred"][0].Kind)
	assert.Equal(t, "service account "+lost, found["lostcred"][0].Resource)
	assert.Contains(t, found["lostcred"][0].Message, "Only a person can act: its Organization Owner")
	require.Len(t, found["lostkey"], 1, out)
	assert.Equal(t, "gone", found["lostkey"][0].Kind)
	assert.Equal(t, "API key "+credentials["lostkey"]["publicKey"], found["lostkey"][0].Resource)
	assert.Contains(t, found["lostkey"][0].Message, "the API key was deleted outside the code")
	assert.NotContains(t, out, credentials["lostkey"]["privateKey"])
	assert.Empty(t, found["kept"], "the other organization is clean: %s", out)
	require.Len(t, report.Stacks, 1)
	assert.NotEqual(t, cli.StackFailed, report.Stacks[0].State, "the refresh preview left out what it could not read: %s", report.Stacks[0].Reason)
	for _, key := range []string{"deleted", "lostcred", "lostkey"} {
		assert.Empty(t, found[key][0].Fix, "no pulumi up --refresh recovers %s: its message says what does", key)
	}
	assert.NotContains(t, out, credentials["lostcred"]["clientSecret"])
	assert.NotContains(t, out, seed["clientSecret"])

	before := w.atlasOrgsIn(dir)
	refreshed, code := w.command(env, "", "pulumi", "up", "--refresh", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	assert.NotZero(t, code, "no run gets past a deletion alone: %s", tail(refreshed))
	assert.Equal(t, before, w.atlasOrgsIn(dir), "and it creates nothing: no organization made again behind anyone's back")
	t.Log(tail(refreshed))
	// That failed run saved the state without the deleted organization, and
	// with what was inside it: the next run does not create it either, and
	// says why, not blaming --replace.
	again, code := w.command(env, "", "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	assert.NotZero(t, code, tail(again))
	assert.Contains(t, again, `organization "gone-deleted" (org key deleted) is gone from Atlas`)
	assert.Contains(t, again, "Until then no run creates it again")
	assert.NotContains(t, again, "--replace")
	assert.Equal(t, before, w.atlasOrgsIn(dir), "nothing created")

	// Its owner deletes the organization whose credential is gone; the
	// console is that person.
	for _, key := range []string{"lostcred", "lostkey"} {
		w.run("", filepath.Join(w.repo, "bin", "atlas-local"), "console", "--data-dir", dir, "delete-org", orgs[key])
	}
	report, out, _ = status(t)
	found = findings(report)
	var commands []string
	for _, key := range []string{"deleted", "lostcred", "lostkey"} {
		require.Len(t, found[key], 1, out)
		assert.Equal(t, "gone", found[key][0].Kind)
		assert.Equal(t, "Organization multiorg-"+key, found[key][0].Resource)
		for _, command := range printedCommands(found[key][0].Message) {
			if !slices.Contains(commands, command) {
				commands = append(commands, command)
			}
		}
	}
	// The state deletes, then one `pulumi up`, as status printed them; a
	// shell without a terminal needs --yes for the up.
	require.Len(t, commands, 4, "three state deletes and one up: %q", commands)
	// The forgetting first, then the one up.
	ups := slices.DeleteFunc(slices.Clone(commands), func(c string) bool { return strings.HasPrefix(c, "pulumi state delete ") })
	commands = append(slices.DeleteFunc(commands, func(c string) bool { return !strings.HasPrefix(c, "pulumi state delete ") }), ups...)
	require.Equal(t, []string{"pulumi up --stack " + stack}, ups)
	for _, command := range commands {
		if command == "pulumi up --stack "+stack {
			command += " --yes --non-interactive"
		}
		t.Log(command)
		w.runEnv(env, "sh", "-c", command)
	}
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	report, out, code = status(t)
	assert.Equal(t, 0, code, out)
	assert.Zero(t, report.Summary.Findings, out)
	assert.Equal(t, []string{"gone-deleted", "gone-kept", "gone-lostcred", "gone-lostkey"}, namesOf(w.atlasOrgsIn(dir), "gone-"), "each made again once")
}

// printedCommands are the pulumi commands a finding's message gives, in
// backticks.
func printedCommands(message string) []string {
	var commands []string
	for _, m := range regexp.MustCompile("`(pulumi [^`]+)`").FindAllStringSubmatch(message, -1) {
		commands = append(commands, m[1])
	}
	return commands
}

// namesOf are the names with the prefix, sorted.
func namesOf(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// TestDeletedProdOrganizationIsCreatedAgainOnlyOnPurpose: a prod
// organization deleted in Atlas is never created again by a run; status
// names it, with the state delete that needs --force for its protected
// resources and the note to ask its owners; run as printed, that and one
// `pulumi up` converge the stack, and status is clean.
func TestDeletedProdOrganizationIsCreatedAgainOnlyOnPurpose(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	env := w.shardEnv(seed, baseURL)
	const stack = "gone-prod"
	w.deployedStack(t, env, stack, baseURL, seed, "prod", map[string]any{
		"ledger": map[string]any{"name": "gone-prod-ledger", "multiFactorAuthRequired": true}})
	orgs, credentials := w.stackOrgs(t, env, stack)
	newAdminClient(t, baseURL, credentials["ledger"]).call(http.MethodDelete, "/orgs/"+orgs["ledger"], "2023-01-01", nil)

	before := w.atlasOrgsIn(dir)
	for _, args := range [][]string{{"up", "--refresh"}, {"up"}} {
		out, code := w.command(env, "", "pulumi", append(args, "--yes", "--skip-preview", "--stack", stack, "--non-interactive")...)
		assert.NotZero(t, code, "pulumi %s: %s", strings.Join(args, " "), tail(out))
		assert.Equal(t, before, w.atlasOrgsIn(dir), "pulumi %s creates nothing", strings.Join(args, " "))
	}
	report, out, code := w.statusOf(t, env, stack)
	assert.Equal(t, 3, code, out)
	require.Len(t, report.Orgs, 1, out)
	require.Len(t, report.Orgs[0].Findings, 1, out)
	gone := report.Orgs[0].Findings[0]
	assert.Equal(t, "Organization multiorg-ledger", gone.Resource)
	assert.Contains(t, gone.Message, "--target-dependents --force --yes")
	assert.Contains(t, gone.Message, "It is a protected (prod) organization: ask its owners whether it was meant to go")
	commands := printedCommands(gone.Message)
	require.Len(t, commands, 2, "%q", commands)
	require.True(t, strings.HasPrefix(commands[0], "pulumi state delete "), commands[0])
	require.Equal(t, "pulumi up --stack "+stack, commands[1])
	w.runEnv(env, "sh", "-c", commands[0])
	w.runEnv(env, "sh", "-c", commands[1]+" --yes --non-interactive")
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	report, out, code = w.statusOf(t, env, stack)
	assert.Equal(t, 0, code, out)
	assert.Zero(t, report.Summary.Findings, out)
	assert.Equal(t, []string{"gone-prod-ledger"}, namesOf(w.atlasOrgsIn(dir), "gone-"), "made again once, on purpose")
}

// deployedStack writes the org stack's config against atlas-local, creates
// the stack and deploys it.
func (w *workspace) deployedStack(t testing.TB, env []string, stack, baseURL string, seed localSeed, environment string, orgs map[string]any) {
	t.Helper()
	w.writeOrgStack(t, stack, baseURL, seed, environment, orgs)
	w.runEnv(env, "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
}

// writeOrgStack writes the org stack's config against atlas-local (its
// base URL and seeded IDs; the credentials come from the environment) and
// creates the stack.
func (w *workspace) writeOrgStack(t testing.TB, stack, baseURL string, seed localSeed, environment string, orgs map[string]any) {
	t.Helper()
	raw, err := yaml.Marshal(map[string]any{"config": map[string]any{
		"mongodbatlas:baseUrl":       baseURL,
		"atlas-multiorg:payingOrgId": seed["payingOrgId"],
		"atlas-multiorg:orgOwnerId":  seed["orgOwnerId"],
		"atlas-multiorg:environment": environment,
		"atlas-multiorg:orgs":        orgs,
	}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"), raw, 0o600))
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")
}

// statusOf runs status -o json of the stacks (every stack of the project
// when none is named).
func (w *workspace) statusOf(t testing.TB, env []string, stacks ...string) (cli.StatusReport, string, int) {
	t.Helper()
	start := time.Now()
	out, code := w.command(env, "", "bin/atlas-multiorg", append([]string{"status", "-o", "json"}, stacks...)...)
	t.Logf("status %s: exit %d in %.1f s", strings.Join(stacks, " "), code, time.Since(start).Seconds())
	var report cli.StatusReport
	require.NoError(t, json.Unmarshal([]byte(out[strings.Index(out, "{"):strings.LastIndex(out, "}")+1]), &report), out)
	return report, out, code
}

// stackOrgs are the stack's organization IDs and their credentials, by org
// key, from its outputs.
func (w *workspace) stackOrgs(t testing.TB, env []string, stack string) (map[string]string, map[string]localSeed) {
	t.Helper()
	var orgs map[string]struct {
		OrgID string `json:"orgId"`
	}
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "orgs", "--json", "--stack", stack)), &orgs))
	var credentials map[string]localSeed
	require.NoError(t, json.Unmarshal([]byte(w.runEnv(env, "pulumi", "stack", "output", "credentials", "--json", "--show-secrets", "--stack", stack)), &credentials))
	ids := map[string]string{}
	for key, org := range orgs {
		ids[key] = org.OrgID
	}
	return ids, credentials
}

// deleteOwnAPIKey deletes an organization's API key, signed in with that
// key, as its owner would in the Atlas UI.
func deleteOwnAPIKey(t testing.TB, baseURL, orgID string, key localSeed) {
	t.Helper()
	client := &http.Client{Transport: digest.NewTransport(key["publicKey"], key["privateKey"])}
	call := func(method, path string) []byte {
		req, err := http.NewRequestWithContext(t.Context(), method, baseURL+"/api/atlas/v2/orgs/"+orgID+"/apiKeys"+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", "application/vnd.atlas.2023-01-01+json")
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Less(t, resp.StatusCode, 300, "%s %s: %s", method, path, body)
		return body
	}
	var keys struct {
		Results []struct{ ID, PublicKey string }
	}
	require.NoError(t, json.Unmarshal(call(http.MethodGet, ""), &keys))
	i := slices.IndexFunc(keys.Results, func(k struct{ ID, PublicKey string }) bool { return k.PublicKey == key["publicKey"] })
	require.GreaterOrEqual(t, i, 0, "its key is listed")
	call(http.MethodDelete, "/"+keys.Results[i].ID)
}
