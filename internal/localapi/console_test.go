package localapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConsoleDeletesAsTheOrganizationOwner(t *testing.T) {
	dir := t.TempDir()
	h := start(t, dir, false)
	created, _ := h.createServiceAccountOrg("acme-orphan")
	h.http.Close()
	srv, _, err := New(Options{DataDir: dir, ConsoleToken: "console-secret"})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	call := func(method, path, token string) int {
		req, _ := http.NewRequestWithContext(context.Background(), method, ts.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		return resp.StatusCode
	}
	id := created.Organization.ID
	assert.Equal(t, http.StatusUnauthorized, call(http.MethodDelete, "/local/console/orgs/"+id, ""), "no token")
	assert.Equal(t, http.StatusUnauthorized, call(http.MethodDelete, "/local/console/orgs/"+id, "console-secreT"), "a wrong token")
	assert.Equal(t, http.StatusBadRequest, call(http.MethodDelete, "/local/console/orgs/"+h.seed.PayingOrgID, "console-secret"), "never the paying org")
	assert.Equal(t, http.StatusOK, call(http.MethodGet, "/local/console/orgs", "console-secret"))
	assert.Equal(t, http.StatusNoContent, call(http.MethodDelete, "/local/console/orgs/"+id, "console-secret"))
	assert.Equal(t, http.StatusNotFound, call(http.MethodDelete, "/local/console/orgs/"+id, "console-secret"))
	state, err := load(dir + "/state.json")
	require.NoError(t, err)
	assert.NotContains(t, state.Orgs, id, "deleted on disk")

	off, _, err := New(Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	off.ServeHTTP(rec, httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/local/console/orgs", nil))
	assert.Equal(t, http.StatusUnauthorized, rec.Code, "no console without a token")
}

// TestThePayingOrganizationReadsTheOrganizationsLinkedToIt: it reads their
// name, nothing more; another organization's credential reads nothing.
func TestThePayingOrganizationReadsTheOrganizationsLinkedToIt(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-linked")
	_, otherOwn := h.createServiceAccountOrg("acme-other")
	id := created.Organization.ID
	var org map[string]any
	require.Equal(t, http.StatusOK, h.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, &org))
	assert.Equal(t, "acme-linked", org["name"])
	assert.Equal(t, http.StatusForbidden, h.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+id+"/settings", orgs, nil, nil), "settings stay the members'")
	assert.Equal(t, http.StatusForbidden, h.admin().do(http.MethodDelete, "/api/atlas/v2/orgs/"+id, orgs, nil, nil), "and so does deleting it")
	assert.Equal(t, http.StatusForbidden, otherOwn.do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, nil), "a sibling reads nothing")
	assert.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, nil))
}

// TestConsoleRemovesAPersonAndDeletesATeam as the organization's
// Organization Owner does in the UI: by username or ID, by team name or ID,
// never the last owner; what status advises for a person or team the code
// does not list.
func TestConsoleRemovesAPersonAndDeletesATeam(t *testing.T) {
	h := startWithConsole(t)
	created, own := h.createServiceAccountOrg("acme-console")
	orgID := created.Organization.ID
	org := "/api/atlas/v2/orgs/" + orgID
	var team, eve map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, org+"/teams", orgs, map[string]any{"name": "Shadow IT"}, &team))
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, org+"/users", MediaTypeUsers,
		map[string]any{"username": "eve@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}, "teamIds": []string{team["id"].(string)}}, &eve))

	tests := []struct {
		name, path string
		status     int
	}{
		{"a person by username", "/users/EVE@example.com", http.StatusNoContent},
		{"not twice", "/users/" + eve["id"].(string), http.StatusNotFound},
		{"never the last owner", "/users/" + h.seed.OwnerID, http.StatusBadRequest},
		{"a team by name", "/teams/shadow%20it", http.StatusNoContent},
		{"a team by ID, once", "/teams/" + team["id"].(string), http.StatusNotFound},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.status, h.console(http.MethodDelete, "/local/console/orgs/"+orgID+tc.path, nil), tc.name)
	}
	var users, teams struct{ Results []map[string]any }
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/users", MediaTypeUsers, nil, &users))
	for _, u := range users.Results {
		assert.NotEqual(t, "eve@example.com", u["username"], "eve is removed")
	}
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/teams", orgs, nil, &teams))
	assert.Empty(t, teams.Results, "the team is deleted")
	assert.Equal(t, http.StatusNotFound, h.console(http.MethodDelete, "/local/console/orgs/no-such-org/users/eve@example.com", nil))
}

// TestConsoleMakesAServiceAccountAsTheOrganizationOwner: the console makes a
// service account in an organization under Atlas' rules and shows its one
// secret, which signs in to the organization (what a stack takes over).
func TestConsoleMakesAServiceAccountAsTheOrganizationOwner(t *testing.T) {
	h := startWithConsole(t)
	created, _ := h.createServiceAccountOrg("acme-takeover")
	id := created.Organization.ID
	post := func(body string) (int, map[string]any) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, h.http.URL+"/local/console/orgs/"+id+"/serviceAccounts", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+consoleToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer func() { _ = resp.Body.Close() }()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, _ := post(`{"name":"new","description":"made by the owner","roles":["NOT_A_ROLE"],"secretExpiresAfterHours":2160}`)
	assert.Equal(t, http.StatusBadRequest, code, "Atlas' rules")
	code, made := post(`{"name":"new","description":"made by the owner","roles":["ORG_OWNER"],"secretExpiresAfterHours":2160}`)
	require.Equal(t, http.StatusCreated, code, made)
	clientID, _ := made["clientId"].(string)
	secrets, _ := made["secrets"].([]any)
	require.Len(t, secrets, 1)
	secret, _ := secrets[0].(map[string]any)["secret"].(string)
	require.NotEmpty(t, secret, "shown once")
	assert.Equal(t, http.StatusOK, h.bearer(clientID, secret).do(http.MethodGet, "/api/atlas/v2/orgs/"+id+"/settings", orgs, nil, nil),
		"it signs in, as Organization Owner")
}
