package atlasapi

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

func orgs(n int) []localapitest.Org {
	var out []localapitest.Org
	for i := range n {
		out = append(out, localapitest.Org{ID: fmt.Sprintf("%024x", i+1), Name: fmt.Sprintf("org-%d", i+1), MultiFactorAuthRequired: i%2 == 0})
	}
	return out
}

// sleeps records the waits between retries instead of waiting.
type sleeps struct {
	mu  sync.Mutex
	all []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = append(s.all, d)
	return nil
}

func serviceAccount(s *localapitest.Atlas) Credentials {
	return Credentials{ClientID: s.Caller.ClientID, ClientSecret: s.Caller.ClientSecret}
}

func apiKey(s *localapitest.Atlas) Credentials {
	return Credentials{PublicKey: s.Caller.PublicKey, PrivateKey: s.Caller.PrivateKey}
}

func TestListsEveryPageWithEitherCredential(t *testing.T) {
	t.Parallel()
	for name, creds := range map[string]func(*localapitest.Atlas) Credentials{"service account": serviceAccount, "api key": apiKey} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := localapitest.StartWith(t, localapitest.Options{Orgs: orgs(5), Faults: localapi.Faults{MaxItemsPerPage: 2}})
			c, err := New(context.Background(), srv.URL+"/", creds(srv), WithPageSize(2))
			require.NoError(t, err)

			got, err := c.ListOrganizations(context.Background())
			require.NoError(t, err)
			require.Len(t, got, 5, "all three pages")
			assert.Equal(t, "org-5", got[4].Name)

			settings, err := c.OrganizationSettings(context.Background(), got[0].ID)
			require.NoError(t, err)
			assert.True(t, settings.MultiFactorAuthRequired)

			var authed []string
			for _, r := range srv.Requests() {
				if r.Auth != "" {
					authed = append(authed, r.Path)
					assert.Equal(t, MediaType, r.Accept, "the versioned media type on %s", r.Path)
				}
			}
			assert.Equal(t, []string{
				"/api/atlas/v2/orgs?includeCount=true&itemsPerPage=2&pageNum=1",
				"/api/atlas/v2/orgs?includeCount=true&itemsPerPage=2&pageNum=2",
				"/api/atlas/v2/orgs?includeCount=true&itemsPerPage=2&pageNum=3",
				"/api/atlas/v2/orgs/" + got[0].ID + "/settings",
			}, authed)
			if name == "service account" {
				assert.Equal(t, 1, srv.TokensIssued(), "one token for the whole run")
			} else {
				assert.Len(t, srv.Requests(), 8, "digest: every request is challenged, then resent")
			}
		})
	}
}

func TestServerEnforcesTheMediaType(t *testing.T) {
	t.Parallel()
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: orgs(1)})
	c, err := New(context.Background(), srv.URL, serviceAccount(srv))
	require.NoError(t, err)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/api/atlas/v2/orgs", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNotAcceptable, resp.StatusCode)
}

func TestErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		creds func(*localapitest.Atlas) Credentials
		// accessListRequired is set on the credential's organization,
		// whose access list is empty.
		accessListRequired bool
		failure            *localapi.FaultAnswer
		call               string // "list" or "settings"
		message            string
		attempts           int
		waits              []time.Duration
	}{
		"wrong client secret": {func(s *localapitest.Atlas) Credentials {
			return Credentials{ClientID: s.Caller.ClientID, ClientSecret: "mdb_sa_sk_WRONG_SECRET"}
		}, false, nil, "list", "Atlas refused the service account's client ID and secret (token request: 401 invalid_client)", 0, nil},
		"wrong private key": {func(s *localapitest.Atlas) Credentials {
			return Credentials{PublicKey: s.Caller.PublicKey, PrivateKey: "WRONG-PRIVATE-KEY-SECRET"}
		}, false, nil, "list", "Atlas refused the credentials (401 NOT_ORG_GROUP_CREATOR", 0, nil},
		"address not on the access list": {serviceAccount, true, nil,
			"list", "this machine's address is not on the credential's API access list (403 IP_ADDRESS_NOT_ON_ACCESS_LIST", 1, nil},
		"missing role": {apiKey, false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs", Status: 403, ErrorCode: "USER_UNAUTHORIZED", Times: 1},
			"list", "the credential lacks the role this call needs (403 USER_UNAUTHORIZED: Injected failure.); give it the role this command needs (docs/command-line-tool.md, \"The role each command needs\")", 1, nil},
		"unknown org": {serviceAccount, false, nil, "settings", "not found (404 ORG_NOT_FOUND: No organization with ID 0000000000000000000000ff exists.)", 1, nil},
		"rate limited, then fine": {serviceAccount, false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs", Status: 429, ErrorCode: "RATE_LIMITED", RetryAfter: "7", Times: 2},
			"list", "", 3, []time.Duration{7 * time.Second, 7 * time.Second}},
		"rate limited for good": {apiKey, false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs", Status: 429, ErrorCode: "RATE_LIMITED", RetryAfter: "600", Times: 99},
			"list", "Atlas rate-limited the calls (429 RATE_LIMITED) 4 times in a row, honouring Retry-After", 4,
			[]time.Duration{time.Minute, time.Minute, time.Minute}},
		"server fault, then fine": {serviceAccount, false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs", Status: 503, ErrorCode: "SERVICE_UNAVAILABLE", Times: 1},
			"list", "", 2, []time.Duration{time.Second}},
		"server fault for good": {serviceAccount, false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs", Status: 500, ErrorCode: "UNEXPECTED_ERROR", Times: 99},
			"list", "Atlas failed (500 UNEXPECTED_ERROR: Injected failure.) 4 times in a row", 4,
			[]time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := localapitest.Options{Orgs: orgs(3)}
			opts.Orgs[0].APIAccessListRequired = tc.accessListRequired
			if tc.failure != nil {
				opts.Faults.Answers = []localapi.FaultAnswer{*tc.failure}
			}
			srv := localapitest.StartWith(t, opts)
			waits := &sleeps{}
			c, err := New(context.Background(), srv.URL, tc.creds(srv), WithSleep(waits.sleep))
			require.NoError(t, err)
			if tc.call == "settings" {
				_, err = c.OrganizationSettings(context.Background(), "0000000000000000000000ff")
			} else {
				_, err = c.ListOrganizations(context.Background())
			}
			if tc.message == "" {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.message)
				for _, secret := range []string{srv.Caller.ClientSecret, srv.Caller.PrivateKey, "WRONG-PRIVATE-KEY-SECRET", "mdb_sa_sk_WRONG_SECRET"} {
					assert.NotContains(t, err.Error(), secret)
				}
			}
			assert.Equal(t, tc.waits, waits.all)
			if tc.attempts > 0 {
				calls := 0
				for _, r := range srv.Requests() {
					if r.Auth != "" {
						calls++
					}
				}
				assert.Equal(t, tc.attempts, calls, "attempts that reached the API")
			}
		})
	}
}

func TestNoCredentials(t *testing.T) {
	t.Parallel()
	_, err := New(context.Background(), DefaultBaseURL, Credentials{PublicKey: "only-half"})
	assert.ErrorContains(t, err, "no Atlas credentials: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET")
}

func TestCredentialsFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"MONGODB_ATLAS_PUBLIC_API_KEY": "pub", "MONGODB_ATLAS_PRIVATE_KEY": "priv", "MONGODB_ATLAS_BASE_URL": "http://127.0.0.1:9"}
	get := func(k string) string { return env[k] }
	assert.Equal(t, Credentials{PublicKey: "pub", PrivateKey: "priv"}, CredentialsFromEnv(get))
}
