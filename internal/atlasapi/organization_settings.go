package atlasapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// DelegationMediaType is the versioned media type of an organization's
// delegation settings, the only one the specification gives them.
const DelegationMediaType = "application/vnd.atlas.2025-03-12+json"

// ResourcePoliciesMediaType is the versioned media type of the resource
// policies family, the non-compliance listing among them.
const ResourcePoliciesMediaType = "application/vnd.atlas.2024-08-05+json"

// PluginSettings are the settings of GET and PATCH /orgs/{orgId}/settings
// that provider 4.14.0 does not know, which the package's own plugin
// manages (OrganizationSettings). Each is nil while Atlas leaves it unset,
// at its default.
type PluginSettings struct {
	// CustomSessionTimeouts are the session timeouts of the organization's
	// people; nil while both are Atlas' defaults.
	CustomSessionTimeouts                  *SessionTimeouts `json:"customSessionTimeouts"`
	MaxServiceAccountSecretValidityInHours *int             `json:"maxServiceAccountSecretValidityInHours"`
	OperationsContact                      *string          `json:"operationsContact"`
	StreamsCrossGroupEnabled               *bool            `json:"streamsCrossGroupEnabled"`
}

// SessionTimeouts are an organization's custom session timeouts, each nil
// while Atlas' default applies (12 hours absolute, no idle timeout).
type SessionTimeouts struct {
	AbsoluteSessionTimeoutInSeconds *int `json:"absoluteSessionTimeoutInSeconds,omitempty"`
	IdleSessionTimeoutInSeconds     *int `json:"idleSessionTimeoutInSeconds,omitempty"`
}

// DelegationSettings are an organization's delegated-access settings; a nil
// lifetime is the system default.
type DelegationSettings struct {
	DelegatedMcpAccess          string `json:"delegatedMcpAccess"`
	DelegatedPartnerAccess      string `json:"delegatedPartnerAccess"`
	IdleRefreshTokenLifetime    *int64 `json:"idleRefreshTokenLifetime"`
	MaximumRefreshTokenLifetime *int64 `json:"maximumRefreshTokenLifetime"`
}

// NonCompliantResource is a resource Atlas reports as breaking resource
// policies of its organization.
type NonCompliantResource struct {
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
	ResourceType string `json:"resourceType"`
	// Policies are the resource policies it breaks.
	Policies []struct {
		ID   string `json:"resourcePolicyId"`
		Name string `json:"resourcePolicyName"`
	} `json:"resourcePoliciesCausingNonCompliance"`
}

// OrganizationPluginSettings reads an organization's settings that
// provider 4.14.0 does not know.
func (c *Client) OrganizationPluginSettings(ctx context.Context, orgID string) (PluginSettings, error) {
	var s PluginSettings
	if err := c.get(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/settings", &s); err != nil {
		return PluginSettings{}, fmt.Errorf("reading the settings of organization %s: %w", orgID, err)
	}
	return s, nil
}

// UpdateOrganizationPluginSettings PATCHes the fields of patch, by their
// Admin API names, into an organization's settings and returns those
// provider 4.14.0 does not know as Atlas answers: the others stay as they
// are, and a nil value (JSON null) sets a field back to Atlas' default.
func (c *Client) UpdateOrganizationPluginSettings(ctx context.Context, orgID string, patch map[string]any) (PluginSettings, error) {
	var s PluginSettings
	if err := c.patch(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/settings", MediaType, patch, &s); err != nil {
		return PluginSettings{}, fmt.Errorf("changing the settings of organization %s: %w", orgID, err)
	}
	return s, nil
}

// DelegationSettings reads an organization's delegation settings.
func (c *Client) DelegationSettings(ctx context.Context, orgID string) (DelegationSettings, error) {
	var d DelegationSettings
	if err := c.getAs(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/delegationSettings", DelegationMediaType, &d); err != nil {
		return DelegationSettings{}, fmt.Errorf("reading the delegation settings of organization %s: %w", orgID, err)
	}
	return d, nil
}

// UpdateDelegationSettings PATCHes the fields of patch into an
// organization's delegation settings, as UpdateOrganizationSettings does.
func (c *Client) UpdateDelegationSettings(ctx context.Context, orgID string, patch map[string]any) (DelegationSettings, error) {
	var d DelegationSettings
	if err := c.patch(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/delegationSettings", DelegationMediaType, patch, &d); err != nil {
		return DelegationSettings{}, fmt.Errorf("changing the delegation settings of organization %s: %w", orgID, err)
	}
	return d, nil
}

// NonCompliantResources lists the resources of an organization that Atlas
// reports as breaking its resource policies.
func (c *Client) NonCompliantResources(ctx context.Context, orgID string) ([]NonCompliantResource, error) {
	var all []NonCompliantResource
	if err := c.getAs(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/nonCompliantResources", ResourcePoliciesMediaType, &all); err != nil {
		return nil, fmt.Errorf("listing the non-compliant resources of organization %s: %w", orgID, err)
	}
	return all, nil
}

// patch sends a PATCH of body, which sets values and so may be retried.
func (c *Client) patch(ctx context.Context, path, media string, body map[string]any, into any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	return c.call(ctx, http.MethodPatch, path, media, raw, into)
}
