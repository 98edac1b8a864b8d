package localapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const consoleToken = "console-secret"

// startWithConsole is start with the console signed in with consoleToken.
func startWithConsole(t *testing.T) *harness {
	t.Helper()
	c := &clock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	srv, seed, err := New(Options{DataDir: t.TempDir(), Now: c.Now, ConsoleToken: consoleToken})
	require.NoError(t, err)
	h := &harness{t: t, srv: srv, http: httptest.NewServer(srv), seed: seed, clock: c}
	t.Cleanup(h.http.Close)
	return h
}

// console calls a console route as the person at the UI would.
func (h *harness) console(method, path string, out any) int {
	h.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, h.http.URL+path, nil)
	require.NoError(h.t, err)
	req.Header.Set("Authorization", "Bearer "+consoleToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// unchecked is c without the specification's check, for the deprecated
// versions the specification no longer has.
func (c *client) unchecked() *client {
	return &client{h: c.h, http: http.DefaultClient, token: c.token, status: c.status}
}

type userList struct {
	Results    []map[string]any `json:"results"`
	TotalCount int              `json:"totalCount"`
}

func usernames(l userList) []string {
	names := []string{}
	for _, u := range l.Results {
		names = append(names, u["username"].(string))
	}
	return names
}

// TestOrgUsersListsTheOrganizationsPeople: the paying organization lists
// its seeded owner, an organization created with orgOwnerId that owner, and
// every list pages.
func TestOrgUsersListsTheOrganizationsPeople(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-people")
	child := "/api/atlas/v2/orgs/" + created.Organization.ID
	for _, email := range []string{"ada@example.com", "grace@example.com"} {
		require.Equal(t, http.StatusCreated, own.do(http.MethodPost, child+"/users", MediaTypeUsers,
			map[string]any{"username": email, "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, nil))
	}
	tests := map[string]struct {
		caller    *client
		path      string
		wantNames []string
		wantTotal int
	}{
		"the paying organization has its seeded owner": {h.admin(), "/api/atlas/v2/orgs/" + h.seed.PayingOrgID + "/users", []string{h.seed.OwnerUsername}, 1},
		"an organization created with orgOwnerId has that owner, then its invitees": {own, child + "/users",
			[]string{h.seed.OwnerUsername, "ada@example.com", "grace@example.com"}, 3},
		"paged":                 {own, child + "/users?itemsPerPage=2&pageNum=2", []string{"grace@example.com"}, 3},
		"filtered by username":  {own, child + "/users?username=" + strings.ToUpper(h.seed.OwnerUsername), []string{h.seed.OwnerUsername}, 1},
		"a page past the last":  {own, child + "/users?itemsPerPage=2&pageNum=3", []string{}, 3},
		"an invitee is not one": {own, child + "/users?username=nobody@example.com", []string{}, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var list userList
			require.Equal(t, http.StatusOK, tc.caller.do(http.MethodGet, tc.path, MediaTypeUsers, nil, &list))
			assert.Equal(t, tc.wantNames, usernames(list))
			assert.Equal(t, tc.wantTotal, list.TotalCount)
		})
	}

	t.Run("the owner is an active Organization Owner with an account", func(t *testing.T) {
		var owner map[string]any
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, child+"/users/"+h.seed.OwnerID, MediaTypeUsers, nil, &owner))
		assert.Equal(t, h.seed.OwnerID, owner["id"])
		assert.Equal(t, "ACTIVE", owner["orgMembershipStatus"])
		assert.Equal(t, map[string]any{"orgRoles": []any{"ORG_OWNER"}, "groupRoleAssignments": []any{}}, owner["roles"])
		assert.Equal(t, "2026-11-23T12:00:00Z", owner["createdAt"])
		assert.Equal(t, "2026-11-23T12:00:00Z", owner["lastAuth"])
		assert.NotContains(t, owner, "invitationCreatedAt", "no invitation: Atlas made them owner")
		assert.Equal(t, http.StatusConflict, own.do(http.MethodPost, child+"/users", MediaTypeUsers,
			map[string]any{"username": h.seed.OwnerUsername, "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, nil), "already a member")
	})
	t.Run("the owner's project roles are their groupRoleAssignments", func(t *testing.T) {
		var project map[string]any
		require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": created.Organization.ID}, &project))
		var owner map[string]any
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, child+"/users/"+h.seed.OwnerID, MediaTypeUsers, nil, &owner))
		assert.Equal(t, []any{map[string]any{"groupId": project["id"], "groupRoles": []any{"GROUP_OWNER"}}},
			owner["roles"].(map[string]any)["groupRoleAssignments"])
	})
	t.Run("an owner who leaves is gone, and the last one cannot", func(t *testing.T) {
		var grace userList
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, child+"/users?username=grace@example.com", MediaTypeUsers, nil, &grace))
		graceID := grace.Results[0]["id"].(string)
		var e map[string]any
		require.Equal(t, http.StatusBadRequest, own.do(http.MethodDelete, child+"/users/"+h.seed.OwnerID, MediaTypeUsers, nil, &e), "the only owner")
		assert.Equal(t, "LAST_ORG_OWNER", e["errorCode"])
		require.Equal(t, http.StatusOK, own.do(http.MethodPatch, child+"/users/"+graceID, MediaTypeUsers,
			map[string]any{"roles": map[string]any{"orgRoles": []string{"ORG_OWNER"}}}, nil))
		require.Equal(t, http.StatusNoContent, own.do(http.MethodDelete, child+"/users/"+h.seed.OwnerID, MediaTypeUsers, nil, nil))
		var list userList
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, child+"/users", MediaTypeUsers, nil, &list))
		assert.Equal(t, []string{"ada@example.com", "grace@example.com"}, usernames(list))
	})
}

