package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/billing"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
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
	atlas := localapitest.Start(t, now)
	seed := atlas.Seed
	w := &billingWorld{now: now, payingOrg: seed.PayingOrgID, env: atlas.Env}
	create := atlas.Create
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

// TestBillingNamesOrganizationsOutsideTheStack: an organization linked to
// the paying one but not in the stack shows by the name the paying
// organization's owner reads with GET /orgs/{orgId}, not as its ID twice.
func TestBillingNamesOrganizationsOutsideTheStack(t *testing.T) {
	now := time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	atlas := localapitest.Start(t, now)
	w := &billingWorld{now: now, payingOrg: atlas.Seed.PayingOrgID, env: atlas.Env}
	inStack, outside := atlas.Create(t, "acme-in-stack"), atlas.Create(t, "acme-outside")
	w.outputs = filepath.Join(t.TempDir(), "outputs.json")
	require.NoError(t, os.WriteFile(w.outputs, []byte(`{"payingOrgId": "`+w.payingOrg+`", "orgs": {"a": {"orgId": "`+inStack+`", "name": "acme-in-stack"}}}`), 0o600))

	js := w.run(t, "--stack-outputs", w.outputs, "-o", "json")
	require.Equal(t, ExitOK, js.code, js.stderr)
	var report billing.Report
	require.NoError(t, json.Unmarshal([]byte(js.stdout), &report))
	byID := map[string]billing.Org{}
	for _, org := range report.Orgs {
		byID[org.ID] = org
	}
	table := w.run(t, "--stack-outputs", w.outputs)
	require.Equal(t, ExitOK, table.code, table.stderr)

	tests := map[string]struct {
		id, wantKey, wantName, wantLabel string
	}{
		"the paying organization, which its credential lists": {w.payingOrg, "", "local-paying-org", "local-paying-org"},
		"an organization of the stack":                        {inStack, "a", "acme-in-stack", "a (acme-in-stack)"},
		"a linked organization outside the stack":             {outside, "", "acme-outside", "acme-outside"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			org, ok := byID[tc.id]
			require.True(t, ok, "the report has %s", tc.id)
			assert.Equal(t, tc.wantKey, org.Key)
			assert.Equal(t, tc.wantName, org.Name)
			assert.Equal(t, tc.wantLabel, org.Label())
			found := false
			for _, line := range strings.Split(table.stdout, "\n") {
				if strings.Contains(line, tc.id) {
					found = true
					assert.Contains(t, line, tc.wantLabel, "the table names it")
				}
			}
			assert.True(t, found, "the table has a row for %s", tc.id)
		})
	}
}
