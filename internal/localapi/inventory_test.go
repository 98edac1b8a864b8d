package localapi

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// boundTokens are the Pulumi tokens internal/mongodbatlas binds: every
// "mongodbatlas:index/..." string constant in its sources.
func boundTokens(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "mongodbatlas", "*.go"))
	require.NoError(t, err)
	var tokens []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(parsed, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, "mongodbatlas:index/") {
					tokens = append(tokens, s)
				}
			}
			return true
		})
	}
	require.NotEmpty(t, tokens)
	return tokens
}

// TestTheInventoryCoversEveryBoundResource: a resource or function the
// binding gains must have its provider package's calls in the inventory.
func TestTheInventoryCoversEveryBoundResource(t *testing.T) {
	calls := map[string]int{}
	for _, c := range ProviderCalls() {
		calls[c.Package]++
	}
	packageOf := map[string]string{}
	for pkg, tokens := range ProviderPackages {
		for _, tok := range tokens {
			packageOf[tok] = pkg
		}
	}
	for _, tok := range boundTokens(t) {
		t.Run(tok, func(t *testing.T) {
			pkg, ok := packageOf[tok]
			require.True(t, ok, "%s is bound but no provider package of the inventory implements it: add its calls (testdata/derive_provider_calls.py) and its package to ProviderPackages", tok)
			assert.Positive(t, calls[pkg], "the inventory holds no call of %s, which implements %s", pkg, tok)
		})
	}
}

// TestEveryCallIsServedOrSaysWhyNot: each call of the inventory is served,
// or has its reason written down; and a reason is never kept for a call
// that is served.
func TestEveryCallIsServedOrSaysWhyNot(t *testing.T) {
	for _, c := range ProviderCalls() {
		t.Run(c.Method+" "+c.Path+" "+c.MediaType, func(t *testing.T) {
			if Serves(c.Method, c.Path, c.MediaType) {
				assert.Empty(t, NotServedReason(c), "served, yet a reason not to is written down")
			} else {
				assert.NotEmpty(t, NotServedReason(c), "neither served nor said why not")
			}
		})
	}
}

// TestServesAsksTheRoutes: Serves tells a route from an unknown path and
// from a version the route does not serve.
func TestServesAsksTheRoutes(t *testing.T) {
	tests := map[string]struct {
		method, path, media string
		want                bool
	}{
		"a route at its version":         {"GET", "/api/atlas/v2/orgs/{orgId}", MediaTypeOrgs, true},
		"a route at another version":     {"GET", "/api/atlas/v2/orgs/{orgId}", MediaTypeUsers, false},
		"a route atlas-local lacks":      {"GET", "/api/atlas/v2/groups/{groupId}/invites", MediaTypeOrgs, false},
		"a team by name, before the mux": {"GET", "/api/atlas/v2/orgs/{orgId}/teams/byName/{teamName}", MediaTypeOrgs, true},
		"an action on a segment":         {"POST", "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite", MediaTypeServiceAccounts, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Serves(tc.method, tc.path, tc.media))
		})
	}
}
