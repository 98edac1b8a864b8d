package localapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheSeededOwnersUsernameCanBeChosen: a new state's owner is
// Options.OwnerUsername (an email address), local-owner@example.com without
// it, and listed first among the paying organization's people; an existing
// state keeps the owner it was seeded with.
func TestTheSeededOwnersUsernameCanBeChosen(t *testing.T) {
	tests := map[string]struct {
		username, want string
		wantErr        bool
	}{
		"not chosen":             {"", "local-owner@example.com", false},
		"a company address":      {"owner@mongodb.com", "owner@mongodb.com", false},
		"not an email address":   {"owner", "", true},
		"an address with a name": {"Owner <owner@mongodb.com>", "", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			srv, seed, err := New(Options{DataDir: dir, OwnerUsername: tc.username})
			if tc.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, seed.OwnerUsername)
			h := &harness{t: t, srv: srv, seed: seed, clock: &clock{}}
			h.http = httptest.NewServer(srv)
			t.Cleanup(h.http.Close)
			var people userList
			require.Equal(t, http.StatusOK, h.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+seed.PayingOrgID+"/users", MediaTypeUsers, nil, &people))
			require.NotEmpty(t, people.Results)
			assert.Equal(t, tc.want, people.Results[0]["username"])

			_, again, err := New(Options{DataDir: dir, OwnerUsername: "someone-else@example.com"})
			require.NoError(t, err)
			assert.Nil(t, again, "an existing state is not seeded again")
			reopened, _, err := New(Options{DataDir: dir})
			require.NoError(t, err)
			assert.Equal(t, tc.want, reopened.state.People[seed.OwnerID].Username, "the owner is kept")
		})
	}
}
