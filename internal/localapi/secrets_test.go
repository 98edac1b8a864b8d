package localapi

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// credentialsAndState makes an organization with a service account (and a
// second secret) and one with an API key, and answers their secrets and
// state.json as it is on disk.
func credentialsAndState(t *testing.T, h *harness, dir string) (secrets []string, sa createdOrg, key createdOrg, raw []byte) {
	t.Helper()
	sa, own := h.createServiceAccountOrg("acme-secrets")
	var second struct{ Secret string }
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+sa.Organization.ID+"/serviceAccounts/"+sa.ServiceAccount.ClientID+"/secrets",
		sas, map[string]any{"secretExpiresAfterHours": 24}, &second))
	require.Equal(t, http.StatusCreated, h.admin().do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{
		"name": "acme-keys", "orgOwnerId": h.seed.OwnerID, "skipDefaultAlertsSettings": true,
		"apiKey": map[string]any{"desc": "keys", "roles": []string{"ORG_OWNER"}},
	}, &key))
	raw, err := os.ReadFile(filepath.Join(dir, "state.json"))
	require.NoError(t, err)
	return []string{h.seed.ClientSecret, sa.ServiceAccount.Secrets[0].Secret, second.Secret, key.APIKey.PrivateKey}, sa, key, raw
}

// TestStateKeepsNoSecret: state.json keeps what verifies a service
// account's secret or an API key's private key, never the secret, and every
// credential still signs in after a restart; a state saved with clear
// secrets loses them on load, and its credentials keep working.
func TestStateKeepsNoSecret(t *testing.T) {
	tests := map[string]struct {
		// saved turns the state on disk into what an older atlas-local saved.
		saved func(t *testing.T, state map[string]any, secrets []string)
	}{
		"as saved now": {func(*testing.T, map[string]any, []string) {}},
		"saved in clear by an older atlas-local": {func(t *testing.T, state map[string]any, secrets []string) {
			clear := map[string]string{}
			for _, s := range secrets {
				clear[s[len(s)-4:]] = s
			}
			for _, org := range state["orgs"].(map[string]any) {
				org := org.(map[string]any)
				for _, sa := range org["serviceAccounts"].(map[string]any) {
					for _, sec := range sa.(map[string]any)["secrets"].([]any) {
						sec := sec.(map[string]any)
						sec["value"] = clear[sec["last4"].(string)]
						require.NotEmpty(t, sec["value"])
						delete(sec, "hash")
						delete(sec, "salt")
						delete(sec, "last4")
					}
				}
				for _, k := range org["apiKeys"].(map[string]any) {
					k := k.(map[string]any)
					k["privateKey"] = secrets[3]
					delete(k, "ha1")
					delete(k, "privateKeyTail")
				}
			}
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			h := start(t, dir, false)
			secrets, sa, key, raw := credentialsAndState(t, h, dir)
			for _, s := range secrets {
				assert.NotContains(t, string(raw), s, "a secret in clear in state.json")
			}
			h.http.Close()
			var state map[string]any
			require.NoError(t, json.Unmarshal(raw, &state))
			tc.saved(t, state, secrets)
			older, err := json.Marshal(state)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "state.json"), older, 0o600))

			again := start(t, dir, false)
			again.seed = h.seed
			raw, err = os.ReadFile(filepath.Join(dir, "state.json"))
			require.NoError(t, err)
			for _, s := range secrets {
				assert.NotContains(t, string(raw), s, "a secret in clear in state.json after a restart")
			}
			assert.Equal(t, http.StatusOK, again.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID, orgs, nil, nil), "the seeded secret")
			for _, s := range secrets[1:3] {
				assert.Equal(t, http.StatusOK, again.bearer(sa.ServiceAccount.ClientID, s).do(http.MethodGet, "/api/atlas/v2/orgs/"+sa.Organization.ID, orgs, nil, nil))
			}
			assert.Equal(t, http.StatusUnauthorized, again.bearer(sa.ServiceAccount.ClientID, secrets[1]+"0").status, "a wrong secret")
			assert.Equal(t, http.StatusOK, again.digestClient(key.APIKey.PublicKey, key.APIKey.PrivateKey).do(http.MethodGet, "/api/atlas/v2/orgs/"+key.Organization.ID, orgs, nil, nil))
			assert.Equal(t, http.StatusUnauthorized, again.digestClient(key.APIKey.PublicKey, key.APIKey.PrivateKey+"0").do(http.MethodGet, "/api/atlas/v2/orgs/"+key.Organization.ID, orgs, nil, nil))
			var read struct {
				Secrets []struct{ MaskedSecretValue string }
			}
			require.Equal(t, http.StatusOK, again.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/serviceAccounts/"+h.seed.ClientID, sas, nil, &read))
			assert.Equal(t, "mdb_sa_sk_..."+h.seed.ClientSecret[len(h.seed.ClientSecret)-4:], read.Secrets[0].MaskedSecretValue, "reads show it masked")
		})
	}
}
