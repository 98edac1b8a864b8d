package multiorgpkg

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
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
		"a list of roles":      {"ServiceAccount", "roles", property{Type: "array", Items: &property{Ref: "#/types/atlas-multiorg:index:OrgRole"}}, nil},
		"a list of strings":    {"ResourcePolicies", "cloudProviders", property{Type: "array", Items: &property{Type: "string"}}, nil},
		"a list of objects":    {"ApiKey", "accessList", property{Type: "array", Items: &property{Ref: "#/types/atlas-multiorg:index:AccessListEntry"}}, []string{"description", "roles"}},
		"a nested block":       {"ResourcePolicies", "clusterTier", property{Ref: "#/types/atlas-multiorg:index:ClusterTier"}, nil},
		"an integer":           {"ServiceAccount", "rotateEveryHours", property{Type: "integer"}, nil},
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
	assert.Equal(t, "string", res.Properties["credentials"].AdditionalProperties.AdditionalProperties.Type, "the same keys from every language")
	assert.Equal(t, "#/types/atlas-multiorg:index:CredentialType", res.Properties["credentialTypes"].AdditionalProperties.Ref)
	assert.NotContains(t, res.Properties["orgIds"].Description, "](", "links to the guides are dropped")
}

func TestSchemaEnumsAreTheValidatedSets(t *testing.T) {
	spec := loadSchema(t)
	values := func(token string) []string {
		enum := spec.Types["atlas-multiorg:index:"+token]
		require.NotNil(t, enum, token)
		assert.Equal(t, "string", enum.Type)
		var vs []string
		for _, v := range enum.Enum {
			vs = append(vs, v.Value)
		}
		return vs
	}
	assert.Equal(t, multiorg.PromotionOrder, values("Environment"))
	assert.ElementsMatch(t, multiorg.EnvironmentNames(), values("Environment"), "every profile, and only those")
	assert.Equal(t, multiorg.OrgRoles, values("OrgRole"))
	assert.Equal(t, "OrgBillingReadOnly", spec.Types["atlas-multiorg:index:OrgRole"].Enum[4].Name, "named for the SDKs")
	assert.Equal(t, []string{"serviceAccount", "apiKey", "none"}, values("CredentialType"))
	assert.Equal(t, "#/types/atlas-multiorg:index:Environment", spec.Resources[multiorg.Type].InputProperties["environment"].Ref)
	for _, path := range []struct{ token, field string }{{"ServiceAccount", "roles"}, {"ApiKey", "roles"}, {"Member", "roles"}} {
		assert.Equal(t, "#/types/atlas-multiorg:index:OrgRole", spec.Types["atlas-multiorg:index:"+path.token].Properties[path.field].Items.Ref, path)
	}
}

// TestSchemaDescribesEverything: the SDKs' docs are the schema's
// descriptions, so a field without one is an undocumented input.
func TestSchemaDescribesEverything(t *testing.T) {
	spec := loadSchema(t)
	res := spec.Resources[multiorg.Type]
	assert.NotEmpty(t, res.Description)
	for name, p := range res.InputProperties {
		assert.NotEmpty(t, p.Description, "input %s", name)
	}
	for name, p := range res.Properties {
		assert.NotEmpty(t, p.Description, "output %s", name)
	}
	for token, object := range spec.Types {
		assert.NotEmpty(t, object.Description, token)
		for name, p := range object.Properties {
			assert.NotEmpty(t, p.Description, "%s.%s", token, name)
		}
	}
}

// TestServiceAccountFieldsAreOptionalAsDocumented: the reference gives
// name, description and roles defaults, so the schema must not require them.
func TestServiceAccountFieldsAreOptionalAsDocumented(t *testing.T) {
	sa := loadSchema(t).Types["atlas-multiorg:index:ServiceAccount"]
	assert.Empty(t, sa.Required)
	for _, f := range multiorg.OrgFields {
		switch f.Path {
		case "serviceAccount.name", "serviceAccount.description", "serviceAccount.roles":
			assert.NotEqual(t, "required", f.Default, f.Path)
		}
	}
}

func TestSchemaDropsLinksToTheGuides(t *testing.T) {
	assert.Equal(t, "see Adoption, resource policies and the lifecycle.",
		plain("see [Adoption](adoption.md), [resource policies](environments-and-policies.md#resource-policies) and [the lifecycle](#credential-lifecycle)."))
	assert.Equal(t, "[Atlas](https://www.mongodb.com/docs/atlas/)", plain("[Atlas](https://www.mongodb.com/docs/atlas/)"), "a link out stays")
}

// TestSchemaHasTheOrganizationSettingsResource: a custom resource whose
// credential inputs are secrets and never outputs.
func TestSchemaHasTheOrganizationSettingsResource(t *testing.T) {
	res := loadSchema(t).Resources[orgsettings.Type]
	require.NotNil(t, res)
	assert.False(t, res.IsComponent)
	assert.Equal(t, []string{orgsettings.OrgID}, res.RequiredInputs)
	for _, name := range []string{orgsettings.ClientID, orgsettings.ClientSecret, orgsettings.PublicKey, orgsettings.PrivateKey} {
		require.Contains(t, res.InputProperties, name)
		assert.True(t, res.InputProperties[name].Secret, "%s is a secret input", name)
		assert.NotContains(t, res.Properties, name, "%s is never an output", name)
	}
	assert.Equal(t, "integer", res.InputProperties["absoluteSessionTimeoutInSeconds"].Type)
	assert.Contains(t, res.InputProperties["absoluteSessionTimeoutInSeconds"].Description, "A person in several organizations gets the shortest")
	assert.Equal(t, "boolean", res.Properties["streamsCrossGroupEnabled"].Type)
}
