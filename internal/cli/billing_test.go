package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/billing"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
)

// billingWorld is atlas-local holding two organizations linked to its
// paying organization, on a clock in the middle of November 2026, with the
// org stack's outputs and config for them.
type billingWorld struct {
	env             map[string]string
	now             time.Time
	outputs, config string
	payingOrg, a, b string
}

func newBillingWorld(t *testing.T, budgetA, budgetB string) *billingWorld {
	t.Helper()
	now := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC) // 15 of 30 days
	atlas := newLocalAtlas(t, now)
	seed := atlas.seed
	w := &billingWorld{now: now, payingOrg: seed.PayingOrgID, env: atlas.env}
	create := atlas.create
	w.a, w.b = create(t, "acme-a"), create(t, "acme-b")
	dir := t.TempDir()
	w.outputs = filepath.Join(dir, "outputs.json")
	require.NoError(t, os.WriteFile(w.outputs, []byte(`{"payingOrgId": "`+seed.PayingOrgID+`", "credentials": "[secret]", "orgs": {
		"a": {"orgId": "`+w.a+`", "name": "acme-a"}, "b": {"orgId": "`+w.b+`", "name": "acme-b"}}}`), 0o600))
	w.config = filepath.Join(dir, "Pulumi.dev.yaml")
	budget := func(usd string) string {
		if usd == "" {
			return ""
		}
		return "\n      monthlyBudgetUsd: \"" + usd + "\""
	}
	require.NoError(t, os.WriteFile(w.config, []byte(`config:
  atlas-multiorg:payingOrgId: `+seed.PayingOrgID+`
  atlas-multiorg:orgOwnerId: `+seed.OwnerID+`
  atlas-multiorg:orgs:
    a:
      name: acme-a`+budget(budgetA)+`
    b:
      name: acme-b`+budget(budgetB)+`
`), 0o600))
	return w
}

func (w *billingWorld) run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := execute(append([]string{"billing"}, args...), strings.NewReader(""), &stdout, &stderr,
		func() time.Time { return w.now }, func(k string) string { return w.env[k] })
	return result{code, stdout.String(), stderr.String()}
}

// TestBillingAgainstTheLocalAPI: every organization's cost for each month,
// the JSON and CSV agreeing with the table to the cent and with the
// invoices' totals.
func TestBillingAgainstTheLocalAPI(t *testing.T) {
	w := newBillingWorld(t, "", "")
	table := w.run(t, "--stack-outputs", w.outputs, "--months", "3")
	require.Equal(t, ExitOK, table.code, table.stderr)
	js := w.run(t, "--stack-outputs", w.outputs, "--months", "3", "-o", "json")
	require.Equal(t, ExitOK, js.code, js.stderr)
	cs := w.run(t, "--stack-outputs", w.outputs, "--months", "3", "-o", "csv")
	require.Equal(t, ExitOK, cs.code, cs.stderr)

	var report billing.Report
	require.NoError(t, json.Unmarshal([]byte(js.stdout), &report))
	assert.Equal(t, []string{"2026-08", "2026-09", "2026-10", "2026-11"}, report.Months)
	require.Len(t, report.Orgs, 3, "the paying organization and the two linked to it")
	assert.Equal(t, "local-paying-org", report.Orgs[0].Name, "named through the Admin API, though the stack does not manage it")
	assert.Equal(t, []string{"a", "b"}, []string{report.Orgs[1].Key, report.Orgs[2].Key})

	rows, err := csv.NewReader(strings.NewReader(cs.stdout)).ReadAll()
	require.NoError(t, err)
	byOrgMonth := map[string]int64{}
	for _, row := range rows[1:] {
		cents, err := strconv.ParseInt(row[5], 10, 64)
		require.NoError(t, err)
		byOrgMonth[row[4]+"/"+row[0]+"/"+row[1]] = cents
	}
	for _, org := range report.Orgs {
		line := ""
		for _, l := range strings.Split(table.stdout, "\n") {
			if strings.Contains(l, org.ID) {
				line = l
			}
		}
		require.NotEmpty(t, line, "the table has a row for %s", org.ID)
		for _, month := range report.Months {
			kind := "closed"
			if month == report.Pending {
				kind = "month-to-date"
			}
			assert.Equal(t, org.Cents[month], byOrgMonth[org.ID+"/"+month+"/"+kind], "CSV and JSON agree: %s %s", org.ID, month)
			assert.Contains(t, line, usd(org.Cents[month]), "the table agrees: %s %s", org.ID, month)
		}
		assert.Equal(t, org.ProjectedCents, byOrgMonth[org.ID+"/"+report.Pending+"/projected"])
		assert.Equal(t, org.Cents[report.Pending]*30/15, org.ProjectedCents, "15 of 30 days")
	}
	assert.Contains(t, table.stdout, "2026-11 PROJECTED")
	assert.Contains(t, table.stdout, "an estimate, not a bill")

	html := filepath.Join(t.TempDir(), "report.html")
	require.Equal(t, ExitOK, w.run(t, "--stack-outputs", w.outputs, "--html", html).code)
	page, err := os.ReadFile(html) //nolint:gosec // G304: the test's own file
	require.NoError(t, err)
	assert.Contains(t, string(page), "data:image/png;base64,")
	assert.NotContains(t, string(page), "https://")
}

