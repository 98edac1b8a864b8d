package stacks

import (
	"os"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

const (
	payingOrg = "5f1a2b3c4d5e6f7a8b9c0d1e"
	ownerID   = "6a1b2c3d4e5f6a7b8c9d0e1f"
)

// stackConfig is a valid config with a service-account org and an API-key org;
// orgs replaces the orgs object when given.
func stackConfig(orgs string) map[string]string {
	if orgs == "" {
		orgs = `{
			"analytics": {"name": "acme-analytics", "securityContact": "sec@example.com"},
			"billing": {"name": "acme-billing", "apiKey": {"description": "billing", "roles": ["ORG_OWNER"]}}
		}`
	}
	return map[string]string{
		"atlas-multiorg:payingOrgId": payingOrg,
		"atlas-multiorg:orgOwnerId":  ownerID,
		"atlas-multiorg:orgs":        orgs,
	}
}

func runProgram(t *testing.T, mon *atlasmock.Monitor, config map[string]string) error {
	t.Helper()
	return atlasmock.Run(t, mon, config, Program)
}

func TestConfigProblems(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   []string // "path: message fragment"
	}{
		"unknown org field with suggestion": {
			stackConfig(`{"a": {"name": "acme-a", "serviceAcount": {}}}`),
			[]string{`orgs.a.serviceAcount: unknown field; did you mean "serviceAccount"?`},
		},
		"field names are case-sensitive": {
			stackConfig(`{"a": {"name": "acme-a", "multifactorauthrequired": true}}`),
			[]string{`orgs.a.multifactorauthrequired: unknown field; did you mean "multiFactorAuthRequired"? (names are case-sensitive)`},
		},
		"unknown nested field": {
			stackConfig(`{"a": {"name": "acme-a", "apiKey": {"description": "d", "roles": ["ORG_OWNER"], "role": "x"}}}`),
			[]string{`orgs.a.apiKey.role: unknown field; did you mean "roles"?`},
		},
		"unknown top-level key": {
			func() map[string]string {
				c := stackConfig("")
				c["atlas-multiorg:orgOwnerID"] = ownerID
				return c
			}(),
			[]string{`atlas-multiorg:orgOwnerID: unknown config key; did you mean "orgOwnerId"? (names are case-sensitive)`},
		},
		"wrong types are named once, not again as missing": {
			stackConfig(`{"a": {"name": 42, "multiFactorAuthRequired": "yes", "serviceAccount": {"name": "n", "description": "d", "roles": "ORG_OWNER", "secretExpiresAfterHours": 1.5}}}`),
			[]string{
				"orgs.a.name: must be a string",
				"orgs.a.multiFactorAuthRequired: must be true or false",
				"orgs.a.serviceAccount.roles: must be a list of strings",
				"orgs.a.serviceAccount.secretExpiresAfterHours: must be a whole number",
			},
		},
		"orgs not an object": {
			stackConfig(`["a"]`),
			[]string{"orgs: must be an object keyed by org key"},
		},
		"org entry not an object": {
			stackConfig(`{"a": "acme-a"}`),
			[]string{"orgs.a: must be an object of fields"},
		},
		"decode and validation problems together": {
			func() map[string]string {
				c := stackConfig(`{"a": {"name": "acme-a", "nmae": "x", "apiKey": {"description": "d", "roles": ["ORG_MEMBER"]}}}`) //nolint:misspell // the typo under test
				c["atlas-multiorg:payingOrgId"] = "nope"
				return c
			}(),
			[]string{
				`orgs.a.nmae: unknown field; did you mean "name"?`,
				"orgs.a.apiKey.roles: must include ORG_OWNER",
				"payingOrgId: must be a 24-character lowercase hexadecimal",
			},
		},
		"expiry window not a number": {
			func() map[string]string {
				c := stackConfig("")
				c["atlas-multiorg:expiryWarningHours"] = "two weeks"
				return c
			}(),
			[]string{`expiryWarningHours: must be a whole number of hours, got "two weeks"`},
		},
		"missing everything": {
			map[string]string{},
			[]string{"payingOrgId: required", "orgs: required"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mon := &atlasmock.Monitor{}
			err := runProgram(t, mon, tc.config)
			var verr *multiorg.ValidationError
			require.ErrorAs(t, err, &verr)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), "\n  - "+want)
			}
			assert.Len(t, verr.Problems, len(tc.want), "exactly the expected problems:\n%v", err)
			assert.Empty(t, mon.Registrations(), "no resource is registered when config is invalid")
		})
	}
}