// TestAnInvitationIsPendingUntilAccepted: an invitee is PENDING, a member of
// a team at 2025-02-19 (where the provider's CloudUserTeamAssignment reads
// it) but not at the deprecated 2023-01-01 (where its Team reads
// usernames); once they accept in the console, they are ACTIVE and in both.
func TestAnInvitationIsPendingUntilAccepted(t *testing.T) {
	h := startWithConsole(t)
	created, own := h.createServiceAccountOrg("acme-people")
	orgID := created.Organization.ID
	org := "/api/atlas/v2/orgs/" + orgID
	var ada map[string]any
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", MediaTypeUsers,
		map[string]any{"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, &ada))
	id := ada["id"].(string)
	var team map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "Platform"}, &team))
	teamPath := org + "/teams/" + team["id"].(string)
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, teamPath+":addUser", MediaTypeUsers, map[string]any{"id": id}, nil))

	listings := map[string]struct {
		caller      *client
		path, media string
		pending     []string // who it lists while ada's invitation waits
		accepted    []string // and once she accepted
	}{
		"team members at 2025-02-19, as CloudUserTeamAssignment reads them": {own, teamPath + "/users?userId=" + id, MediaTypeUsers,
			[]string{"ada@example.com"}, []string{"ada@example.com"}},
		"team members at 2023-01-01, as Team reads them": {own.unchecked(), teamPath + "/users", orgs, []string{}, []string{"ada@example.com"}},
		"org people at 2023-01-01: active only":          {own.unchecked(), org + "/users", orgs, []string{h.seed.OwnerUsername}, []string{h.seed.OwnerUsername, "ada@example.com"}},
		"org people at 2025-02-19: pending ones too":     {own, org + "/users", MediaTypeUsers, []string{h.seed.OwnerUsername, "ada@example.com"}, []string{h.seed.OwnerUsername, "ada@example.com"}},
	}
	check := func(accepted bool) {
		for name, tc := range listings {
			t.Run(name, func(t *testing.T) {
				var list userList
				require.Equal(t, http.StatusOK, tc.caller.do(http.MethodGet, tc.path, tc.media, nil, &list))
				want := tc.pending
				if accepted {
					want = tc.accepted
				}
				assert.Equal(t, want, usernames(list))
			})
		}
	}
	check(false)
	assert.Equal(t, "PENDING", ada["orgMembershipStatus"])
	h.clock.Add(30 * time.Minute)

	var accepted map[string]any
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, "/local/console/orgs/"+orgID+"/users/ada@example.com/accept", &accepted))
	assert.Equal(t, "ACTIVE", accepted["orgMembershipStatus"])
	check(true)
	var read map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/users/"+id, MediaTypeUsers, nil, &read))
	assert.Equal(t, "ACTIVE", read["orgMembershipStatus"])
	assert.Equal(t, "2026-11-23T12:30:00Z", read["lastAuth"], "she signed in to accept")
	assert.NotContains(t, read, "invitationExpiresAt")
	assert.Equal(t, []any{team["id"]}, read["teamIds"])

	refusals := map[string]struct {
		path   string
		status int
		code   string
	}{
		"no such person":       {"/local/console/orgs/" + orgID + "/users/nobody@example.com/accept", http.StatusNotFound, "USER_NOT_FOUND"},
		"no such organization": {"/local/console/orgs/" + strings.Repeat("0", 24) + "/users/" + id + "/accept", http.StatusNotFound, "ORG_NOT_FOUND"},
	}
	for name, tc := range refusals {
		t.Run(name, func(t *testing.T) {
			var e map[string]any
			assert.Equal(t, tc.status, h.console(http.MethodPost, tc.path, &e))
			assert.Equal(t, tc.code, e["errorCode"])
		})
	}
	t.Run("accepting twice changes nothing", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, h.console(http.MethodPost, "/local/console/orgs/"+orgID+"/users/"+id+"/accept", nil))
	})
	t.Run("an expired invitation cannot be accepted", func(t *testing.T) {
		require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", MediaTypeUsers,
			map[string]any{"username": "late@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, nil))
		h.clock.Add(invitationLifetime)
		var e map[string]any
		assert.Equal(t, http.StatusBadRequest, h.console(http.MethodPost, "/local/console/orgs/"+orgID+"/users/late@example.com/accept", &e))
		assert.Equal(t, "INVITATION_EXPIRED", e["errorCode"])
	})
	t.Run("a person has one user ID in every organization", func(t *testing.T) {
		other, otherOwn := h.createServiceAccountOrg("acme-other")
		var again map[string]any
		require.Equal(t, http.StatusCreated, otherOwn.do(http.MethodPost, "/api/atlas/v2/orgs/"+other.Organization.ID+"/users", MediaTypeUsers,
			map[string]any{"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, &again))
		assert.Equal(t, id, again["id"])
	})
}

// TestCreatingAnOrganizationNeedsARealOwner: orgOwnerId names a MongoDB
// Cloud user who is an active member of the caller's organization.
func TestCreatingAnOrganizationNeedsARealOwner(t *testing.T) {
	h := startWithConsole(t)
	admin := h.admin()
	paying := "/api/atlas/v2/orgs/" + h.seed.PayingOrgID
	var pending, accepted map[string]any
	require.Equal(t, http.StatusCreated, admin.do(http.MethodPost, paying+"/users", MediaTypeUsers,
		map[string]any{"username": "pending@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_OWNER"}}}, &pending))
	require.Equal(t, http.StatusCreated, admin.do(http.MethodPost, paying+"/users", MediaTypeUsers,
		map[string]any{"username": "joined@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_OWNER"}}}, &accepted))
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, "/local/console/orgs/"+h.seed.PayingOrgID+"/users/joined@example.com/accept", nil))

	tests := map[string]struct {
		ownerID string
		status  int
		code    string
	}{
		"names no user":                   {"64b1c2d3e4f5a6b7c8d9e0f1", http.StatusNotFound, "USER_NOT_FOUND"},
		"an invitee who has not accepted": {pending["id"].(string), http.StatusNotFound, "USER_NOT_FOUND"},
		"the seeded owner":                {h.seed.OwnerID, http.StatusCreated, ""},
		"a member who accepted":           {accepted["id"].(string), http.StatusCreated, ""},
		"none, with a service account":    {"", http.StatusCreated, ""},
		"not an Atlas ID":                 {"nobody", http.StatusBadRequest, "INVALID_ATTRIBUTE"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var answer map[string]any
			status := admin.do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{
				"name": "acme-" + strings.ReplaceAll(name, " ", "-")[:10], "orgOwnerId": tc.ownerID,
				"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24},
			}, &answer)
			assert.Equal(t, tc.status, status)
			if tc.code != "" {
				assert.Equal(t, tc.code, answer["errorCode"])
			}
		})
	}
	t.Run("a member of another organization only", func(t *testing.T) {
		created, own := h.createServiceAccountOrg("acme-elsewhere")
		var elsewhere map[string]any
		require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+created.Organization.ID+"/users", MediaTypeUsers,
			map[string]any{"username": "elsewhere@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, &elsewhere))
		require.Equal(t, http.StatusOK, h.console(http.MethodPost, "/local/console/orgs/"+created.Organization.ID+"/users/elsewhere@example.com/accept", nil))
		var e map[string]any
		assert.Equal(t, http.StatusBadRequest, admin.do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{"name": "acme-x", "orgOwnerId": elsewhere["id"],
			"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24}}, &e))
		assert.Equal(t, "INVALID_ATTRIBUTE", e["errorCode"])
	})
}

// TestAStateSavedBeforePeopleGivesItsOwnersAnAccount: orgOwnerId of an
// older state names a real user after the upgrade.
func TestAStateSavedBeforePeopleGivesItsOwnersAnAccount(t *testing.T) {
	dir := t.TempDir()
	first := start(t, dir, false)
	first.createServiceAccountOrg("acme-old")
	state, err := load(dir + "/state.json")
	require.NoError(t, err)
	state.People = nil
	require.NoError(t, save(dir+"/state.json", state))

	again := start(t, dir, false)
	again.seed = first.seed
	var list userList
	require.Equal(t, http.StatusOK, again.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+first.seed.PayingOrgID+"/users", MediaTypeUsers, nil, &list))
	require.Len(t, list.Results, 1)
	assert.Equal(t, first.seed.OwnerID, list.Results[0]["id"])
	assert.Equal(t, seededOwner, list.Results[0]["username"])
	reloaded, err := load(dir + "/state.json")
	require.NoError(t, err)
	assert.Contains(t, reloaded.People, first.seed.OwnerID, "saved")
}
