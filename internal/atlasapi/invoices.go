package atlasapi

import (
	"context"
	"net/url"
	"time"
)

// Invoice is an organization's monthly invoice (BillingInvoiceMetadata):
// amounts in cents, as Atlas reports them.
type Invoice struct {
	ID                string    `json:"id"`
	OrgID             string    `json:"orgId"`
	StatusName        string    `json:"statusName"`
	StartDate         time.Time `json:"startDate"`
	EndDate           time.Time `json:"endDate"`
	SubtotalCents     int64     `json:"subtotalCents"`
	AmountBilledCents int64     `json:"amountBilledCents"`
	// LinkedInvoices are the invoices of the organizations linked to this
	// one for cross-organization billing, for the same period.
	LinkedInvoices []Invoice `json:"linkedInvoices"`
}

// ListInvoices returns every invoice of the organization, the pending one
// of the current period among them, with their linked invoices, reading
// every page.
func (c *Client) ListInvoices(ctx context.Context, orgID string) ([]Invoice, error) {
	return listAll[Invoice](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/invoices", MediaType,
		url.Values{"viewLinkedInvoices": {"true"}}, "listing the invoices of organization "+orgID)
}
