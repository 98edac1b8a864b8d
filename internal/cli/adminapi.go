package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// adminAPIHelp says, in each command's --help, where the Admin API and the
// credential come from; the order itself is written once, in the guide.
const adminAPIHelp = `The Admin API and the credential are the stack's
provider's: from the stack config's mongodbatlas: keys when they hold a
credential (one set with --secret is decrypted by pulumi config get, else read
from its MONGODB_ATLAS_ variable), else from the MONGODB_ATLAS_ variables, the
base URL always from the same place as the credential, else Atlas
(docs/command-line-tool.md, "Which Admin API and credential"); --base-url
replaces the base URL.`

// baseURLFlagHelp is each command's --base-url.
const baseURLFlagHelp = "Admin API base URL (default: the stack's provider's, see --help)"

// adminAPI is the Admin API a command calls and the credential it signs in
// with, and why those: an error names the address and where it came from,
// so that a call that went to Atlas instead of atlas-local says how to point
// it elsewhere. It never names a secret.
type adminAPI struct {
	baseURL string
	// from says why: "given by --base-url", and so on.
	from string
	// creds are the credential, credsFrom where it came from.
	creds     atlasapi.Credentials
	credsFrom string
}

// findAdminAPI resolves the Admin API and the credential as each stack's own
// provider does (atlasapi.Resolve, documented in docs/command-line-tool.md),
// with --base-url before the base URL it resolves. Stacks whose providers
// would call different Admin APIs need --base-url; the credential is the
// first stack's. No stack is the environment alone.
func findAdminAPI(flag string, stacks []atlasapi.ProviderConfig, getenv func(string) string) (adminAPI, error) {
	if len(stacks) == 0 {
		stacks = []atlasapi.ProviderConfig{{Where: "the stack config"}}
	}
	var resolved []atlasapi.Resolution
	for _, s := range stacks {
		r, err := atlasapi.Resolve(s, getenv)
		if err != nil {
			return adminAPI{}, usageError("%w", err)
		}
		resolved = append(resolved, r)
	}
	api := adminAPI{baseURL: resolved[0].BaseURL, from: resolved[0].BaseURLFrom, creds: resolved[0].Credentials, credsFrom: resolved[0].CredentialsFrom}
	if flag != "" {
		api.baseURL, api.from = flag, "given by --base-url"
		return api, nil
	}
	for _, r := range resolved[1:] {
		if r.BaseURL != api.baseURL {
			var each []string
			for i, r := range resolved {
				each = append(each, stacks[i].Where+": "+r.BaseURL)
			}
			return adminAPI{}, usageError("the stacks' providers call different Admin APIs (%s): give --base-url", strings.Join(each, ", "))
		}
	}
	return api, nil
}

// stackProviderConfig reads the provider's config from a stack config file,
// with its encrypted credential decrypted where the stack's secrets provider
// can (decryptCredentials).
func stackProviderConfig(ctx context.Context, path string, decrypt configDecrypter) (atlasapi.ProviderConfig, error) {
	config, encrypted, err := stackconfig.ReadWithEncrypted(path)
	if err != nil {
		return atlasapi.ProviderConfig{}, err
	}
	provider := atlasapi.StackProviderConfig(filepath.Base(path), config, encrypted)
	decryptCredentials(ctx, decrypt, filepath.Dir(path), stackconfig.StackName(path), &provider)
	return provider, nil
}

// configAdminAPI is findAdminAPI for a command given one stack config
// (--config, "" when none).
func configAdminAPI(ctx context.Context, flag, configPath string, getenv func(string) string) (adminAPI, error) {
	var stack []atlasapi.ProviderConfig
	if configPath != "" {
		config, err := stackProviderConfig(ctx, configPath, pulumiConfigGet)
		if err != nil {
			return adminAPI{}, usageError("%w", err)
		}
		stack = append(stack, config)
	}
	return findAdminAPI(flag, stack, getenv)
}

// configDecrypter gives the value of one encrypted config key of a stack of
// the project in dir, decrypted by the stack's secrets provider.
type configDecrypter func(ctx context.Context, dir, stack, key string) (string, error)

// decryptCredentials gives the provider config the values of its encrypted
// credential keys (`pulumi config set --secret mongodbatlas:clientSecret`,
// the way docs/running-against-atlas.md stores them), so that a command
// signs in with what the stack's provider signs in with. Where they cannot
// be decrypted (no Pulumi.yaml in dir, no login, no passphrase), the first
// failure is kept for the message, and atlasapi.Resolve reads the
// environment variable instead.
func decryptCredentials(ctx context.Context, decrypt configDecrypter, dir, stack string, provider *atlasapi.ProviderConfig) {
	keys := provider.EncryptedCredentialKeys()
	if len(keys) == 0 {
		return
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err != nil {
		// pulumi would look for a project in the folders above: not this stack's.
		provider.DecryptFailure = "no Pulumi.yaml beside " + provider.Where + " to decrypt it with"
		return
	}
	for _, key := range keys {
		value, err := decrypt(ctx, dir, stack, key)
		if err != nil {
			if provider.DecryptFailure == "" {
				provider.DecryptFailure, _, _ = strings.Cut(err.Error(), "\n")
			}
			continue
		}
		provider.SetDecrypted(key, value)
	}
}

// pulumiConfigGet is a configDecrypter: `pulumi config get KEY --json` of the
// stack, in dir. Its value is read and never printed.
func pulumiConfigGet(ctx context.Context, dir, stack, key string) (string, error) {
	cmd := exec.CommandContext(ctx, "pulumi", "config", "get", key, "--json", "--stack", stack, "--non-interactive") //nolint:gosec // G204: the user's own stack name and a provider key, as arguments
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("pulumi config get %s --stack %s: %w: %s", key, stack, err, strings.TrimSpace(stderr.String()))
	}
	var value struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(out, &value); err != nil {
		return "", fmt.Errorf("pulumi config get %s --stack %s printed no value: %w", key, stack, err)
	}
	return value.Value, nil
}

// failed is an Admin API call's error, with the address it went to.
func (a adminAPI) failed(err error) error {
	return &ExitError{Code: ExitAPI, Err: fmt.Errorf("%w (Admin API at %s, %s; signed in with %s)", err, a.baseURL, a.from, a.credsFrom)}
}

// signIn connects to the Admin API with the resolved credential. A missing
// credential is a usage error.
func signIn[C any](ctx context.Context, api adminAPI, connect func(context.Context, string, atlasapi.Credentials) (C, error)) (C, error) {
	client, err := connect(ctx, api.baseURL, api.creds)
	if err != nil {
		return client, usageError("%w", err)
	}
	return client, nil
}
