package localapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestASecretIsShownOnlyInTheAnswerThatCreatesIt: that answer holds the
// secret and no masked value, as the provider's ServiceAccountSecret
// expects; every later read holds the masked value and never the secret.
func TestASecretIsShownOnlyInTheAnswerThatCreatesIt(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-secrets")
	sa := "/api/atlas/v2/orgs/" + created.Organization.ID + "/serviceAccounts/" + created.ServiceAccount.ClientID
	var secret map[string]any
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, sa+"/secrets", sas, map[string]any{"secretExpiresAfterHours": 720}, &secret))
	value, _ := secret["secret"].(string)

	var account map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, sa, sas, nil, &account))
	var list struct{ Results []map[string]any }
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+created.Organization.ID+"/serviceAccounts", sas, nil, &list))
	require.Len(t, list.Results, 1)
	readSecrets := func(a map[string]any) []any { return a["secrets"].([]any) }

	tests := map[string]struct {
		secrets    []any
		wantSecret bool
	}{
		"the answer that creates it":   {[]any{secret}, true},
		"the service account, read":    {readSecrets(account), false},
		"the service accounts, listed": {readSecrets(list.Results[0]), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, tc.secrets)
			for _, s := range tc.secrets {
				s := s.(map[string]any)
				if tc.wantSecret {
					assert.Regexp(t, `^mdb_sa_sk_[0-9a-f]{48}$`, s["secret"])
					assert.NotContains(t, s, "maskedSecretValue")
					continue
				}
				assert.NotContains(t, s, "secret")
				assert.Regexp(t, `^mdb_sa_sk_\.\.\.[0-9a-f]{4}$`, s["maskedSecretValue"])
			}
		})
	}
	assert.Equal(t, http.StatusOK, h.bearer(created.ServiceAccount.ClientID, value).status, "the secret shown signs in")
}
