package cli

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
)

// resolutionCase is a stack config and an environment, and the Admin API
// and credential the stack's provider would use with them.
type resolutionCase struct {
	config map[string]string // mongodbatlas: keys; "secure" for an encrypted value
	env    map[string]string
	flag   string
	// wantURL and wantFrom are the base URL and why; wantCredential the
	// client ID or public key signed in with, wantCredentialFrom why.
	wantURL, wantFrom, wantCredential, wantCredentialFrom string
}

// Unreachable addresses, told apart by their paths.
const (
	configURL = "http://127.0.0.1:1/config"
	envURL    = "http://127.0.0.1:1/env"
	flagURL   = "http://127.0.0.1:1/flag"
)

// resolutionCases is the order of docs/command-line-tool.md#which-admin-api-and-credential,
// which every command must follow; WHERE stands for the stack config's name.
func resolutionCases() map[string]resolutionCase {
	envServiceAccount := map[string]string{"MONGODB_ATLAS_CLIENT_ID": "env-id", "MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk_ENVSECRET", "MONGODB_ATLAS_BASE_URL": envURL}
	stackServiceAccount := map[string]string{"mongodbatlas:baseUrl": configURL, "mongodbatlas:clientId": "stack-id", "mongodbatlas:clientSecret": "mdb_sa_sk_STACKSECRET"}
	return map[string]resolutionCase{
		"the environment's credential brings the environment's base URL": {
			config: map[string]string{"mongodbatlas:baseUrl": configURL}, env: envServiceAccount,
			wantURL: envURL, wantFrom: "given by MONGODB_ATLAS_BASE_URL (mongodbatlas:baseUrl in WHERE is not used: the provider takes the base URL from where it takes the credential)",
			wantCredential: "env-id", wantCredentialFrom: "a service account given by the environment"},
		"the stack's credential brings the stack's base URL, before the environment's": {
			config: stackServiceAccount, env: envServiceAccount,
			wantURL: configURL, wantFrom: "given by mongodbatlas:baseUrl in WHERE", wantCredential: "stack-id", wantCredentialFrom: "a service account given by WHERE"},
		"the stack's encrypted secret is read from its variable": {
			config: map[string]string{"mongodbatlas:baseUrl": configURL, "mongodbatlas:clientId": "stack-id", "mongodbatlas:clientSecret": "secure"}, env: envServiceAccount,
			wantURL: configURL, wantFrom: "given by mongodbatlas:baseUrl in WHERE",
			wantCredential: "stack-id", wantCredentialFrom: "a service account given by WHERE (its encrypted values from MONGODB_ATLAS_CLIENT_SECRET)"},
		"--base-url before both": {
			config: stackServiceAccount, env: envServiceAccount, flag: flagURL,
			wantURL: flagURL, wantFrom: "given by --base-url", wantCredential: "stack-id", wantCredentialFrom: "a service account given by WHERE"},
		"an API key of the environment, at MCLI_OPS_MANAGER_URL": {
			env:     map[string]string{"MONGODB_ATLAS_PUBLIC_KEY": "env-pub", "MONGODB_ATLAS_PRIVATE_KEY": "env-private", "MCLI_OPS_MANAGER_URL": envURL},
			wantURL: envURL, wantFrom: "given by MCLI_OPS_MANAGER_URL", wantCredential: "env-pub", wantCredentialFrom: "an API key given by the environment"},
	}
}

// stackFile is the case's stack config as Pulumi.<stack>.yaml, with more.
func (tc resolutionCase) stackFile(more string) string {
	var b strings.Builder
	b.WriteString("config:\n")
	for key, value := range tc.config {
		if value == "secure" {
			b.WriteString("  " + key + ":\n    secure: AAABAKxq\n")
			continue
		}
		b.WriteString("  " + key + ": " + value + "\n")
	}
	return b.String() + more
}

