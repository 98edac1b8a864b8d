package billing

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// WriteTable writes the report for people: one row per organization, one
// column per month, the pending month to date and projected, the change
// between the last two closed months, and the invoices' totals.
func WriteTable(w io.Writer, r Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "ORGANIZATION\tORG ID\t"
	for _, month := range r.Months[:len(r.Months)-1] {
		header += month + "\t"
	}
	header += r.Pending + " TO DATE\t" + r.Pending + " PROJECTED\tCHANGE\t"
	_, _ = fmt.Fprintln(tw, header) // a write error comes back from Flush
	var projected int64
	for _, org := range r.Orgs {
		line := org.Label() + "\t" + org.ID + "\t"
		for _, month := range r.Months {
			line += multiorg.FormatUSD(org.Cents[month]) + "\t"
		}
		line += multiorg.FormatUSD(org.ProjectedCents) + "\t" + change(org, r) + "\t"
		_, _ = fmt.Fprintln(tw, line)
		projected += org.ProjectedCents
	}
	line := "TOTAL (invoices)\t\t"
	for _, month := range r.Months {
		line += multiorg.FormatUSD(r.TotalCents[month]) + "\t"
	}
	line += multiorg.FormatUSD(projected) + "\t\t"
	_, _ = fmt.Fprintln(tw, line)
	if err := tw.Flush(); err != nil {
		return err
	}
	tenths := r.Elapsed * 10 / (24 * time.Hour)
	_, err := fmt.Fprintf(w, "\n%s is month to date (%d.%d of %d days); PROJECTED carries that rate on to the month's end, an estimate, not a bill.\n",
		r.Pending, tenths/10, tenths%10, r.Period/(24*time.Hour))
	return err
}

// change is an organization's month-over-month change, in dollars and
// percent (rounded, from integers).
func change(org Org, r Report) string {
	delta, previous, ok := org.Change(r)
	if !ok {
		return "-"
	}
	sign := "+"
	if delta < 0 {
		sign = ""
	}
	if previous == 0 {
		return sign + multiorg.FormatUSD(delta)
	}
	return fmt.Sprintf("%s%s (%s%d%%)", sign, multiorg.FormatUSD(delta), sign, (delta*100+previous/2)/previous)
}

// WriteJSON writes the report as JSON, amounts in cents.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteCSV writes one row per organization and month: month, kind (closed,
// month-to-date or projected), org key, name, org ID, cents, and dollars.
func WriteCSV(w io.Writer, r Report) error {
	out := csv.NewWriter(w)
	_ = out.Write([]string{"month", "kind", "orgKey", "orgName", "orgId", "cents", "usd"})
	row := func(month, kind string, org Org, cents int64) {
		_ = out.Write([]string{month, kind, org.Key, org.Name, org.ID, strconv.FormatInt(cents, 10), usdPlain(cents)})
	}
	for _, org := range r.Orgs {
		for _, month := range r.Months[:len(r.Months)-1] {
			row(month, "closed", org, org.Cents[month])
		}
		row(r.Pending, "month-to-date", org, org.Cents[r.Pending])
		row(r.Pending, "projected", org, org.ProjectedCents)
	}
	out.Flush()
	return out.Error()
}

// usdPlain is cents as a plain decimal for spreadsheets: 1234.56.
func usdPlain(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

// BudgetResult is one organization held to its monthly budget.
type BudgetResult struct {
	Key, OrgID                               string
	BudgetCents, ToDateCents, ProjectedCents int64
}

// Over reports whether the month to date is over the budget.
func (b BudgetResult) Over() bool { return b.ToDateCents > b.BudgetCents }

// Projected reports whether the month is projected to end over the budget.
func (b BudgetResult) Projected() bool { return b.ProjectedCents > b.BudgetCents }

// CheckBudgets holds each budgeted org key to its budget in the pending
// month. budgets are in cents, by org key; ids map org keys to Atlas IDs.
// An org key without an ID in the report is an error: its budget would
// silently check nothing.
func CheckBudgets(r Report, budgets map[string]int64, ids map[string]string) ([]BudgetResult, error) {
	byID := map[string]Org{}
	for _, org := range r.Orgs {
		byID[org.ID] = org
	}
	var results []BudgetResult
	for _, key := range slices.Sorted(maps.Keys(budgets)) {
		id, ok := ids[key]
		if !ok {
			return nil, fmt.Errorf("orgs.%s has a budget, but the stack outputs name no organization for it: deploy it, or pass the stack's outputs (--stack-outputs)", key)
		}
		org := byID[id] // absent: no charges yet
		results = append(results, BudgetResult{Key: key, OrgID: id, BudgetCents: budgets[key],
			ToDateCents: org.Cents[r.Pending], ProjectedCents: org.ProjectedCents})
	}
	return results, nil
}

// WriteBudgets writes one line per budgeted organization and returns how
// many are over their budget or projected to be.
func WriteBudgets(w io.Writer, r Report, results []BudgetResult) (int, error) {
	failing := 0
	for _, b := range results {
		budget := multiorg.FormatUSD(b.BudgetCents)
		var line string
		switch {
		case b.Over():
			failing++
			line = fmt.Sprintf("OVER      orgs.%s: %s to date in %s, %s over its budget of %s", b.Key, multiorg.FormatUSD(b.ToDateCents), r.Pending,
				multiorg.FormatUSD(b.ToDateCents-b.BudgetCents), budget)
		case b.Projected():
			failing++
			line = fmt.Sprintf("PROJECTED orgs.%s: projected %s for %s, %s over its budget of %s (%s to date)", b.Key, multiorg.FormatUSD(b.ProjectedCents), r.Pending,
				multiorg.FormatUSD(b.ProjectedCents-b.BudgetCents), budget, multiorg.FormatUSD(b.ToDateCents))
		default:
			line = fmt.Sprintf("ok        orgs.%s: projected %s for %s, %s under its budget of %s", b.Key, multiorg.FormatUSD(b.ProjectedCents), r.Pending,
				multiorg.FormatUSD(b.BudgetCents-b.ProjectedCents), budget)
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return failing, err
		}
	}
	return failing, nil
}
