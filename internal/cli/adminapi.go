package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// baseURLKey is the provider's config key for the Admin API's address.
const baseURLKey = "mongodbatlas:baseUrl"

// adminAPI is the Admin API a command calls, and why that one: an error
// names both, so that a call that went to Atlas instead of atlas-local says
// how to point it elsewhere.
type adminAPI struct {
	baseURL string
	// from says why: "given by --base-url", and so on.
	from string
}

// stackBaseURL is the mongodbatlas:baseUrl a stack config gives, by file.
type stackBaseURL struct{ file, url string }

// findAdminAPI picks the Admin API as the stack's own provider would:
// --base-url, else the stack configs' mongodbatlas:baseUrl, else
// MONGODB_ATLAS_BASE_URL, else Atlas. Stacks that name different ones need
// --base-url.
func findAdminAPI(flag string, stacks []stackBaseURL, getenv func(string) string) (adminAPI, error) {
	if flag != "" {
		return adminAPI{flag, "given by --base-url"}, nil
	}
	var named []stackBaseURL
	for _, s := range stacks {
		if s.url != "" {
			named = append(named, s)
		}
	}
	for _, s := range named[min(1, len(named)):] {
		if s.url != named[0].url {
			var each []string
			for _, n := range named {
				each = append(each, filepath.Base(n.file)+": "+n.url)
			}
			return adminAPI{}, usageError("the stacks name different Admin APIs in %s (%s): give --base-url", baseURLKey, strings.Join(each, ", "))
		}
	}
	switch {
	case len(named) > 0:
		return adminAPI{named[0].url, "given by " + baseURLKey + " in " + filepath.Base(named[0].file)}, nil
	case getenv("MONGODB_ATLAS_BASE_URL") != "":
		return adminAPI{getenv("MONGODB_ATLAS_BASE_URL"), "given by MONGODB_ATLAS_BASE_URL"}, nil
	}
	return adminAPI{atlasapi.DefaultBaseURL, "Atlas itself: neither --base-url, " + baseURLKey + " in the stack config nor MONGODB_ATLAS_BASE_URL names another"}, nil
}

// configAdminAPI is findAdminAPI for a command given one stack config
// (--config, "" when none).
func configAdminAPI(flag, configPath string, getenv func(string) string) (adminAPI, error) {
	var stack []stackBaseURL
	if configPath != "" {
		config, err := stackconfig.Read(configPath)
		if err != nil {
			return adminAPI{}, usageError("%w", err)
		}
		stack = append(stack, stackBaseURL{configPath, config[baseURLKey]})
	}
	return findAdminAPI(flag, stack, getenv)
}

// failed is an Admin API call's error, with the address it went to.
func (a adminAPI) failed(err error) error {
	return &exitError{code: ExitAPI, err: fmt.Errorf("%w (Admin API at %s, %s)", err, a.baseURL, a.from)}
}

// signIn connects to the Admin API with the credentials from the
// environment, as the provider reads them. Missing credentials are a usage
// error.
func signIn[C any](ctx context.Context, api adminAPI, getenv func(string) string,
	connect func(context.Context, string, atlasapi.Credentials) (C, error),
) (C, error) {
	client, err := connect(ctx, api.baseURL, atlasapi.CredentialsFromEnv(getenv))
	if err != nil {
		return client, usageError("%w", err)
	}
	return client, nil
}