// TestEachCommandResolvesTheAdminAPIAsTheProvider runs each command that
// calls the Admin API with each case, and reads which Admin API it called and
// with which credential: discover, billing and orphans from the failure's
// message (the addresses answer nothing), status from its sign-ins.
func TestEachCommandResolvesTheAdminAPIAsTheProvider(t *testing.T) {
	t.Parallel()
	const paying = "5f1a2b3c4d5e6f7a8b9c0d1e"
	orgs := "  atlas-multiorg:payingOrgId: " + paying + "\n  atlas-multiorg:environment: dev\n  atlas-multiorg:orgOwnerId: 5f1a2b3c4d5e6f7a8b9c0d3a\n" +
		"  atlas-multiorg:orgs:\n    a:\n      name: acme-dev-a\n"
	viaMessage := func(args func(t *testing.T, dir string, tc resolutionCase) []string) func(t *testing.T, tc resolutionCase) {
		return func(t *testing.T, tc resolutionCase) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.local.yaml"), []byte(tc.stackFile(orgs)), 0o600))
			all := args(t, dir, tc)
			if tc.flag != "" {
				all = append(all, "--base-url", tc.flag)
			}
			var stdout, stderr bytes.Buffer
			code := execute(all, strings.NewReader(""), &stdout, &stderr, time.Now, func(k string) string { return tc.env[k] })
			require.Equal(t, ExitAPI, code, stderr.String())
			where := "Pulumi.local.yaml"
			assert.Contains(t, stderr.String(), "(Admin API at "+tc.wantURL+", "+strings.ReplaceAll(tc.wantFrom, "WHERE", where)+
				"; signed in with "+strings.ReplaceAll(tc.wantCredentialFrom, "WHERE", where)+")")
			for _, secret := range []string{"mdb_sa_sk_ENVSECRET", "mdb_sa_sk_STACKSECRET", "env-private"} {
				assert.NotContains(t, stderr.String(), secret, "no secret in the message")
			}
		}
	}
	commands := map[string]func(t *testing.T, tc resolutionCase){
		"discover": viaMessage(func(_ *testing.T, dir string, _ resolutionCase) []string {
			return []string{"discover", "--config", filepath.Join(dir, "Pulumi.local.yaml")}
		}),
		"billing": viaMessage(func(_ *testing.T, dir string, _ resolutionCase) []string {
			return []string{"billing", "--config", filepath.Join(dir, "Pulumi.local.yaml")}
		}),
		"orphans": viaMessage(func(t *testing.T, dir string, _ resolutionCase) []string {
			export := filepath.Join(dir, "local.json")
			require.NoError(t, os.WriteFile(export, []byte(stackExport("local", map[string]string{"a": "5f1a2b3c4d5e6f7a8b9c0d2f"}, nil)), 0o600))
			return []string{"orphans", "--dir", dir, "--state-file", "local=" + export}
		}),
		"status": func(t *testing.T, tc resolutionCase) {
			in := driftedStack(t)
			in.Config = maps.Clone(in.Config)
			delete(in.Config, "mongodbatlas:baseUrl")
			for key, value := range tc.config {
				if value == "secure" {
					in.Encrypted = append(in.Encrypted, key)
					continue
				}
				in.Config[key] = value
			}
			atlas := driftedAtlas()
			opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, atlas, false)
			opts.getenv = func(k string) string { return tc.env[k] }
			opts.baseURL = tc.flag
			runStatus(t, opts, "dev-0")
			assert.Contains(t, atlas.signIns, tc.wantCredential+"@"+tc.wantURL, "the paying organization's checks, with the caller's credential")
		},
	}
	for command, run := range commands {
		for name, tc := range resolutionCases() {
			t.Run(command+"/"+name, func(t *testing.T) {
				t.Parallel()
				run(t, tc)
			})
		}
	}
}

