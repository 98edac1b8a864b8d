package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// adminAPIHelp says, in each command's --help, where the Admin API and the
// credential come from; the order itself is written once, in the guide.
const adminAPIHelp = `The Admin API and the credential are the stack's
provider's: from the stack config's mongodbatlas: keys when they hold a
credential, else from the MONGODB_ATLAS_ variables, the base URL always from
the same place as the credential, else Atlas (docs/command-line-tool.md, "Which
Admin API and credential"); --base-url replaces the base URL.`

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

// stackProviderConfig reads the provider's config from a stack config file.
func stackProviderConfig(path string) (atlasapi.ProviderConfig, error) {
	config, encrypted, err := stackconfig.ReadWithEncrypted(path)
	if err != nil {
		return atlasapi.ProviderConfig{}, err
	}
	return atlasapi.StackProviderConfig(filepath.Base(path), config, encrypted), nil
}

// configAdminAPI is findAdminAPI for a command given one stack config
// (--config, "" when none).
func configAdminAPI(flag, configPath string, getenv func(string) string) (adminAPI, error) {
	var stack []atlasapi.ProviderConfig
	if configPath != "" {
		config, err := stackProviderConfig(configPath)
		if err != nil {
			return adminAPI{}, usageError("%w", err)
		}
		stack = append(stack, config)
	}
	return findAdminAPI(flag, stack, getenv)
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
