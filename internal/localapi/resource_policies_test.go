package localapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bodies from the provider's acceptance tests of mongodbatlas_resource_policy.
const (
	forbidAWS = `forbid (principal, action == cloud::Action::"cluster.createEdit", resource)
	when { context.cluster.cloudProviders.containsAny([cloud::cloudProvider::"aws"]) };`
	forbidUnknownProvider = `forbid (principal, action == cloud::Action::"cluster.createEdit", resource)
	when { context.cluster.cloudProviders.containsAny([cloud::cloudProvider::"aws222"]) };`
	missingComma = `forbid (principal, action == cloud::Action::"cluster.createEdit"
	resource) when { context.cluster.cloudProviders.containsAny([cloud::cloudProvider::"aws"]) };`
)

// TestResourcePoliciesAnswerAsAtlas: no description is none, the version is
// the one set at creation, and invalid Cedar or an entity the organization
// does not have is refused in Atlas' words, one entry per invalid policy.
func TestResourcePoliciesAnswerAsAtlas(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-policies")
	base := "/api/atlas/v2/orgs/" + created.Organization.ID + "/resourcePolicies"
	var project map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": created.Organization.ID}, &project))
	inProject := func(id string) string {
		return `forbid (principal, action, resource in cloud::project::"` + id + `");`
	}

	t.Run("no description is none, and the version stays", func(t *testing.T) {
		var policy map[string]any
		require.Equal(t, http.StatusCreated, own.do(http.MethodPost, base, sas, map[string]any{"name": "plain", "policies": []map[string]any{{"body": forbidAWS}}}, &policy))
		assert.NotContains(t, policy, "description")
		version := policy["version"]
		require.NotEmpty(t, version)
		path := base + "/" + policy["id"].(string)
		steps := map[string]map[string]any{
			"a new name":      {"name": "renamed"},
			"a description":   {"description": "d"},
			"new policies":    {"policies": []map[string]any{{"body": forbidAWS}, {"body": inProject(project["id"].(string))}}},
			"the same, again": {"name": "renamed"},
			"no description":  {"description": ""},
		}
		for _, name := range []string{"a new name", "a description", "new policies", "the same, again", "no description"} {
			policy = nil // a fresh map: decoding into a used one keeps its keys
			require.Equal(t, http.StatusOK, own.do(http.MethodPatch, path, sas, steps[name], &policy), name)
			assert.Equal(t, version, policy["version"], "after %s", name)
			policy = nil
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, path, sas, nil, &policy))
			assert.Equal(t, version, policy["version"], "read after %s", name)
		}
		assert.NotContains(t, policy, "description")
	})

	tests := map[string]struct {
		bodies      []string
		wantInvalid []string // the detail of each invalid policy, in order; none: created
	}{
		"a missing comma":                {[]string{missingComma}, []string{"unexpected token `resource`"}},
		"cut short":                      {[]string{"permit ("}, []string{"unexpected end of input"}},
		"an unknown cloud provider":      {[]string{forbidUnknownProvider}, []string{"entity id aws222 does not exist in the context of this organization"}},
		"a valid one and an invalid":     {[]string{forbidAWS, forbidUnknownProvider}, []string{"entity id aws222 does not exist in the context of this organization"}},
		"two invalid":                    {[]string{missingComma, forbidUnknownProvider}, []string{"unexpected token `resource`", "entity id aws222 does not exist in the context of this organization"}},
		"another organization's project": {[]string{inProject("64b1c2d3e4f5a6b7c8d9e0f1")}, []string{"entity id 64b1c2d3e4f5a6b7c8d9e0f1 does not exist in the context of this organization"}},
		"an unknown region's provider": {[]string{`forbid (principal, action, resource) when { context.cluster.regions.contains(cloud::region::"aws222:us-east-1") };`},
			[]string{"entity id aws222:us-east-1 does not exist in the context of this organization"}},
		"a known region":                {[]string{`forbid (principal, action, resource) when { context.cluster.regions.contains(cloud::region::"aws:us-east-1") };`}, nil},
		"the ResourcePolicy namespace":  {[]string{`forbid (principal, action, resource) when { context.cluster.cloudProviders.containsAny([ResourcePolicy::CloudProvider::"azure"]) };`}, nil},
		"a project of the organization": {[]string{inProject(project["id"].(string))}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			policies := []map[string]any{}
			for _, b := range tc.bodies {
				policies = append(policies, map[string]any{"body": b})
			}
			for _, path := range []string{base, base + ":validate"} {
				var answer map[string]any
				status := own.do(http.MethodPost, path, sas, map[string]any{"name": "p-" + name, "policies": policies}, &answer)
				if tc.wantInvalid == nil {
					assert.Contains(t, []int{http.StatusCreated, http.StatusOK}, status, path)
					continue
				}
				require.Equal(t, http.StatusBadRequest, status, path)
				assert.Equal(t, "INVALID_POLICIES", answer["errorType"])
				invalid := answer["invalidPolicies"].([]any)
				require.Len(t, invalid, len(tc.wantInvalid), "one entry per invalid policy")
				for i, want := range tc.wantInvalid {
					errs := invalid[i].(map[string]any)["errors"].([]any)
					assert.Equal(t, want, errs[0].(map[string]any)["detail"])
					assert.Contains(t, answer["detail"], want, "in the detail an SDK shows")
				}
			}
		})
	}
}
