package multiorgpkg

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

const (
	payingOrg = "5f0c1d2e3f4a5b6c7d8e9f01"
	ownerID   = "6a1b2c3d4e5f6a7b8c9d0e1f"
	adoptedID = "64b1c2d3e4f5a6b7c8d9e0f1"
	stackURN  = "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::pulumi:pulumi:Stack::" + atlasmock.Project + "-" + atlasmock.Stack
)

// devInputs are the component's inputs as a TypeScript or YAML program
// sends them: a created org with an access list, an API-key org, and an
// adopted one.
func devInputs(t *testing.T) resource.PropertyMap {
	t.Helper()
	var orgs map[string]any
	require.NoError(t, json.Unmarshal([]byte(`{
		"analytics": {"name": "acme-analytics", "securityContact": "sec@example.com",
			"serviceAccount": {"name": "analytics-ci", "description": "CI of analytics", "roles": ["ORG_OWNER"],
				"accessList": [{"cidrBlock": "198.51.100.0/24"}]}},
		"billing": {"name": "acme-billing", "apiKey": {"description": "billing", "roles": ["ORG_OWNER"]}},
		"legacy": {"name": "Legacy Org", "importId": "`+adoptedID+`", "apiAccessListRequired": false,
			"multiFactorAuthRequired": true, "restrictEmployeeAccess": true, "genAiFeaturesEnabled": false,
			"securityContact": "", "skipDefaultAlertsSettings": true}
	}`), &orgs))
	return resource.PropertyMap{
		"payingOrgId":        resource.NewProperty(payingOrg),
		"orgOwnerId":         resource.MakeSecret(resource.NewProperty(ownerID)), // a secret input is read like any other
		"expiryWarningHours": resource.NewProperty(48.0),
		"orgs":               resource.NewPropertyValue(orgs),
	}
}

