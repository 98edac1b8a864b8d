package atlasapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// Organization reads one organization (GET /orgs/{orgId}).
func (c *Client) Organization(ctx context.Context, orgID string) (Organization, error) {
	var org Organization
	if err := c.get(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID), &org); err != nil {
		return Organization{}, fmt.Errorf("reading organization %s: %w", orgID, err)
	}
	return org, nil
}

// IsRefused reports an answer that refuses the credential itself: a 401, or
// a refused token request (OAuth2 allows a 400 for invalid_client too). That
// is a service account whose client ID or secret Atlas no longer has, or an
// API key it no longer has. A credential that is known but lacks a role is a
// 403, not this.
func IsRefused(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && (apiErr.Status == http.StatusUnauthorized || apiErr.token)
}

// IsNotFound reports a 404: what was asked for does not exist.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}

// IsForbidden reports a 403: the credential is known and may not do this.
func IsForbidden(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden
}