func TestProgramExports(t *testing.T) {
	for _, engineSecrets := range []bool{false, true} {
		mon := &atlasmock.Monitor{EngineSecrets: engineSecrets}
		exports := map[string]atlasmock.Resolved{}
		err := atlasmock.Run(t, mon, stackConfig(""), func(ctx *pulumi.Context) error {
			if err := Program(ctx); err != nil {
				return err
			}
			for name, value := range ctx.GetCurrentExportMap() {
				r, err := atlasmock.Await(pulumi.ToOutput(value))
				require.NoError(t, err)
				exports[name] = r
			}
			return nil
		})
		require.NoError(t, err)
		require.Len(t, exports, 3)

		orgs := exports["orgs"]
		assert.False(t, orgs.Secret, "orgs export holds nothing secret (engine secrets %v)", engineSecrets)
		assert.Equal(t, map[string]any{
			"analytics": map[string]any{
				"orgId":             atlasmock.FakeID("multiorg-analytics"),
				"name":              "acme-analytics",
				"credentialType":    "serviceAccount",
				"secretExpiresAt":   atlasmock.CreatedAt.AddDate(0, 0, 90).Format("2006-01-02T15:04:05Z07:00"),
				"payingOrgId":       payingOrg,
				"accessListEntries": 0,
			},
			"billing": map[string]any{
				"orgId":             atlasmock.FakeID("multiorg-billing"),
				"name":              "acme-billing",
				"credentialType":    "apiKey",
				"secretExpiresAt":   "",
				"payingOrgId":       payingOrg,
				"accessListEntries": 0,
			},
		}, orgs.Value)

		decoded, err := multiorg.StackOutputsFromValues(map[string]any{"orgs": orgs.Value, "payingOrgId": exports["payingOrgId"].Value})
		require.NoError(t, err, "the component's reader reads what its writer exported")
		assert.Equal(t, multiorg.OrgOutput{OrgID: atlasmock.FakeID("multiorg-billing"), Name: "acme-billing",
			CredentialType: multiorg.CredentialAPIKey, PayingOrgID: payingOrg}, decoded.Orgs["billing"])
		assert.Equal(t, payingOrg, decoded.PayingOrgID)

		creds := exports["credentials"]
		assert.True(t, creds.Secret, "credentials export is secret (engine secrets %v)", engineSecrets)
		assert.Equal(t, map[string]map[string]string{
			"analytics": {"clientId": atlasmock.ClientID("multiorg-analytics"), "clientSecret": atlasmock.ClientSecret("multiorg-analytics")},
			"billing":   {"publicKey": atlasmock.PublicKey("multiorg-billing"), "privateKey": atlasmock.PrivateKey("multiorg-billing")},
		}, creds.Value)

		assert.Equal(t, atlasmock.Resolved{Value: payingOrg, Known: true}, exports["payingOrgId"])
	}
}

func TestBaseURLReachesPerOrgProviders(t *testing.T) {
	config := stackConfig("")
	config["mongodbatlas:baseUrl"] = "http://127.0.0.1:18080/"
	mon := &atlasmock.Monitor{}
	err := atlasmock.Run(t, mon, config, func(ctx *pulumi.Context) error {
		m, err := deploy(ctx)
		if err != nil {
			return err
		}
		_, err = m.Provider("analytics")
		return err
	})
	require.NoError(t, err)
	p := mon.ByType(mongodbatlas.ProviderType)["multiorg-analytics"]
	assert.Equal(t, resource.NewProperty("http://127.0.0.1:18080/"), p.Inputs["baseUrl"])
}

