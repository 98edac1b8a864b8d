// Package billing turns the paying organization's invoices, with the
// invoices linked to them, into cost per organization per month, in exact
// cents: the report, its formats and chart, and the budget check of
// `atlas-multiorg billing`.
package billing

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// MonthLayout names a month in every format: 2026-11.
const MonthLayout = "2006-01"

// Org is one organization in the report.
type Org struct {
	ID string `json:"orgId"`
	// Key is its org key in the stack, "" for an organization the stack
	// does not manage.
	Key  string `json:"key"`
	Name string `json:"name"`
	// Cents is its charge per month (MonthLayout), closed months and the
	// pending one (month to date).
	Cents map[string]int64 `json:"cents"`
	// ProjectedCents is the pending month's charge projected linearly to
	// the month's end.
	ProjectedCents int64 `json:"projectedCents"`
	// Paying marks the paying organization itself.
	Paying bool `json:"paying"`
}

// Report is cost per organization per month.
type Report struct {
	PayingOrgID string `json:"payingOrgId"`
	// Months are the closed months reported, oldest first, then Pending.
	Months []string `json:"months"`
	// Pending is the current month, whose figures are month to date.
	Pending string `json:"pendingMonth"`
	// Elapsed and Period say how far the pending month is, for the
	// projection: Elapsed of Period.
	Elapsed time.Duration `json:"-"`
	Period  time.Duration `json:"-"`
	// Orgs are sorted by key, then name; the paying organization first.
	Orgs []Org `json:"orgs"`
	// TotalCents is what each month's invoice bills, per month: the sum of
	// every organization's charge.
	TotalCents map[string]int64 `json:"totalCents"`
}

// Names are what is known of each organization ID: its org key in the stack
// and its name.
type Names map[string]struct{ Key, Name string }

// Build makes the report from the paying organization's invoices: the last
// closedMonths closed months and the pending one. It checks that each
// invoice's bill is the sum of its organizations' charges, so that the
// report's totals are the invoices'.
func Build(payingOrgID string, invoices []atlasapi.Invoice, closedMonths int, now time.Time, names Names) (Report, error) {
	report := Report{PayingOrgID: payingOrgID, TotalCents: map[string]int64{}}
	byMonth := map[string]atlasapi.Invoice{}
	for _, inv := range invoices {
		if inv.OrgID != payingOrgID {
			continue
		}
		month := inv.StartDate.UTC().Format(MonthLayout)
		if inv.StatusName == "PENDING" {
			report.Pending = month
			report.Period = inv.EndDate.Sub(inv.StartDate)
			report.Elapsed = min(max(now.Sub(inv.StartDate), time.Second), report.Period)
		}
		byMonth[month] = inv
	}
	if report.Pending == "" {
		return Report{}, fmt.Errorf("organization %s has no pending invoice: is it the paying organization, and does the credential have a billing role in it?", payingOrgID)
	}
	var closed []string
	for month := range byMonth {
		if month < report.Pending {
			closed = append(closed, month)
		}
	}
	slices.Sort(closed)
	closed = closed[max(0, len(closed)-closedMonths):]
	report.Months = append(closed, report.Pending)

	orgs := map[string]*Org{}
	charge := func(orgID, month string, cents int64, paying bool) {
		org, ok := orgs[orgID]
		if !ok {
			org = &Org{ID: orgID, Key: names[orgID].Key, Name: names[orgID].Name, Cents: map[string]int64{}, Paying: paying}
			orgs[orgID] = org
		}
		org.Cents[month] += cents
	}
	for _, month := range report.Months {
		inv := byMonth[month]
		sum := inv.SubtotalCents
		charge(inv.OrgID, month, inv.SubtotalCents, true)
		for _, linked := range inv.LinkedInvoices {
			charge(linked.OrgID, month, linked.SubtotalCents, false)
			sum += linked.SubtotalCents
		}
		if sum != inv.AmountBilledCents {
			return Report{}, fmt.Errorf("the invoice %s of %s bills %d cents, but its organizations' charges add up to %d: "+
				"credits, tax or refunds are not reported per organization yet", inv.ID, month, inv.AmountBilledCents, sum)
		}
		report.TotalCents[month] = sum
	}
	for _, id := range slices.Sorted(maps.Keys(orgs)) {
		org := orgs[id]
		org.ProjectedCents = Project(org.Cents[report.Pending], report.Elapsed, report.Period)
		report.Orgs = append(report.Orgs, *org)
	}
	slices.SortStableFunc(report.Orgs, func(a, b Org) int {
		return cmp.Or(cmp.Compare(a.rank(), b.rank()), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Name, b.Name))
	})
	return report, nil
}

// rank orders the report's rows: the paying organization, then the stack's
// organizations, then the others.
func (o Org) rank() int {
	switch {
	case o.Paying:
		return 0
	case o.Key != "":
		return 1
	}
	return 2
}

// Project is a month-to-date charge carried on at the same rate to the
// period's end, rounded down to the cent, in integers.
func Project(cents int64, elapsed, period time.Duration) int64 {
	if elapsed <= 0 {
		return cents
	}
	return cents * int64(period/time.Second) / int64(elapsed/time.Second)
}

// Label names an organization for people: its key and name, or its name
// alone when the stack does not manage it, or its ID when nothing is known.
func (o Org) Label() string {
	switch {
	case o.Key != "" && o.Name != "":
		return o.Key + " (" + o.Name + ")"
	case o.Key != "":
		return o.Key
	case o.Name != "":
		return o.Name
	}
	return o.ID
}

// Change is the month-over-month change of the last two closed months, in
// cents, with the earlier month's charge, and whether there were two.
func (o Org) Change(r Report) (delta, previous int64, ok bool) {
	closed := r.Months[:len(r.Months)-1]
	if len(closed) < 2 {
		return 0, 0, false
	}
	previous = o.Cents[closed[len(closed)-2]]
	return o.Cents[closed[len(closed)-1]] - previous, previous, true
}
