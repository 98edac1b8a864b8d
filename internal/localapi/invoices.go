package localapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"time"
)

// InvoiceMonths is how many closed monthly invoices each organization has,
// before its pending one.
const InvoiceMonths = 6

// invoice is one monthly invoice. Nothing is stored: an organization's
// invoices are a function of its ID, the paying organization's links and the
// clock, so a new state has a history at once and the same state always
// answers the same amounts.
type invoice struct {
	ID            string
	OrgID         string
	Start, End    time.Time
	Status        string
	SubtotalCents int64
	Linked        []invoice
}

// amountBilled is what the invoice bills: its own charges and those of the
// invoices linked to it (cross-organization billing).
func (i invoice) amountBilled() int64 {
	total := i.SubtotalCents
	for _, l := range i.Linked {
		total += l.SubtotalCents
	}
	return total
}

// monthlyCents is an organization's deterministic charge for a whole month:
// $20 to $500 at its base, moved by a steady trend of up to 2.5% a month
// over a yearly cycle (so never below 72% of the base, $14.40), so that a
// chart shows growth and decline.
func monthlyCents(orgID string, month time.Time) int64 {
	seed := sha256.Sum256([]byte(orgID))
	base := 2000 + int64(binary.BigEndian.Uint32(seed[:4])%48000)
	trend := int64(seed[4]%11) - 5 // -5..+5 half-percent per month
	monthsSinceEpoch := int64(month.Year()*12 + int(month.Month()))
	noise := sha256.Sum256([]byte(orgID + month.Format("2006-01")))
	percent := 200 + trend*(monthsSinceEpoch%12) // in half-percent
	return base*percent/200 + int64(binary.BigEndian.Uint16(noise[:2])%1000)
}

// invoicesOf are org's invoices, oldest first: InvoiceMonths closed months
// and the pending one of the current month, which holds the charges so far.
// A paying organization's invoices link those of the organizations linked
// to it.
func (s *Server) invoicesOf(org *Org) []invoice {
	now := s.now().UTC()
	current := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var linked []*Org
	for _, id := range sortedKeys(s.state.Orgs) {
		if o := s.state.Orgs[id]; org.Paying && o.PayingOrgID == org.ID && o != org {
			linked = append(linked, o)
		}
	}
	var all []invoice
	for back := InvoiceMonths; back >= 0; back-- {
		start := current.AddDate(0, -back, 0)
		end := start.AddDate(0, 1, 0)
		charge := func(o *Org) invoice {
			cents := monthlyCents(o.ID, start)
			status := "PAID"
			if back == 0 {
				status = "PENDING"
				// Month to date, in whole cents.
				cents = cents * int64(now.Sub(start)/time.Second) / int64(end.Sub(start)/time.Second)
			}
			id := sha256.Sum256([]byte(o.ID + "/" + start.Format("2006-01")))
			return invoice{ID: hex.EncodeToString(id[:12]), OrgID: o.ID, Start: start, End: end, Status: status, SubtotalCents: cents}
		}
		inv := charge(org)
		for _, o := range linked {
			inv.Linked = append(inv.Linked, charge(o))
		}
		all = append(all, inv)
	}
	return all
}

// invoiceJSON is the specification's BillingInvoiceMetadata, or with
// lineItems the whole BillingInvoice.
func invoiceJSON(i invoice, linked, lineItems bool) map[string]any {
	body := map[string]any{
		"id": i.ID, "orgId": i.OrgID, "statusName": i.Status,
		"startDate": i.Start.Format(time.RFC3339), "endDate": i.End.Format(time.RFC3339),
		"created": i.Start.Format(time.RFC3339), "updated": i.End.Format(time.RFC3339),
		"subtotalCents": i.SubtotalCents, "amountBilledCents": i.amountBilled(), "amountPaidCents": int64(0),
		"creditsCents": int64(0), "salesTaxCents": int64(0), "startingBalanceCents": int64(0), "links": []any{},
	}
	if i.Status == "PAID" {
		body["amountPaidCents"] = i.amountBilled()
	}
	if linked {
		items := []map[string]any{}
		for _, l := range i.Linked {
			items = append(items, invoiceJSON(l, false, lineItems))
		}
		body["linkedInvoices"] = items
	}
	if lineItems {
		body["lineItems"] = []map[string]any{{
			"sku": "ATLAS_AWS_INSTANCE_M10", "quantity": 1, "totalPriceCents": i.SubtotalCents,
			"startDate": i.Start.Format(time.RFC3339), "endDate": i.End.Format(time.RFC3339), "created": i.Start.Format(time.RFC3339),
		}}
		body["payments"], body["refunds"] = []any{}, []any{}
	}
	return body
}

// listInvoices is listInvoices: the organization's invoices, newest first,
// with their linked invoices unless viewLinkedInvoices=false.
func (s *Server) listInvoices(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	linked := r.URL.Query().Get("viewLinkedInvoices") != "false"
	all := s.invoicesOf(org)
	results := make([]map[string]any, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		results = append(results, invoiceJSON(all[i], linked, false))
	}
	return page(w, r, results)
}

// getInvoice is getInvoice: one invoice, whole.
func (s *Server) getInvoice(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	for _, inv := range s.invoicesOf(org) {
		if inv.ID == r.PathValue("invoiceId") {
			return writeJSON(w, http.StatusOK, invoiceJSON(inv, true, true))
		}
	}
	return fail(http.StatusNotFound, "INVOICE_NOT_FOUND", "No invoice with ID %s exists in organization %s.", r.PathValue("invoiceId"), org.ID)
}

// getPendingInvoice is getPendingInvoice: the current month's, whole, as
// the specification answers it: a page (PaginatedApiInvoice) of one.
func (s *Server) getPendingInvoice(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	all := s.invoicesOf(org)
	return page(w, r, []map[string]any{invoiceJSON(all[len(all)-1], true, true)})
}
