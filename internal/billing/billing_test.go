package billing

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

const (
	paying = "5f1a2b3c4d5e6f7a8b9c0d1e"
	orgA   = "aaaaaaaaaaaaaaaaaaaaaaaa"
	orgB   = "bbbbbbbbbbbbbbbbbbbbbbbb"
)

// invoices are three months of the paying organization's invoices, two
// closed and the pending December, linking orgA and orgB.
func invoices() []atlasapi.Invoice {
	month := func(m time.Month, status string, own, a, b int64) atlasapi.Invoice {
		start := time.Date(2026, m, 1, 0, 0, 0, 0, time.UTC)
		linked := []atlasapi.Invoice{{OrgID: orgA, SubtotalCents: a}, {OrgID: orgB, SubtotalCents: b}}
		return atlasapi.Invoice{ID: strconv.Itoa(int(m)), OrgID: paying, StatusName: status, StartDate: start, EndDate: start.AddDate(0, 1, 0),
			SubtotalCents: own, AmountBilledCents: own + a + b, LinkedInvoices: linked}
	}
	return []atlasapi.Invoice{
		month(time.December, "PENDING", 100, 3001, 999),
		month(time.November, "PAID", 1000, 20000, 5005),
		month(time.October, "PAID", 1000, 10000, 5005),
		month(time.September, "PAID", 7, 7, 7),
	}
}

var tenthOfDecember = time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC) // 10 of 31 days

func build(t *testing.T) Report {
	t.Helper()
	r, err := Build(paying, invoices(), 2, tenthOfDecember, Names{orgA: {"analytics", "acme-analytics"}, orgB: {"", "Legacy Org"}})
	require.NoError(t, err)
	return r
}

func TestBuild(t *testing.T) {
	r := build(t)
	assert.Equal(t, []string{"2026-10", "2026-11", "2026-12"}, r.Months, "two closed months, then the pending one")
	assert.Equal(t, "2026-12", r.Pending)
	require.Len(t, r.Orgs, 3)
	assert.True(t, r.Orgs[0].Paying, "the paying organization first")
	assert.Equal(t, "analytics", r.Orgs[1].Key, "then the stack's, by key")
	assert.Equal(t, "Legacy Org", r.Orgs[2].Label(), "then the others, by name")
	a := r.Orgs[1]
	assert.Equal(t, map[string]int64{"2026-10": 10000, "2026-11": 20000, "2026-12": 3001}, a.Cents)
	assert.Equal(t, int64(3001*31/10), a.ProjectedCents, "linear, in whole cents: 31 days at the rate of 10")
	delta, previous, ok := a.Change(r)
	assert.True(t, ok)
	assert.Equal(t, int64(10000), delta)
	assert.Equal(t, int64(10000), previous, "October's charge")
	for _, month := range r.Months {
		var sum int64
		for _, org := range r.Orgs {
			sum += org.Cents[month]
		}
		assert.Equal(t, sum, r.TotalCents[month], "%s: the organizations add up to the invoice", month)
	}
	assert.Equal(t, int64(26005), r.TotalCents["2026-11"])
}

func TestBuildRefusesInvoicesThatDoNotAddUp(t *testing.T) {
	all := invoices()
	all[1].AmountBilledCents++
	_, err := Build(paying, all, 2, tenthOfDecember, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "add up to")
	_, err = Build(orgA, all, 2, tenthOfDecember, nil)
	assert.ErrorContains(t, err, "no pending invoice")
}

// TestFormatsAgreeToTheCent: the JSON, the CSV and the table carry the same
// figures.
func TestFormatsAgreeToTheCent(t *testing.T) {
	r := build(t)
	var table, js, cs bytes.Buffer
	require.NoError(t, WriteTable(&table, r))
	require.NoError(t, WriteJSON(&js, r))
	require.NoError(t, WriteCSV(&cs, r))

	var decoded Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &decoded))
	assert.Equal(t, r.Orgs, decoded.Orgs)
	assert.Equal(t, r.TotalCents, decoded.TotalCents)

	rows, err := csv.NewReader(&cs).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"month", "kind", "orgKey", "orgName", "orgId", "cents", "usd"}, rows[0])
	sums := map[string]int64{}
	for _, row := range rows[1:] {
		cents, err := strconv.ParseInt(row[5], 10, 64)
		require.NoError(t, err)
		if row[1] != "projected" {
			sums[row[0]] += cents
		}
	}
	assert.Equal(t, r.TotalCents, sums, "the CSV adds up to the invoices")
	assert.Contains(t, rows, []string{"2026-12", "projected", "analytics", "acme-analytics", orgA, "9303", "93.03"})
	assert.Contains(t, table.String(), "analytics (acme-analytics)")
	assert.Contains(t, table.String(), "$260.05", "the November total")
	assert.Contains(t, table.String(), "+$100.00 (+100%)", "analytics' month-over-month change")
	assert.Contains(t, table.String(), "10.0 of 31 days")
}

func TestCheckBudgets(t *testing.T) {
	r := build(t)
	tests := map[string]struct {
		budget int64
		line   string
		fails  int
	}{
		"over already":      {3000, "OVER      orgs.analytics: $30.01 to date in 2026-12, $0.01 over its budget of $30.00", 1},
		"projected over":    {9000, "PROJECTED orgs.analytics: projected $93.03 for 2026-12, $3.03 over its budget of $90.00 ($30.01 to date)", 1},
		"within":            {9303, "ok        orgs.analytics: projected $93.03 for 2026-12, $0.00 under its budget of $93.03", 0},
		"within, with room": {10000, "ok        orgs.analytics: projected $93.03 for 2026-12, $6.97 under its budget of $100.00", 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			results, err := CheckBudgets(r, map[string]int64{"analytics": tc.budget}, map[string]string{"analytics": orgA})
			require.NoError(t, err)
			var out bytes.Buffer
			fails, err := WriteBudgets(&out, r, results)
			require.NoError(t, err)
			assert.Equal(t, tc.fails, fails)
			assert.Equal(t, tc.line, strings.TrimSpace(out.String()))
		})
	}
	_, err := CheckBudgets(r, map[string]int64{"ghost": 100}, map[string]string{})
	assert.ErrorContains(t, err, "orgs.ghost has a budget")
}

func TestHTMLIsSelfContained(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, WriteHTML(&out, build(t)))
	page := out.String()
	assert.Equal(t, 2, strings.Count(page, `src="data:image/png;base64,`), "both charts embedded")
	assert.NotContains(t, page, "http://")
	assert.NotContains(t, page, "https://")
	assert.Contains(t, page, "analytics (acme-analytics)")
}
