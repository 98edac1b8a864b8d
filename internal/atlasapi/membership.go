package atlasapi

import (
	"context"
	"net/url"
)

// UsersMediaType is the media type of the organization users endpoint, at
// the version the provider 4.14.0 sends for CloudUserOrgAssignment.
const UsersMediaType = "application/vnd.atlas.2025-02-19+json"

// OrgUser is a person in an organization: active, or invited and pending.
type OrgUser struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	// OrgMembershipStatus is ACTIVE or PENDING.
	OrgMembershipStatus string `json:"orgMembershipStatus"`
	Roles               struct {
		OrgRoles []string `json:"orgRoles"`
	} `json:"roles"`
	TeamIDs []string `json:"teamIds"`
}

// Team is a team of an organization.
type Team struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// OrganizationUsers returns every person in the organization, invited ones
// among them, reading every page.
func (c *Client) OrganizationUsers(ctx context.Context, orgID string) ([]OrgUser, error) {
	return listAll[OrgUser](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/users", UsersMediaType, nil,
		"listing the users of organization "+orgID)
}

// OrganizationTeams returns every team of the organization, reading every page.
func (c *Client) OrganizationTeams(ctx context.Context, orgID string) ([]Team, error) {
	return listAll[Team](ctx, c, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/teams", MediaType, nil,
		"listing the teams of organization "+orgID)
}
