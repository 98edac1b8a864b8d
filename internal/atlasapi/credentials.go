package atlasapi

import (
	"context"
	"net/url"
	"time"
)

// ServiceAccountsMediaType is the media type of the service account
// endpoints, at the version the provider 4.14.0 sends.
const ServiceAccountsMediaType = "application/vnd.atlas.2024-08-05+json"

// APIKey is an organization's API key, without its private key.
type APIKey struct {
	ID          string `json:"id"`
	Description string `json:"desc"`
	PublicKey   string `json:"publicKey"`
	Roles       []struct {
		OrgID    string `json:"orgId"`
		RoleName string `json:"roleName"`
	} `json:"roles"`
}

// OrgRoles are the key's roles in orgID.
func (k APIKey) OrgRoles(orgID string) []string {
	var roles []string
	for _, r := range k.Roles {
		if r.OrgID == orgID || r.OrgID == "" {
			roles = append(roles, r.RoleName)
		}
	}
	return roles
}

// ServiceAccount is an organization's service account, its secrets masked.
type ServiceAccount struct {
	ClientID    string                 `json:"clientId"`
	Name        string                 `json:"name"`
	Description string                 `json:"description"`
	Roles       []string               `json:"roles"`
	Secrets     []ServiceAccountSecret `json:"secrets"`
}

// ServiceAccountSecret is one secret of a service account: when it was
// made and when it expires, never its value.
type ServiceAccountSecret struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// AccessListEntry is one entry of an API key's or a service account's API
// access list.
type AccessListEntry struct {
	IPAddress string `json:"ipAddress"`
	CIDRBlock string `json:"cidrBlock"`
}

// OrganizationAPIKeys returns every API key of the organization.
func (c *Client) OrganizationAPIKeys(ctx context.Context, orgID string) ([]APIKey, error) {
	return listAll[APIKey](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/apiKeys", MediaType, nil,
		"listing the API keys of organization "+orgID)
}

// APIKeyAccessList returns the API access list of an organization's API key
// (by its ID).
func (c *Client) APIKeyAccessList(ctx context.Context, orgID, keyID string) ([]AccessListEntry, error) {
	return listAll[AccessListEntry](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/apiKeys/"+url.PathEscape(keyID)+"/accessList", MediaType, nil,
		"listing the access list of API key "+keyID+" of organization "+orgID)
}

// OrganizationServiceAccounts returns every service account of the
// organization, each with its secrets' dates.
func (c *Client) OrganizationServiceAccounts(ctx context.Context, orgID string) ([]ServiceAccount, error) {
	return listAll[ServiceAccount](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/serviceAccounts", ServiceAccountsMediaType, nil,
		"listing the service accounts of organization "+orgID)
}

// ServiceAccountAccessList returns the API access list of an organization's
// service account.
func (c *Client) ServiceAccountAccessList(ctx context.Context, orgID, clientID string) ([]AccessListEntry, error) {
	return listAll[AccessListEntry](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/serviceAccounts/"+url.PathEscape(clientID)+"/accessList",
		ServiceAccountsMediaType, nil, "listing the access list of service account "+clientID+" of organization "+orgID)
}
