package multiorgpkg

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

func loadSchema(t *testing.T) packageSchema {
	t.Helper()
	raw, err := Schema()
	require.NoError(t, err)
	var spec packageSchema
	require.NoError(t, json.Unmarshal(raw, &spec))
	return spec
}

func TestSchemaInputsAreTheStackConfigKeys(t *testing.T) {
	spec := loadSchema(t)
	res := spec.Resources[multiorg.Type]
	require.NotNil(t, res)
	assert.True(t, res.IsComponent)
	for _, f := range multiorg.StackConfigFields {
		require.Contains(t, res.InputProperties, f.Path)
		assert.Equal(t, describe(f), res.InputProperties[f.Path].Description, "documented from the config reference")
	}
	assert.Len(t, res.InputProperties, len(multiorg.StackConfigFields))
	assert.Equal(t, []string{"orgs", "payingOrgId"}, res.RequiredInputs)
	assert.Equal(t, "integer", res.InputProperties["expiryWarningHours"].Type)
	assert.Equal(t, "#/types/atlas-multiorg:index:Org", res.InputProperties["orgs"].AdditionalProperties.Ref)
}

func TestSchemaTypesCoverEveryOrgField(t *testing.T) {
	spec := loadSchema(t)
	tests := map[string]struct {
		token    string
		field    string
		want     property
		required []string
	}{
		"a setting":            {"Org", "multiFactorAuthRequired", property{Type: "boolean"}, []string{"name"}},
		"a block":              {"Org", "serviceAccount", property{Ref: "#/types/atlas-multiorg:index:ServiceAccount"}, []string{"name"}},
		"an embedded setting":  {"Org", "securityContact", property{Type: "string"}, []string{"name"}},
		"a list of strings":    {"ServiceAccount", "roles", property{Type: "array", Items: &property{Type: "string"}}, []string{"description", "name", "roles"}},
		"a list of objects":    {"ApiKey", "accessList", property{Type: "array", Items: &property{Ref: "#/types/atlas-multiorg:index:AccessListEntry"}}, []string{"description", "roles"}},
		"a nested block":       {"ResourcePolicies", "clusterTier", property{Ref: "#/types/atlas-multiorg:index:ClusterTier"}, nil},
		"an integer":           {"ServiceAccount", "rotateEveryHours", property{Type: "integer"}, []string{"description", "name", "roles"}},
		"an access list entry": {"AccessListEntry", "cidrBlock", property{Type: "string"}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			object := spec.Types["atlas-multiorg:index:"+tc.token]
			require.NotNil(t, object)
			got := object.Properties[tc.field]
			require.NotNil(t, got)
			assert.NotEmpty(t, got.Description)
			got.Description = ""
			assert.Equal(t, tc.want, *got)
			assert.Equal(t, tc.required, object.Required)
		})
	}
	fields := 0
	for _, object := range spec.Types {
		fields += len(object.Properties)
	}
	// One row per field of each type: apiKey.accessList shares the service
	// account's entry type, documented once.
	assert.Equal(t, len(multiorg.OrgFields), fields)
}

func TestSchemaOutputs(t *testing.T) {
	res := loadSchema(t).Resources[multiorg.Type]
	require.Len(t, res.Properties, len(multiorg.OutputFields))
	for name, p := range res.Properties {
		assert.Equal(t, name == "credentials", p.Secret, "%s secret", name)
		assert.NotEmpty(t, p.Description, name)
	}
	assert.Equal(t, "integer", res.Properties["accessListEntries"].AdditionalProperties.Type)
	assert.Equal(t, "string", res.Properties["credentials"].AdditionalProperties.AdditionalProperties.Type)
	assert.NotContains(t, res.Properties["orgIds"].Description, "](", "links to the guides are dropped")
}

func TestSchemaDropsLinksToTheGuides(t *testing.T) {
	assert.Equal(t, "see Adoption, resource policies and the lifecycle.",
		plain("see [Adoption](adoption.md), [resource policies](environments-and-policies.md#resource-policies) and [the lifecycle](#credential-lifecycle)."))
	assert.Equal(t, "[Atlas](https://www.mongodb.com/docs/atlas/)", plain("[Atlas](https://www.mongodb.com/docs/atlas/)"), "a link out stays")
}
