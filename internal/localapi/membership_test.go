package localapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProviderConversationMembers replays what the provider 4.14.0 does for
// CloudUserOrgAssignment, Team and CloudUserTeamAssignment: invite, read,
// change the roles, create and rename a team, add and remove a member,
// list the team's members at both versions, and remove the person.
func TestProviderConversationMembers(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-people")
	org := "/api/atlas/v2/orgs/" + created.Organization.ID
	const users = MediaTypeUsers

	var ada map[string]any
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", users,
		map[string]any{"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_OWNER"}}}, &ada))
	assert.Equal(t, "PENDING", ada["orgMembershipStatus"], "an invitation waits to be accepted")
	id := ada["id"].(string)
	assert.Equal(t, http.StatusConflict, own.do(http.MethodPost, org+"/users", users,
		map[string]any{"username": "ADA@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, nil), "invited once")
	assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPost, org+"/users", users,
		map[string]any{"username": "grace@example.com", "roles": map[string]any{"orgRoles": []string{}}}, nil), "at least one role")
	assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPost, org+"/users", users,
		map[string]any{"username": "grace", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, nil), "an email")

	var read map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/users/"+id, users, nil, &read))
	assert.Equal(t, "ada@example.com", read["username"])
	var byName struct{ Results []map[string]any }
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/users?username=ada@example.com&itemsPerPage=100&pageNum=1&includeCount=true", users, nil, &byName))
	require.Len(t, byName.Results, 1)
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, org+"/users/"+id, users,
		map[string]any{"roles": map[string]any{"orgRoles": []string{"ORG_OWNER", "ORG_BILLING_ADMIN"}}}, &read))
	assert.Equal(t, map[string]any{"orgRoles": []any{"ORG_OWNER", "ORG_BILLING_ADMIN"}, "groupRoleAssignments": []any{}}, read["roles"])

	var team map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "Platform Team", "usernames": nil}, &team))
	teamPath := org + "/teams/" + team["id"].(string)
	assert.Equal(t, http.StatusConflict, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "platform team"}, nil), "names are unique, ignoring case")
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, teamPath, orgs, map[string]any{"name": "Platform Engineers"}, &team))
	assert.Equal(t, "Platform Engineers", team["name"])

	require.Equal(t, http.StatusOK, own.do(http.MethodPost, teamPath+":addUser", users, map[string]any{"id": id}, &read))
	assert.Equal(t, []any{team["id"]}, read["teamIds"])
	assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPost, teamPath+":addUser", users, map[string]any{"id": "64b1c2d3e4f5a6b7c8d9e0f1"}, nil), "only members join teams")
	var members struct{ Results []map[string]any }
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, teamPath+"/users?itemsPerPage=100&pageNum=1&userId="+id, users, nil, &members))
	assert.Len(t, members.Results, 1, "pending members are listed at 2025-02-19")
	// The 2023-01-01 version, which Team reads, is in the older SDK's
	// specification only, so this answer is not checked against this one.
	unchecked := &client{h: h, http: http.DefaultClient, token: own.token}
	require.Equal(t, http.StatusOK, unchecked.do(http.MethodGet, teamPath+"/users?itemsPerPage=100&pageNum=1", orgs, nil, &members))
	assert.Empty(t, members.Results, "the deprecated version lists active members only")

	require.Equal(t, http.StatusOK, own.do(http.MethodPost, teamPath+":removeUser", users, map[string]any{"id": id}, nil))
	assert.Equal(t, http.StatusNotFound, own.do(http.MethodPost, teamPath+":removeUser", users, map[string]any{"id": id}, nil), "404 once gone, which the provider takes as done")
	require.Equal(t, http.StatusNoContent, own.do(http.MethodDelete, org+"/users/"+id, users, nil, nil))
	assert.Equal(t, http.StatusNotFound, own.do(http.MethodGet, org+"/users/"+id, users, nil, nil), "404 drops it from the state")
	require.Equal(t, http.StatusNoContent, own.do(http.MethodDelete, teamPath, orgs, nil, nil))
	assert.Equal(t, http.StatusNotFound, own.do(http.MethodGet, teamPath, orgs, nil, nil))
	assert.Equal(t, http.StatusForbidden, h.admin().do(http.MethodGet, org+"/users", users, nil, nil), "the paying organization is not a member")
}