// TestStacksWhoseProvidersDisagreeNeedBaseURL: orphans and status read
// several stacks, whose providers must call one Admin API.
func TestStacksWhoseProvidersDisagreeNeedBaseURL(t *testing.T) {
	t.Parallel()
	stack := func(where, url string) atlasapi.ProviderConfig {
		return atlasapi.ProviderConfig{Where: where, BaseURL: url, Credentials: atlasapi.Credentials{ClientID: "id", ClientSecret: "secret"}}
	}
	_, err := findAdminAPI("", []atlasapi.ProviderConfig{stack("Pulumi.a.yaml", configURL), stack("Pulumi.b.yaml", envURL)}, func(string) string { return "" })
	require.EqualError(t, err, "the stacks' providers call different Admin APIs (Pulumi.a.yaml: "+configURL+", Pulumi.b.yaml: "+envURL+"): give --base-url")
	var exit *ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, ExitUsage, exit.Code)

	api, err := findAdminAPI(flagURL, []atlasapi.ProviderConfig{stack("Pulumi.a.yaml", configURL), stack("Pulumi.b.yaml", envURL)}, func(string) string { return "" })
	require.NoError(t, err)
	assert.Equal(t, flagURL, api.baseURL)

	api, err = findAdminAPI("", []atlasapi.ProviderConfig{stack("Pulumi.a.yaml", configURL), stack("Pulumi.b.yaml", configURL)}, func(string) string { return "" })
	require.NoError(t, err)
	assert.Equal(t, configURL, api.baseURL)
	assert.Equal(t, "given by mongodbatlas:baseUrl in Pulumi.a.yaml", api.from)
}

// TestStatusSignsInWithTheStacksDecryptedCredential: a stack that keeps its
// provider's secret the way docs/running-against-atlas.md stores it (pulumi
// config set --secret) needs no variable: status signs in with the value the
// stack's secrets provider decrypted, before the variable's; where none was
// decrypted and no variable is set, it says why and both ways.
func TestStatusSignsInWithTheStacksDecryptedCredential(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		decrypted map[string]string
		failure   string
		env       map[string]string
		want      string // the secret signed in with, "" for none
		stderr    string
	}{
		"decrypted, no variable": {decrypted: map[string]string{"mongodbatlas:clientSecret": "mdb_sa_sk_STACKSECRET"},
			want: "mdb_sa_sk_STACKSECRET"},
		"decrypted before the variable": {decrypted: map[string]string{"mongodbatlas:clientSecret": "mdb_sa_sk_STACKSECRET"},
			env: map[string]string{"MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk_ENVSECRET"}, want: "mdb_sa_sk_STACKSECRET"},
		"not decrypted: the variable": {failure: "pulumi config get mongodbatlas:clientSecret: passphrase must be set",
			env: map[string]string{"MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk_ENVSECRET"}, want: "mdb_sa_sk_ENVSECRET"},
		"neither": {failure: "pulumi config get mongodbatlas:clientSecret: passphrase must be set",
			stderr: "the config of stack dev-0 holds mongodbatlas:clientSecret encrypted, and it could not be decrypted (pulumi config get mongodbatlas:clientSecret: passphrase must be set)"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := driftedStack(t)
			in.Config = maps.Clone(in.Config)
			in.Config["mongodbatlas:baseUrl"], in.Config["mongodbatlas:clientId"] = configURL, "stack-id"
			in.Encrypted = append(in.Encrypted, "mongodbatlas:clientSecret")
			in.ProviderSecrets, in.ProviderSecretsFailure = tc.decrypted, tc.failure
			atlas := driftedAtlas()
			opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, atlas, false)
			opts.getenv = func(k string) string { return tc.env[k] }
			var secrets []string
			var mu sync.Mutex // organizations are checked at once
			opts.connect = func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error) {
				if creds.ClientID == "stack-id" {
					mu.Lock()
					secrets = append(secrets, creds.ClientSecret)
					mu.Unlock()
				}
				return atlas.connect(ctx, baseURL, creds)
			}
			got := runStatus(t, opts, "dev-0")
			if tc.want == "" {
				assert.Empty(t, secrets, "no sign-in with half a credential")
				assert.Contains(t, got.stdout+got.stderr, tc.stderr)
				assert.NotContains(t, got.stdout+got.stderr, "mdb_sa_sk_")
				return
			}
			require.NotEmpty(t, secrets, got.stderr)
			for _, secret := range secrets {
				assert.Equal(t, tc.want, secret)
			}
			assert.Contains(t, atlas.signIns, "stack-id@"+configURL, "at the stack's own base URL")
		})
	}
}
