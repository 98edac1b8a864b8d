package localapi

import (
	"context"
	"net/http"
	"net/http/httptest"
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
