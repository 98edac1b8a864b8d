package atlasapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestResolveFollowsTheProvider holds Resolve to the order of
// terraform-provider-mongodbatlas v2.16.0's config.GetCredentials: the
// provider config when it holds any credential, else the environment, the
// base URL from the same source; token, service account, API key.
func TestResolveFollowsTheProvider(t *testing.T) {
	t.Parallel()
	const local, other = "http://127.0.0.1:4000", "http://127.0.0.1:5000"
	serviceAccount := map[string]string{"MONGODB_ATLAS_CLIENT_ID": "mdb_sa_id_env", "MONGODB_ATLAS_CLIENT_SECRET": "env-secret"}
	with := func(env map[string]string, more map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range env {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	tests := map[string]struct {
		config    map[string]string
		encrypted []string
		// decrypted are the values the stack's secrets provider gave,
		// failure why it gave none.
		decrypted map[string]string
		failure   string
		env       map[string]string
		want      Resolution
		err       string
	}{
		"nothing: Atlas, no credential": {
			want: Resolution{BaseURL: DefaultBaseURL, BaseURLFrom: "Atlas itself: MONGODB_ATLAS_BASE_URL is not set",
				CredentialsFrom: "none: neither the stack config nor the environment gives one"}},
		"the environment's credential brings the environment's base URL, whatever the stack's baseUrl": {
			config: map[string]string{ConfigBaseURL: local}, env: with(serviceAccount, map[string]string{"MONGODB_ATLAS_BASE_URL": other}),
			want: Resolution{BaseURL: other, BaseURLFrom: "given by MONGODB_ATLAS_BASE_URL (mongodbatlas:baseUrl in Pulumi.dev.yaml is not used: the provider takes the base URL from where it takes the credential)",
				Credentials: Credentials{ClientID: "mdb_sa_id_env", ClientSecret: "env-secret"}, CredentialsFrom: "a service account given by the environment"}},
		"the environment's credential without a base URL variable is Atlas's": {
			config: map[string]string{ConfigBaseURL: local}, env: serviceAccount,
			want: Resolution{BaseURL: DefaultBaseURL, BaseURLFrom: "Atlas itself: MONGODB_ATLAS_BASE_URL is not set (mongodbatlas:baseUrl in Pulumi.dev.yaml is not used: the provider takes the base URL from where it takes the credential)",
				Credentials: Credentials{ClientID: "mdb_sa_id_env", ClientSecret: "env-secret"}, CredentialsFrom: "a service account given by the environment"}},
		"MCLI_OPS_MANAGER_URL after MONGODB_ATLAS_BASE_URL": {
			env: with(serviceAccount, map[string]string{"MCLI_OPS_MANAGER_URL": other}),
			want: Resolution{BaseURL: other, BaseURLFrom: "given by MCLI_OPS_MANAGER_URL",
				Credentials: Credentials{ClientID: "mdb_sa_id_env", ClientSecret: "env-secret"}, CredentialsFrom: "a service account given by the environment"}},
		"a stack credential brings the stack's base URL, before the environment's": {
			config: map[string]string{ConfigBaseURL: local, ConfigClientID: "mdb_sa_id_stack", ConfigClientSecret: "stack-secret"},
			env:    with(serviceAccount, map[string]string{"MONGODB_ATLAS_BASE_URL": other}),
			want: Resolution{BaseURL: local, BaseURLFrom: "given by mongodbatlas:baseUrl in Pulumi.dev.yaml",
				Credentials: Credentials{ClientID: "mdb_sa_id_stack", ClientSecret: "stack-secret"}, CredentialsFrom: "a service account given by Pulumi.dev.yaml"}},
		"a stack credential without a baseUrl is Atlas's, whatever the variable": {
			config: map[string]string{ConfigPublicKey: "pub", ConfigPrivateKey: "priv"}, env: map[string]string{"MONGODB_ATLAS_BASE_URL": other},
			want: Resolution{BaseURL: DefaultBaseURL, BaseURLFrom: "Atlas itself: Pulumi.dev.yaml gives the provider's credential and no mongodbatlas:baseUrl",
				Credentials: Credentials{PublicKey: "pub", PrivateKey: "priv"}, CredentialsFrom: "an API key given by Pulumi.dev.yaml"}},
		"an encrypted secret of the stack is read from its variable": {
			config: map[string]string{ConfigBaseURL: local, ConfigClientID: "mdb_sa_id_stack"}, encrypted: []string{ConfigClientSecret},
			env: with(serviceAccount, nil),
			want: Resolution{BaseURL: local, BaseURLFrom: "given by mongodbatlas:baseUrl in Pulumi.dev.yaml",
				Credentials:     Credentials{ClientID: "mdb_sa_id_stack", ClientSecret: "env-secret"},
				CredentialsFrom: "a service account given by Pulumi.dev.yaml (its encrypted values from MONGODB_ATLAS_CLIENT_SECRET)"}},
		"an encrypted secret the stack's secrets provider decrypted, before its variable": {
			config: map[string]string{ConfigBaseURL: local, ConfigClientID: "mdb_sa_id_stack"}, encrypted: []string{ConfigClientSecret},
			decrypted: map[string]string{ConfigClientSecret: "stack-secret"}, env: with(serviceAccount, nil),
			want: Resolution{BaseURL: local, BaseURLFrom: "given by mongodbatlas:baseUrl in Pulumi.dev.yaml",
				Credentials:     Credentials{ClientID: "mdb_sa_id_stack", ClientSecret: "stack-secret"},
				CredentialsFrom: "a service account given by Pulumi.dev.yaml (mongodbatlas:clientSecret decrypted by pulumi config get)"}},
		"an encrypted private key, decrypted": {
			config: map[string]string{ConfigPublicKey: "pub"}, encrypted: []string{ConfigPrivateKey},
			decrypted: map[string]string{ConfigPrivateKey: "priv"},
			want: Resolution{BaseURL: DefaultBaseURL, BaseURLFrom: "Atlas itself: Pulumi.dev.yaml gives the provider's credential and no mongodbatlas:baseUrl",
				Credentials: Credentials{PublicKey: "pub", PrivateKey: "priv"}, CredentialsFrom: "an API key given by Pulumi.dev.yaml (mongodbatlas:privateKey decrypted by pulumi config get)"}},
		"an encrypted secret neither decrypted nor in its variable": {
			config: map[string]string{ConfigClientID: "mdb_sa_id_stack"}, encrypted: []string{ConfigClientSecret},
			failure: "pulumi config get: passphrase must be set",
			err: "Pulumi.dev.yaml holds mongodbatlas:clientSecret encrypted, and it could not be decrypted (pulumi config get: passphrase must be set): " +
				"run where `pulumi config get mongodbatlas:clientSecret` works (logged in to the stack's backend, with its passphrase in " +
				"PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE where it has one), or set MONGODB_ATLAS_CLIENT_SECRET to the same value"},
		"an access token before a service account, before an API key": {
			env: map[string]string{"MONGODB_ATLAS_ACCESS_TOKEN": "token", "MONGODB_ATLAS_CLIENT_ID": "id", "MONGODB_ATLAS_CLIENT_SECRET": "s", "MONGODB_ATLAS_PUBLIC_KEY": "pub", "MONGODB_ATLAS_PRIVATE_KEY": "priv"},
			want: Resolution{BaseURL: DefaultBaseURL, BaseURLFrom: "Atlas itself: MONGODB_ATLAS_BASE_URL is not set",
				Credentials:     Credentials{AccessToken: "token", ClientID: "id", ClientSecret: "s", PublicKey: "pub", PrivateKey: "priv"},
				CredentialsFrom: "an access token given by the environment"}},
		"the API key's aliases, MONGODB_ATLAS_PUBLIC_API_KEY first, then MCLI_": {
			env: map[string]string{"MONGODB_ATLAS_PUBLIC_API_KEY": "pub", "MONGODB_ATLAS_PUBLIC_KEY": "not-this", "MCLI_PRIVATE_API_KEY": "priv"},
			want: Resolution{BaseURL: DefaultBaseURL, BaseURLFrom: "Atlas itself: MONGODB_ATLAS_BASE_URL is not set",
				Credentials: Credentials{PublicKey: "pub", PrivateKey: "priv"}, CredentialsFrom: "an API key given by the environment"}},
		"half a service account in the stack": {
			config: map[string]string{ConfigClientID: "mdb_sa_id_stack"}, env: serviceAccount,
			err: "half a credential: a service account needs both mongodbatlas:clientId and mongodbatlas:clientSecret, and Pulumi.dev.yaml gives one"},
		"half an API key in the environment": {
			env: map[string]string{"MONGODB_ATLAS_PUBLIC_KEY": "pub"},
			err: "half a credential: an API key needs both MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY, and the environment gives one"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			config := StackProviderConfig("Pulumi.dev.yaml", tc.config, tc.encrypted)
			for _, key := range config.EncryptedCredentialKeys() {
				config.SetDecrypted(key, tc.decrypted[key])
			}
			config.DecryptFailure = tc.failure
			got, err := Resolve(config, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				for _, secret := range []string{"env-secret", "stack-secret", "priv"} {
					assert.NotContains(t, err.Error(), secret, "no secret in an error")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.NotContains(t, got.BaseURLFrom+got.CredentialsFrom, "secret", "no secret in where they came from")
		})
	}
}

// TestAnAccessTokenIsSentAsABearerToken: the provider's first credential
// kind goes before a service account, as it is, with no token request.
func TestAnAccessTokenIsSentAsABearerToken(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path+" "+r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", MediaType)
		_, _ = w.Write([]byte(`{"results": [], "totalCount": 0}`))
	}))
	t.Cleanup(srv.Close)
	client, err := New(context.Background(), srv.URL, Credentials{AccessToken: "the-token", ClientID: "id", ClientSecret: "secret"})
	require.NoError(t, err)
	orgs, err := client.ListOrganizations(context.Background())
	require.NoError(t, err)
	assert.Empty(t, orgs)
	assert.Equal(t, []string{"/api/atlas/v2/orgs Bearer the-token"}, got)
}
