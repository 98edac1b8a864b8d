package mongodbatlas

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// declaredResourceTypes are the values of the binding's exported constants
// named ...Type: the type token of every resource it registers.
func declaredResourceTypes(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var types []string
	for _, entry := range entries {
		if !strings.HasSuffix(entry.Name(), ".go") || strings.HasSuffix(entry.Name(), "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), entry.Name(), nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range spec.Names {
				if !name.IsExported() || !strings.HasSuffix(name.Name, "Type") || i >= len(spec.Values) {
					continue
				}
				if lit, ok := spec.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					value, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					types = append(types, value)
				}
			}
			return true
		})
	}
	return types
}

func TestEveryResourceTypeHasItsInputs(t *testing.T) {
	t.Parallel()
	declared := declaredResourceTypes(t)
	require.NotEmpty(t, declared)
	assert.ElementsMatch(t, declared, ResourceTypes(), "every type token the binding declares has its inputs in resourceInputs, and no other")
	for _, typ := range declared {
		names, ok := InputNames(typ)
		require.True(t, ok, typ)
		assert.NotEmpty(t, names, typ)
	}
}

func TestIsInputPath(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		typ  string
		path []string
		want bool
	}{
		"a setting":                          {OrganizationType, []string{"multiFactorAuthRequired"}, true},
		"an output only":                     {OrganizationType, []string{"orgId"}, false},
		"a list input's element":             {OrganizationType, []string{"roleNames", "0"}, true},
		"a nested input":                     {OrganizationType, []string{"serviceAccount", "roles", "1"}, true},
		"a nested output of a shared struct": {OrganizationType, []string{"serviceAccount", "secrets", "0", "expiresAt"}, false},
		"a person's last sign-in":            {CloudUserOrgAssignmentType, []string{"lastAuth"}, false},
		"a person's teams":                   {CloudUserOrgAssignmentType, []string{"teamIds"}, false},
		"a person's organization roles":      {CloudUserOrgAssignmentType, []string{"roles", "orgRoles", "0"}, true},
		"a person's project roles (read)":    {CloudUserOrgAssignmentType, []string{"roles", "projectRoleAssignments"}, false},
		"a team's name":                      {TeamType, []string{"name"}, true},
		"a team's usernames":                 {TeamType, []string{"usernames"}, false},
		"a policy's body":                    {ResourcePolicyType, []string{"policies", "0", "body"}, true},
		"a policy's ID":                      {ResourcePolicyType, []string{"policies", "0", "id"}, false},
		"a map input's key":                  {ProjectType, []string{"tags", "team"}, true},
		"a secret's expiry":                  {ServiceAccountSecretType, []string{"expiresAt"}, false},
		"a type the binding does not know":   {"pulumi:index:Stash", []string{"output"}, true},
		"an index that is no index":          {OrganizationType, []string{"roleNames", "x"}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, IsInputPath(tc.typ, tc.path))
		})
	}
}