// TestSecondRunReadsTheFirstRunsOutputs deploys a rotating org twice: the
// second run's org provider signs in with the secret the first run exported,
// read through a reference to the stack itself.
func TestSecondRunReadsTheFirstRunsOutputs(t *testing.T) {
	config := stackConfig(`{"analytics": {"name": "acme-analytics", "serviceAccount": {
		"name": "ci", "description": "ci", "roles": ["ORG_OWNER"], "secretExpiresAfterHours": 8760, "rotateEveryHours": 720}}}`)
	self := "organization/" + atlasmock.Project + "/" + atlasmock.Stack

	first := &atlasmock.Monitor{EngineSecrets: true}
	var exports map[string]atlasmock.Resolved
	require.NoError(t, atlasmock.Run(t, first, config, func(ctx *pulumi.Context) error {
		if err := Program(ctx); err != nil {
			return err
		}
		exports = map[string]atlasmock.Resolved{}
		for name, value := range ctx.GetCurrentExportMap() {
			r, err := atlasmock.Await(pulumi.ToOutput(value))
			require.NoError(t, err)
			exports[name] = r
		}
		return nil
	}))
	firstProvider := periodProvider(t, first, "multiorg-analytics")
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientSecret("multiorg-analytics"))), firstProvider.Inputs["clientSecret"],
		"first run: nothing exported yet, the creation secret")
	assert.Equal(t, []string{self}, first.StateReads(), "the stack's own outputs, read once")
	assert.Empty(t, first.ByType("pulumi:pulumi:StackReference"), "through the engine's function, so refresh has no reference to update")

	// The state holds the organization the first run created: its exported
	// secret is that organization's (one the state no longer holds starts
	// again from its creation secret; see TestProviderSignsInWithTheNewestValidSecret
	// in components/multiorg).
	orgURN := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::atlas-multiorg:index:MultiOrg$" + mongodbatlas.OrganizationType + "::multiorg-analytics"
	second := &atlasmock.Monitor{EngineSecrets: true, Stacks: map[string]resource.PropertyMap{self: atlasmock.StackOutputs(exports)},
		State: map[string]resource.PropertyMap{orgURN: {"orgId": resource.NewProperty(atlasmock.FakeID("multiorg-analytics"))}}}
	require.NoError(t, atlasmock.Run(t, second, config, Program))
	rotated := exports["credentials"].Value.(map[string]map[string]string)["analytics"]["clientSecret"]
	assert.Contains(t, rotated, "ROTATED")
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(rotated)), periodProvider(t, second, "multiorg-analytics").Inputs["clientSecret"],
		"second run: the rotated secret the first run exported (which the engine applies only to a new period's provider)")
}

// periodProvider is the one provider of a rotating organization, named
// prefix-period-<index>.
func periodProvider(t *testing.T, mon *atlasmock.Monitor, prefix string) pulumi.MockResourceArgs {
	t.Helper()
	var found []pulumi.MockResourceArgs
	for name, p := range mon.ByType(mongodbatlas.ProviderType) {
		if strings.HasPrefix(name, prefix+"-period-") {
			found = append(found, p)
		}
	}
	require.Len(t, found, 1, "one provider of the rotation period")
	return found[0]
}

// TestAdoptedOrgsAreImportedOnlyOnce: the program reads its own state once,
// and registers an adopted organization with its importId only while the
// state does not hold it. After `pulumi import --file` the engine recorded no
// import ID, only the provider's b3JnX2lk:<base64 ID> (measured with CLI
// 3.259 and provider 4.14.0): importing again would plan a replacement.
func TestAdoptedOrgsAreImportedOnlyOnce(t *testing.T) {
	const importID = "64b1c2d3e4f5a6b7c8d9e0f1"
	config := stackConfig(`{"old": {"name": "acme-old", "importId": "` + importID + `", "apiAccessListRequired": false,
		"multiFactorAuthRequired": true, "restrictEmployeeAccess": true, "genAiFeaturesEnabled": false,
		"securityContact": "", "skipDefaultAlertsSettings": true}}`)
	urn := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::atlas-multiorg:index:MultiOrg$" + mongodbatlas.OrganizationType + "::multiorg-old"
	tests := map[string]struct {
		state      map[string]resource.PropertyMap
		wantImport string
	}{
		"not in the state yet":                     {nil, importID},
		"in the state":                             {map[string]resource.PropertyMap{urn: {"orgId": resource.NewProperty(importID)}}, ""},
		"the entry now names another organization": {map[string]resource.PropertyMap{urn: {"orgId": resource.NewProperty("000000000000000000000000")}}, importID},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mon := &atlasmock.Monitor{State: tc.state}
			require.NoError(t, runProgram(t, mon, config))
			assert.Equal(t, []string{"organization/" + atlasmock.Project + "/" + atlasmock.Stack}, mon.StateReads(), "its own state, read once")
			assert.Equal(t, tc.wantImport, mon.ByType(mongodbatlas.OrganizationType)["multiorg-old"].RegisterRPC.GetImportId())
		})
	}
}

// deploy --inline runs Program on the project whose name is Namespace.
func TestNamespaceIsTheProjectName(t *testing.T) {
	raw, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	var project struct{ Name string }
	require.NoError(t, yaml.Unmarshal(raw, &project))
	assert.Equal(t, Namespace, project.Name)
}
