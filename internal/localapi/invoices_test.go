package localapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type invoiceBody struct {
	ID                string        `json:"id"`
	OrgID             string        `json:"orgId"`
	StatusName        string        `json:"statusName"`
	StartDate         string        `json:"startDate"`
	SubtotalCents     int64         `json:"subtotalCents"`
	AmountBilledCents int64         `json:"amountBilledCents"`
	LinkedInvoices    []invoiceBody `json:"linkedInvoices"`
	LineItems         []struct {
		TotalPriceCents int64 `json:"totalPriceCents"`
	} `json:"lineItems"`
}

func TestInvoicesOfThePayingOrganization(t *testing.T) {
	h := start(t, t.TempDir(), false)
	a, own := h.createServiceAccountOrg("acme-a")
	b, _ := h.createServiceAccountOrg("acme-b")
	admin := h.admin()

	var list struct {
		Results    []invoiceBody `json:"results"`
		TotalCount int           `json:"totalCount"`
	}
	require.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices", orgs, nil, &list))
	require.Len(t, list.Results, InvoiceMonths+1)
	assert.Equal(t, InvoiceMonths+1, list.TotalCount)
	pending := list.Results[0]
	assert.Equal(t, "PENDING", pending.StatusName, "newest first")
	assert.Equal(t, "2026-11-01T00:00:00Z", pending.StartDate)
	for _, inv := range list.Results {
		require.Len(t, inv.LinkedInvoices, 2, "one linked invoice per linked organization")
		assert.ElementsMatch(t, []string{a.Organization.ID, b.Organization.ID}, []string{inv.LinkedInvoices[0].OrgID, inv.LinkedInvoices[1].OrgID})
		assert.Equal(t, inv.SubtotalCents+inv.LinkedInvoices[0].SubtotalCents+inv.LinkedInvoices[1].SubtotalCents, inv.AmountBilledCents,
			"the paying organization is billed its own charges and its linked organizations'")
		assert.Positive(t, inv.SubtotalCents)
	}
	assert.Equal(t, "PAID", list.Results[1].StatusName)

	var again struct {
		Results []invoiceBody `json:"results"`
	}
	require.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices", orgs, nil, &again))
	assert.Equal(t, list.Results, again.Results, "deterministic")

	var one invoiceBody
	require.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices/"+list.Results[2].ID, orgs, nil, &one))
	assert.Equal(t, list.Results[2].AmountBilledCents, one.AmountBilledCents)
	require.Len(t, one.LineItems, 1)
	assert.Equal(t, one.SubtotalCents, one.LineItems[0].TotalPriceCents)

	var linkedOnly struct {
		Results []invoiceBody `json:"results"`
	}
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+a.Organization.ID+"/invoices", orgs, nil, &linkedOnly))
	require.Len(t, linkedOnly.Results, InvoiceMonths+1)
	assert.Empty(t, linkedOnly.Results[0].LinkedInvoices, "a linked organization's own invoices link nothing")
	assert.Equal(t, http.StatusNotFound, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices/"+"0123456789abcdef01234567", orgs, nil, nil))
	assert.Equal(t, http.StatusForbidden, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices", orgs, nil, nil))
	// The pending invoice grows with the month.
	var early, later struct {
		Results []invoiceBody `json:"results"`
	}
	require.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices/pending", orgs, nil, &early))
	h.clock.Add(72 * time.Hour)
	require.Equal(t, http.StatusOK, h.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/invoices/pending", orgs, nil, &later))
	require.Len(t, early.Results, 1)
	require.Len(t, later.Results, 1)
	assert.Greater(t, later.Results[0].SubtotalCents, early.Results[0].SubtotalCents)
	assert.Equal(t, early.Results[0].ID, later.Results[0].ID)

}

// TestMonthlyChargesStayInTheirRange: whatever the organization, a whole
// month costs at least $14.40 (what the budget tests rely on) and at most
// $680, through a whole trend cycle.
func TestMonthlyChargesStayInTheirRange(t *testing.T) {
	for i := range 200 {
		id := newID()
		for m := range 24 {
			cents := monthlyCents(id, time.Date(2026, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC))
			require.GreaterOrEqual(t, cents, int64(1440), "org %d month %d", i, m)
			require.LessOrEqual(t, cents, int64(68000), "org %d month %d", i, m)
		}
	}
}