func usd(cents int64) string { return "$" + strconv.FormatInt(cents/100, 10) }

// TestBillingCheckFailsExactlyWhenABudgetIsExceeded.
func TestBillingCheckFailsExactlyWhenABudgetIsExceeded(t *testing.T) {
	within := newBillingWorld(t, "100000", "100000")
	r := within.run(t, "--stack-outputs", within.outputs, "--config", within.config, "--check")
	assert.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, 2, strings.Count(r.stdout, "ok        orgs."), r.stdout)

	over := newBillingWorld(t, "1", "100000")
	r = over.run(t, "--stack-outputs", over.outputs, "--config", over.config, "--check")
	assert.Equal(t, ExitFindings, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "OVER      orgs.a: ")
	assert.Contains(t, r.stdout, "over its budget of $1.00")
	assert.Contains(t, r.stdout, "ok        orgs.b: ")
	assert.Contains(t, r.stderr, "1 organization over budget or projected to be")

	bad := newBillingWorld(t, "1.005", "")
	r = bad.run(t, "--stack-outputs", bad.outputs, "--config", bad.config, "--check")
	assert.Equal(t, ExitUsage, r.code)
	assert.Contains(t, r.stderr, "orgs.a.monthlyBudgetUsd: must be an amount of US dollars with at most two decimals")

	r = within.run(t, "--stack-outputs", within.outputs, "--check")
	assert.Equal(t, ExitUsage, r.code)
	assert.Contains(t, r.stderr, "--check needs --config")
}

// localAtlas is an in-process atlas-local with its paying organization's
// credential in env, as the tool reads it.
type localAtlas struct {
	env  map[string]string
	seed *localapi.Seed
	url  string
	// token is the paying organization's access token.
	token string
}

func newLocalAtlas(t *testing.T, now time.Time) *localAtlas {
	t.Helper()
	srv, seed, err := localapi.New(localapi.Options{DataDir: t.TempDir(), Now: func() time.Time { return now }})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	a := &localAtlas{seed: seed, url: ts.URL,
		env: map[string]string{"MONGODB_ATLAS_BASE_URL": ts.URL, "MONGODB_ATLAS_CLIENT_ID": seed.ClientID, "MONGODB_ATLAS_CLIENT_SECRET": seed.ClientSecret}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.URL+"/api/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.SetBasicAuth(seed.ClientID, seed.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	a.token = tok.AccessToken
	return a
}

// create makes an organization with the paying organization's credential,
// linked to it, and returns its ID.
func (a *localAtlas) create(t *testing.T, name string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"name": name, "orgOwnerId": a.seed.OwnerID, "serviceAccount": map[string]any{
		"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 720}})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, a.url+"/api/atlas/v2/orgs", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", localapi.MediaTypeOrgs)
	req.Header.Set("Accept", localapi.MediaTypeOrgs)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var out struct {
		Organization struct{ ID string } `json:"organization"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Organization.ID
}
