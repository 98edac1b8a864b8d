package localapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAnAccessListEntryOfOneAddressIsAnAddress: posted as a.b.c.d/32 or as
// a.b.c.d, Atlas keeps one address with both its ipAddress and its
// cidrBlock, and finds it by either; a wider block has no ipAddress.
func TestAnAccessListEntryOfOneAddressIsAnAddress(t *testing.T) {
	tests := map[string]struct {
		posted     map[string]string
		lookups    []string // escaped {ipAddress} values that find it
		wantIP     string
		wantCIDR   string
		notFoundAt string
	}{
		"a /32 block":     {map[string]string{"cidrBlock": "10.1.2.3/32"}, []string{"10.1.2.3", "10.1.2.3%2F32"}, "10.1.2.3", "10.1.2.3/32", "10.1.2.4"},
		"an address":      {map[string]string{"ipAddress": "10.1.2.3"}, []string{"10.1.2.3", "10.1.2.3%2F32"}, "10.1.2.3", "10.1.2.3/32", "10.1.2.4"},
		"a block of many": {map[string]string{"cidrBlock": "10.1.2.0/24"}, []string{"10.1.2.0%2F24"}, "", "10.1.2.0/24", "10.1.2.0"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			h := start(t, t.TempDir(), false)
			var created createdOrg
			require.Equal(t, http.StatusCreated, h.admin().do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{
				"name": "acme-keys", "orgOwnerId": h.seed.OwnerID,
				"apiKey": map[string]any{"desc": "automation", "roles": []string{"ORG_OWNER"}},
			}, &created))
			own := h.digestClient(created.APIKey.PublicKey, created.APIKey.PrivateKey)
			list := "/api/atlas/v2/orgs/" + created.Organization.ID + "/apiKeys/" + created.APIKey.ID + "/accessList"
			require.Equal(t, http.StatusOK, own.do(http.MethodPost, list, orgs, []map[string]string{tc.posted}, nil))
			require.Equal(t, http.StatusOK, own.do(http.MethodPost, list, orgs, []map[string]string{tc.posted}, nil), "posted twice")
			for _, at := range tc.lookups {
				var entry map[string]any
				require.Equal(t, http.StatusOK, own.do(http.MethodGet, list+"/"+at, orgs, nil, &entry), at)
				assert.Equal(t, tc.wantCIDR, entry["cidrBlock"])
				if tc.wantIP == "" {
					assert.NotContains(t, entry, "ipAddress")
				} else {
					assert.Equal(t, tc.wantIP, entry["ipAddress"])
				}
			}
			assert.Equal(t, http.StatusNotFound, own.do(http.MethodGet, list+"/"+tc.notFoundAt, orgs, nil, nil))
			var entries struct {
				Results    []map[string]any `json:"results"`
				TotalCount int              `json:"totalCount"`
			}
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, list, orgs, nil, &entries))
			assert.Equal(t, 1, entries.TotalCount, "one entry, however often and however it was posted")

			// The service account's list is the same mechanism.
			sa, saOwn := h.createServiceAccountOrg("acme-sa")
			saList := "/api/atlas/v2/orgs/" + sa.Organization.ID + "/serviceAccounts/" + sa.ServiceAccount.ClientID + "/accessList"
			require.Equal(t, http.StatusOK, saOwn.do(http.MethodPost, saList, sas, []map[string]string{tc.posted}, &entries))
			require.Len(t, entries.Results, 1)
			assert.Equal(t, tc.wantCIDR, entries.Results[0]["cidrBlock"])
			if tc.wantIP != "" {
				assert.Equal(t, tc.wantIP, entries.Results[0]["ipAddress"])
			}
			require.Equal(t, http.StatusNoContent, saOwn.do(http.MethodDelete, saList+"/"+tc.lookups[0], sas, nil, nil), "deleted by what finds it")
		})
	}
}
