package localapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestACredentialListsEveryOrganizationItHasAccessTo: a credential that a
// seeded state gives access to organizations besides its own lists them
// after its own, and has its roles there; the others stay out of reach.
func TestACredentialListsEveryOrganizationItHasAccessTo(t *testing.T) {
	const other, unrelated = "111111111111111111111111", "222222222222222222222222"
	c := &clock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	srv, seed, err := New(Options{DataDir: t.TempDir(), Now: c.Now, Preset: func(state *State) {
		for _, id := range []string{other, unrelated} {
			state.Orgs[id] = &Org{ID: id, Name: "hand-made-" + id[:1], Settings: Settings{SecurityContact: "sec@example.com"},
				ServiceAccounts: map[string]*ServiceAccount{}, APIKeys: map[string]*APIKey{}}
		}
		for _, org := range state.Orgs {
			for _, sa := range org.ServiceAccounts {
				sa.OtherOrgIDs = []string{other}
			}
		}
	}})
	require.NoError(t, err)
	h := &harness{t: t, srv: srv, http: httptest.NewServer(srv), seed: seed, clock: c}
	t.Cleanup(h.http.Close)
	admin := h.admin()

	var listed struct {
		Results []struct {
			ID string `json:"id"`
		} `json:"results"`
		TotalCount int `json:"totalCount"`
	}
	require.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs", orgs, nil, &listed))
	require.Len(t, listed.Results, 2)
	assert.Equal(t, []string{seed.PayingOrgID, other}, []string{listed.Results[0].ID, listed.Results[1].ID}, "its own first")
	assert.Equal(t, 2, listed.TotalCount)

	var settings Settings
	assert.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+other+"/settings", orgs, nil, &settings))
	assert.Equal(t, "sec@example.com", settings.SecurityContact)
	assert.Equal(t, http.StatusOK, admin.do(http.MethodPatch, "/api/atlas/v2/orgs/"+other+"/settings", orgs, map[string]any{"multiFactorAuthRequired": true}, nil),
		"Organization Owner there too")
	assert.Equal(t, http.StatusForbidden, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+unrelated+"/settings", orgs, nil, nil))
}