// construct calls the provider's Construct over its RPC surface, with an
// in-process engine answering the registrations.
func construct(t *testing.T, mon *atlasmock.Monitor, inputs resource.PropertyMap) (*pulumirpc.ConstructResponse, *atlasmock.Engine, error) {
	t.Helper()
	engine := atlasmock.ServeEngine(t, mon, atlasmock.Project, atlasmock.Stack)
	schema, err := Schema()
	require.NoError(t, err)
	srv := NewServer(engine.Conn(t), schema)
	wire, err := plugin.MarshalProperties(inputs, plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	require.NoError(t, err)
	resp, err := srv.Construct(context.Background(), &pulumirpc.ConstructRequest{
		Project: atlasmock.Project, Stack: atlasmock.Stack, Organization: "organization",
		Type: multiorg.Type, Name: "platform", Parent: stackURN, Inputs: wire,
		MonitorEndpoint: engine.Addr, Config: map[string]string{"mongodbatlas:baseUrl": "http://127.0.0.1:9/"},
		AcceptsOutputValues: true,
	})
	return resp, engine, err
}

func TestConstructThroughTheProviderRPC(t *testing.T) {
	mon := &atlasmock.Monitor{}
	resp, engine, err := construct(t, mon, devInputs(t))
	require.NoError(t, err)
	componentURN := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + multiorg.Type + "::platform"
	assert.Equal(t, componentURN, resp.GetUrn())

	state, err := plugin.UnmarshalProperties(resp.GetState(), plugin.MarshalOptions{KeepSecrets: true})
	require.NoError(t, err)
	credentials := state["credentials"]
	require.True(t, credentials.IsSecret(), "credentials cross the language boundary as a secret")
	creds := credentials.SecretValue().Element.ObjectValue()
	assert.Equal(t, atlasmock.ClientSecret("platform-analytics"), creds["analytics"].ObjectValue()["clientSecret"].StringValue())
	assert.NotContains(t, creds, "legacy", "an adopted organization has no credential")
	for _, key := range []resource.PropertyKey{"orgIds", "orgNames", "credentialTypes", "secretExpiresAt", "payingOrgIds", "accessListEntries"} {
		assert.False(t, state[key].ContainsSecrets(), "%s is not secret", key)
	}
	assert.Equal(t, "none", state["credentialTypes"].ObjectValue()["legacy"].StringValue())
	assert.Equal(t, 1.0, state["accessListEntries"].ObjectValue()["analytics"].NumberValue())
	assert.Equal(t, payingOrg, state["payingOrgId"].StringValue())
	assert.Equal(t, state, engine.Outputs(componentURN), "the outputs registered are the state returned")

	orgs := mon.ByType(mongodbatlas.OrganizationType)
	require.Len(t, orgs, 3)
	for _, key := range []string{"analytics", "billing", "legacy"} {
		org := orgs["platform-"+key]
		require.NotNil(t, org.RegisterRPC, key)
		assert.Equal(t, componentURN, org.RegisterRPC.GetParent(), "%s is a child of the component", key)
	}
	assert.Equal(t, adoptedID, orgs["platform-legacy"].RegisterRPC.GetImportId(), "adopted on its first run")
	assert.True(t, orgs["platform-legacy"].RegisterRPC.GetRetainOnDelete(), "an adopted organization is never deleted")
	assert.Equal(t, resource.NewProperty(ownerID), orgs["platform-analytics"].Inputs["orgOwnerId"])
	assert.Equal(t, "http://127.0.0.1:9/", mon.ByType(mongodbatlas.ProviderType)["platform-analytics"].Inputs["baseUrl"].StringValue(),
		"the per-org provider talks to the caller's Admin API")
	assert.Equal(t, []string{"organization/" + atlasmock.Project + "/" + atlasmock.Stack}, mon.StateReads(), "its own state, read once")
	for _, line := range engine.Logs() {
		assert.NotContains(t, line, atlasmock.ClientSecret("platform-analytics"), "no secret is logged")
	}
}

// TestConstructRejectsBadInputsLikeTheGoProgram: every problem, with its
// path, in the Go stack program's words, and nothing registered.
func TestConstructRejectsBadInputsLikeTheGoProgram(t *testing.T) {
	orgs := `{"a": {"name": "acme a", "serviceAcount": {}}, "b": {"name": "acme-b", "apiKey": {"description": "b", "roles": ["ORG_MEMBER"]}}}`
	var decoded map[string]any
	require.NoError(t, json.Unmarshal([]byte(orgs), &decoded))
	mon := &atlasmock.Monitor{}
	_, _, err := construct(t, mon, resource.PropertyMap{
		"payingOrgId": resource.NewProperty("acme"),
		"environment": resource.NewProperty("qa"),
		"orgs":        resource.NewPropertyValue(decoded),
	})
	require.Error(t, err)
	_, goErr := multiorg.SpecFromConfig(map[string]string{
		"atlas-multiorg:payingOrgId": "acme", "atlas-multiorg:environment": "qa", "atlas-multiorg:orgs": orgs,
	}, atlasmock.Stack)
	require.Error(t, goErr)
	assert.Contains(t, err.Error(), goErr.Error(), "the same problems as the Go program's")
	for _, want := range []string{"payingOrgId:", "environment:", "orgs.a.name:", `orgs.a.serviceAcount: unknown field; did you mean "serviceAccount"?`, "orgs.b.apiKey.roles:"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Empty(t, mon.Registrations(), "nothing is registered")
}

func TestSpecFromInputs(t *testing.T) {
	base := func(edit func(resource.PropertyMap)) resource.PropertyMap {
		inputs := resource.PropertyMap{
			"payingOrgId": resource.NewProperty(payingOrg),
			"orgOwnerId":  resource.NewProperty(ownerID),
			"orgs": resource.NewProperty(resource.PropertyMap{
				"a": resource.NewProperty(resource.PropertyMap{"name": resource.NewProperty("acme-a")}),
			}),
		}
		if edit != nil {
			edit(inputs)
		}
		return inputs
	}
	orgs := func(inputs resource.PropertyMap) resource.PropertyMap {
		return inputs["orgs"].ObjectValue()["a"].ObjectValue()
	}
	tests := map[string]struct {
		inputs  resource.PropertyMap
		check   func(*testing.T, multiorg.Spec)
		problem string
	}{
		"plain": {inputs: base(nil), check: func(t *testing.T, s multiorg.Spec) {
			assert.Equal(t, "acme-a", s.Orgs["a"].Name)
			assert.Equal(t, atlasmock.Stack, s.Environment, "the stack name is the default environment")
		}},
		"whole hours": {inputs: base(func(p resource.PropertyMap) { p["expiryWarningHours"] = resource.NewProperty(72.0) }),
			check: func(t *testing.T, s multiorg.Spec) { assert.Equal(t, 72, s.ExpiryWarningHours) }},
		"fractional hours": {inputs: base(func(p resource.PropertyMap) { p["expiryWarningHours"] = resource.NewProperty(1.5) }),
			problem: `expiryWarningHours: must be a whole number of hours, got "1.5"`},
		"secret nested value": {inputs: base(func(p resource.PropertyMap) {
			orgs(p)["securityContact"] = resource.MakeSecret(resource.NewProperty("sec@example.com"))
		}), check: func(t *testing.T, s multiorg.Spec) { assert.Equal(t, "sec@example.com", *s.Orgs["a"].SecurityContact) }},
		"unknown in a preview": {inputs: base(func(p resource.PropertyMap) {
			orgs(p)["name"] = resource.MakeComputed(resource.NewProperty(""))
		}), problem: "orgs.a.name: must be known when the program runs"},
		"unknown output value": {inputs: base(func(p resource.PropertyMap) {
			p["orgOwnerId"] = resource.NewProperty(resource.Output{Known: false})
		}), problem: "orgOwnerId: must be known when the program runs"},
		"wrong type": {inputs: base(func(p resource.PropertyMap) {
			orgs(p)["multiFactorAuthRequired"] = resource.NewProperty("yes")
		}), problem: "orgs.a.multiFactorAuthRequired: must be true or false"},
		"unknown input": {inputs: base(func(p resource.PropertyMap) { p["payingOrgID"] = resource.NewProperty(payingOrg) }),
			problem: `did you mean "payingOrgId"?`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			spec, err := SpecFromInputs(tc.inputs, atlasmock.Stack)
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			tc.check(t, spec)
		})
	}
}

func TestConstructRefusesOtherTypes(t *testing.T) {
	srv := NewServer(nil, nil)
	_, err := srv.Construct(context.Background(), &pulumirpc.ConstructRequest{Type: "atlas-multiorg:index:Other"})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), multiorg.Type))
}

