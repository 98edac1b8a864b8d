package atlasapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
)

// LinkedOrganization is an organization linked to a paying organization for
// cross-organization billing. Name is "" when the credential may not read it.
type LinkedOrganization struct {
	ID   string `json:"orgId"`
	Name string `json:"name"`
}

// linkedReaders bounds the organization reads LinkedOrganizations makes at
// once.
const linkedReaders = 8

// LinkedOrganizations lists the organizations linked to the paying
// organization: those its pending invoice links (Atlas links every new
// organization to the paying organization whose credential created it, and
// bills it from then on), sorted by ID. Each is then read for its name; an
// organization the credential may not read (403, or 404 once deleted) keeps
// an empty name, and the others still come back.
func (c *Client) LinkedOrganizations(ctx context.Context, payingOrgID string) ([]LinkedOrganization, error) {
	var page struct {
		Results []Invoice `json:"results"`
	}
	if err := c.get(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(payingOrgID)+"/invoices/pending", &page); err != nil {
		return nil, fmt.Errorf("reading the pending invoice of paying organization %s: %w", payingOrgID, err)
	}
	seen := map[string]bool{}
	var linked []LinkedOrganization
	for _, inv := range page.Results {
		for _, l := range inv.LinkedInvoices {
			if l.OrgID != "" && l.OrgID != payingOrgID && !seen[l.OrgID] {
				seen[l.OrgID] = true
				linked = append(linked, LinkedOrganization{ID: l.OrgID})
			}
		}
	}
	slices.SortFunc(linked, func(a, b LinkedOrganization) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	var (
		wg    sync.WaitGroup
		slots = make(chan struct{}, linkedReaders)
		mu    sync.Mutex
		first error
	)
	for i := range linked {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			var org Organization
			err := c.get(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(linked[i].ID), &org)
			var apiErr *APIError
			switch {
			case err == nil:
				linked[i].Name = org.Name
			case errors.As(err, &apiErr) && (apiErr.Status == http.StatusForbidden || apiErr.Status == http.StatusNotFound):
			default:
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("reading linked organization %s: %w", linked[i].ID, err)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return linked, nil
}
