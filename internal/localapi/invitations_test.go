package localapi

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestThePeopleRoutesTheProviderCalls: the routes the provider 4.14.0 calls
// for teams, people, invitations and a service account's projects, which
// atlas-local answered 404 before, answer as Atlas does; each at its
// version, and each 404 in Atlas' error body.
func TestThePeopleRoutesTheProviderCalls(t *testing.T) {
	h := startWithConsole(t)
	created, own := h.createServiceAccountOrg("acme-people")
	orgID := created.Organization.ID
	org := "/api/atlas/v2/orgs/" + orgID
	var team map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "Platform Team"}, &team))
	teamID := team["id"].(string)
	var ada, bob map[string]any
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", MediaTypeUsers,
		map[string]any{"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}, "teamIds": []string{teamID}}, &ada))
	assert.Equal(t, []any{teamID}, ada["teamIds"], "createOrgUser's teamIds are kept")
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, "/local/console/orgs/"+orgID+"/users/ada@example.com/accept", nil))
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", MediaTypeUsers,
		map[string]any{"username": "bob@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, &bob))
	var project map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "p1", "orgId": orgID}, &project))
	projectID := project["id"].(string)
	for _, who := range []string{"ada@example.com", "bob@example.com"} {
		require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/groups/"+projectID+"/users", MediaTypeUsers,
			map[string]any{"username": who, "roles": []string{"GROUP_READ_ONLY"}}, nil))
	}
	clientID := created.ServiceAccount.ClientID
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups/"+projectID+"/serviceAccounts/"+clientID+":invite", sas,
		map[string]any{"roles": []string{"GROUP_READ_ONLY"}}, nil))

	// CloudAppUser is the specification's request and answer at once: it
	// requires a password, which Atlas never returns, and its mobile
	// number's pattern is escaped twice, so no number matches it. Those
	// answers are checked field by field here instead.
	accounts := own.unchecked()
	cases := []struct {
		name, path, media string
		caller            *client
		status            int
		want              map[string]any // fields of the answer
	}{
		{"a team by name, ignoring case", org + "/teams/byName/" + url.PathEscape("platform team"), orgs, own, http.StatusOK,
			map[string]any{"id": teamID, "name": "Platform Team"}},
		{"no team of that name", org + "/teams/byName/nobody", orgs, own, http.StatusNotFound, map[string]any{"errorCode": "TEAM_NAME_NOT_FOUND"}},
		{"a team by name needs the 2023-01-01 version", org + "/teams/byName/nobody", MediaTypeUsers, own.unchecked(), http.StatusNotAcceptable, nil},
		{"a person who accepted, by username", "/api/atlas/v2/users/byName/ada@example.com", orgs, accounts, http.StatusOK,
			map[string]any{"id": ada["id"], "username": "ada@example.com", "teamIds": []any{teamID},
				"roles": []any{map[string]any{"orgId": orgID, "roleName": "ORG_MEMBER"}, map[string]any{"groupId": projectID, "roleName": "GROUP_READ_ONLY"}}}},
		{"the same person by ID", "/api/atlas/v2/users/" + ada["id"].(string), orgs, accounts, http.StatusOK, map[string]any{"username": "ada@example.com"}},
		{"someone invited has no account yet", "/api/atlas/v2/users/byName/bob@example.com", orgs, own, http.StatusNotFound,
			map[string]any{"errorCode": "USER_NOT_FOUND"}},
		{"a service account's projects", org + "/serviceAccounts/" + clientID + "/groups", sas, own, http.StatusOK,
			map[string]any{"totalCount": float64(1), "results": []any{map[string]any{"groupId": projectID, "roles": []any{"GROUP_READ_ONLY"}}}}},
		{"an unknown service account's projects", org + "/serviceAccounts/mdb_sa_id_000000000000000000000000/groups", sas, own, http.StatusNotFound,
			map[string]any{"errorCode": "SERVICE_ACCOUNT_NOT_FOUND"}},
		{"the invitation of someone pending", org + "/invites/" + bob["id"].(string), orgs, own, http.StatusOK,
			map[string]any{"username": "bob@example.com", "orgId": orgID, "orgName": "acme-people", "roles": []any{"ORG_MEMBER"}}},
		{"an accepted invitation is gone", org + "/invites/" + ada["id"].(string), orgs, own, http.StatusNotFound,
			map[string]any{"errorCode": "INVITATION_NOT_FOUND"}},
		{"a team at v1.0, as the provider's tests check a destroy", "/api/atlas/v1.0/orgs/" + orgID + "/teams/" + teamID, "application/json", own, http.StatusOK,
			map[string]any{"id": teamID}},
		{"a project's people at 2023-01-01: active ones only (its owner and ada, not bob)", "/api/atlas/v2/groups/" + projectID + "/users", orgs, accounts, http.StatusOK,
			map[string]any{"totalCount": float64(2)}},
		{"another organization's team is not the caller's", "/api/atlas/v2/orgs/" + h.seed.PayingOrgID + "/teams/byName/x", orgs, own, http.StatusForbidden, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got map[string]any
			require.Equal(t, tc.status, tc.caller.do(http.MethodGet, tc.path, tc.media, nil, &got))
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], k)
			}
		})
	}
}