// TestConstructReadsWhatTheLastDeploymentLeft: the package reads its own
// component's outputs and organizations from the state, as the Go program
// does, so an adopted organization is imported once and the per-org
// providers sign in with the credentials the last deployment exported.
func TestConstructReadsWhatTheLastDeploymentLeft(t *testing.T) {
	first := &atlasmock.Monitor{}
	_, engine, err := construct(t, first, devInputs(t))
	require.NoError(t, err)
	componentURN := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + multiorg.Type + "::platform"
	outputs := engine.Outputs(componentURN)
	require.NotNil(t, outputs)
	previous := outputs["credentials"].SecretValue().Element.ObjectValue()
	previous["analytics"].ObjectValue()["clientSecret"] = resource.NewProperty("mdb_sa_sk_EXPORTED")

	orgURN := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + multiorg.Type + "$" + mongodbatlas.OrganizationType + "::platform-"
	second := &atlasmock.Monitor{State: map[string]resource.PropertyMap{
		componentURN:         outputs,
		orgURN + "legacy":    {"orgId": resource.NewProperty(adoptedID)},
		orgURN + "analytics": {"orgId": resource.NewProperty("0123456789abcdef01234567")},
	}}
	_, _, err = construct(t, second, devInputs(t))
	require.NoError(t, err)
	assert.Empty(t, second.ByType(mongodbatlas.OrganizationType)["platform-legacy"].RegisterRPC.GetImportId(), "already in the state: not imported again")
	assert.Equal(t, resource.MakeSecret(resource.NewProperty("mdb_sa_sk_EXPORTED")),
		second.ByType(mongodbatlas.ProviderType)["platform-analytics"].Inputs["clientSecret"], "the credential the last deployment left")
}