// TestAnInvitationIsAPendingOrgUser: the deprecated invitations and the
// 2025-02-19 organization users are one thing in Atlas; an invitation made,
// changed or deleted through one shows in the other.
func TestAnInvitationIsAPendingOrgUser(t *testing.T) {
	h := startWithConsole(t)
	created, own := h.createServiceAccountOrg("acme-invites")
	orgID := created.Organization.ID
	org := "/api/atlas/v2/orgs/" + orgID
	var t1, t2 map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "one"}, &t1))
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "two"}, &t2))

	var inv map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/invites", orgs,
		map[string]any{"username": "cy@example.com", "roles": []string{"ORG_MEMBER", "ORG_GROUP_CREATOR"}, "teamIds": []string{t1["id"].(string), t2["id"].(string)}}, &inv))
	id := inv["id"].(string)

	steps := []struct {
		name            string
		method, path    string
		body            any
		status          int
		wantUser        int // status of GET .../users/{id} afterwards
		wantTeams, want []any
	}{
		{"created: a pending org user with its teams", http.MethodGet, org + "/invites/" + id, nil, http.StatusOK, http.StatusOK,
			[]any{t1["id"], t2["id"]}, []any{"ORG_MEMBER", "ORG_GROUP_CREATOR"}},
		{"invited twice", http.MethodPost, org + "/invites", map[string]any{"username": "CY@example.com", "roles": []string{"ORG_MEMBER"}},
			http.StatusConflict, http.StatusOK, []any{t1["id"], t2["id"]}, []any{"ORG_MEMBER", "ORG_GROUP_CREATOR"}},
		{"an unknown team", http.MethodPost, org + "/invites", map[string]any{"username": "dee@example.com", "roles": []string{"ORG_MEMBER"}, "teamIds": []string{"0123456789abcdef01234567"}},
			http.StatusNotFound, http.StatusOK, []any{t1["id"], t2["id"]}, []any{"ORG_MEMBER", "ORG_GROUP_CREATOR"}},
		{"changed by ID", http.MethodPatch, org + "/invites/" + id, map[string]any{"roles": []string{"ORG_READ_ONLY"}, "teamIds": []string{t2["id"].(string)}},
			http.StatusOK, http.StatusOK, []any{t2["id"]}, []any{"ORG_READ_ONLY"}},
		{"changed by username", http.MethodPatch, org + "/invites", map[string]any{"username": "cy@example.com", "roles": []string{"ORG_MEMBER"}},
			http.StatusOK, http.StatusOK, []any{t2["id"]}, []any{"ORG_MEMBER"}},
		{"deleted: the pending person is gone", http.MethodDelete, org + "/invites/" + id, nil, http.StatusNoContent, http.StatusNotFound, nil, nil},
		{"deleted twice", http.MethodDelete, org + "/invites/" + id, nil, http.StatusNotFound, http.StatusNotFound, nil, nil},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			require.Equal(t, step.status, own.do(step.method, step.path, orgs, step.body, nil))
			var user map[string]any
			require.Equal(t, step.wantUser, own.do(http.MethodGet, org+"/users/"+id, MediaTypeUsers, nil, &user))
			var list []map[string]any
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/invites?username=cy@example.com", orgs, nil, &list))
			if step.wantUser == http.StatusNotFound {
				assert.Empty(t, list)
				return
			}
			assert.Equal(t, "PENDING", user["orgMembershipStatus"])
			assert.ElementsMatch(t, step.wantTeams, user["teamIds"])
			assert.Equal(t, step.want, user["roles"].(map[string]any)["orgRoles"])
			require.Len(t, list, 1)
			assert.Equal(t, step.want, list[0]["roles"])
		})
	}
}

// TestTheTeamResourcesMemberRoutes: the deprecated addTeamUsers and
// removeUserFromTeam (2023-01-01), with which the Team resource changes its
// usernames, change the same members as :addUser and :removeUser.
func TestTheTeamResourcesMemberRoutes(t *testing.T) {
	h := startWithConsole(t)
	created, own := h.createServiceAccountOrg("acme-team-members")
	org := "/api/atlas/v2/orgs/" + created.Organization.ID
	var team, ada map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "Platform"}, &team))
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", MediaTypeUsers,
		map[string]any{"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, &ada))
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, "/local/console/orgs/"+created.Organization.ID+"/users/ada@example.com/accept", nil))
	teamPath, adaID := org+"/teams/"+team["id"].(string), ada["id"].(string)
	// CloudAppUser requires a password Atlas never returns: see TestThePeopleRoutesTheProviderCalls.
	deprecated := own.unchecked()

	steps := []struct {
		name, method, path string
		body               any
		status             int
		members            []string // the team's members at 2025-02-19 afterwards
	}{
		{"added", http.MethodPost, teamPath + "/users", []map[string]string{{"id": adaID}}, http.StatusOK, []string{"ada@example.com"}},
		{"added again: no change", http.MethodPost, teamPath + "/users", []map[string]string{{"id": adaID}}, http.StatusOK, []string{"ada@example.com"}},
		{"someone not in the organization", http.MethodPost, teamPath + "/users", []map[string]string{{"id": "0123456789abcdef01234567"}}, http.StatusBadRequest, []string{"ada@example.com"}},
		{"removed", http.MethodDelete, teamPath + "/users/" + adaID, nil, http.StatusNoContent, []string{}},
		{"removed again", http.MethodDelete, teamPath + "/users/" + adaID, nil, http.StatusNotFound, []string{}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			require.Equal(t, step.status, deprecated.do(step.method, step.path, orgs, step.body, nil))
			var list userList
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, teamPath+"/users", MediaTypeUsers, nil, &list))
			assert.Equal(t, step.members, usernames(list))
		})
	}
}
