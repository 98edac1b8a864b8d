package multiorg

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// TestTheAccessListSwitchSetsTheSettingInOneRun: a created organization's
// apiAccessListRequired goes through its switch, which waits for the access
// list entries, so one run creates the list and switches the setting on;
// the Organization is created with it off and never sends it after.
func TestTheAccessListSwitchSetsTheSettingInOneRun(t *testing.T) {
	t.Parallel()
	withList := func(required bool, list ...AccessListEntry) func(*OrgSpec) {
		return func(o *OrgSpec) {
			o.APIAccessListRequired = ptr(required)
			o.ServiceAccount = &ServiceAccountSpec{Name: "ci", Description: "ci", Roles: []string{RoleOrgOwner}, AccessList: list}
		}
	}
	entry := AccessListEntry{IPAddress: "203.0.113.7"}
	hadSwitch := &Previous{AccessListSwitches: map[string]bool{"analytics": true}}
	tests := map[string]struct {
		org      func(*OrgSpec)
		previous *Previous
		// switched is the value the switch sets; nil when there is none.
		switched *bool
		entries  int
	}{
		"required, with its list":            {org: withList(true, entry), switched: ptr(true), entries: 1},
		"a list without the requirement":     {org: withList(false, entry), switched: ptr(false), entries: 1},
		"the list taken away after a switch": {org: withList(false), previous: hadSwitch, switched: ptr(false)},
		"no list and never a switch":         {org: withList(false)},
		"adopted: the Organization sends it": {org: func(o *OrgSpec) {
			// Another organization than validSpec's own adopted one.
			o.ImportID, o.Settings = "64b1c2d3e4f5a6b7c8d9e0f2", legacySettings()
			withList(true, entry)(o)
		}, entries: 1},
		"the default service account, no list": {org: func(o *OrgSpec) {}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			setOrg(&spec, "analytics", tc.org)
			require.NoError(t, spec.Validate())
			run := runAt(t, spec, atlasmock.CreatedAt, tc.previous, nil)
			org := run.mon.ByType(mongodbatlas.OrganizationType)["orgs-analytics"]
			sw, ok := run.mon.ByType(stashType)[AccessListSwitchName("orgs", "analytics")]
			assert.Empty(t, run.infos, "no run leaves the setting for the next one")
			if tc.switched == nil {
				assert.False(t, ok, "no switch")
				assert.NotContains(t, org.RegisterRPC.GetIgnoreChanges(), "apiAccessListRequired")
				return
			}
			require.True(t, ok, "the switch is registered")
			assert.Equal(t, resource.NewProperty(false), org.Inputs["apiAccessListRequired"], "the Organization is created with it off")
			assert.Contains(t, org.RegisterRPC.GetIgnoreChanges(), "apiAccessListRequired", "and never changes it after")

			input := sw.Inputs["input"].ObjectValue()
			assert.Equal(t, resource.NewProperty(*tc.switched), input["apiAccessListRequired"])
			assert.NotContains(t, input, resource.PropertyKey("credential"), "the hook takes the credential from the program, not the state")
			assert.Contains(t, input["otherSettings"].StringValue(), "securityContact=", "an update of the other settings sets it again")
			deps := sw.RegisterRPC.GetDependencies()
			assert.Len(t, deps, 1+tc.entries, "after the Organization and every access list entry: %v", deps)
			for _, dep := range deps[1:] {
				assert.Contains(t, dep, mongodbatlas.ServiceAccountAccessListEntryType)
			}
			assert.Contains(t, sw.RegisterRPC.GetDeletedWith(), mongodbatlas.OrganizationType, "deleted with the organization, never switched off first")
			hooks := sw.RegisterRPC.GetHooks()
			assert.Equal(t, []string{"orgs-api-access-list-switch"}, hooks.GetBeforeCreate())
			assert.Equal(t, []string{"orgs-api-access-list-switch"}, hooks.GetBeforeUpdate())
			assert.Empty(t, hooks.GetBeforeDelete(), "a delete hook would need the program, which `pulumi destroy` does not run")
		})
	}
}

// TestTheSwitchHookSetsTheSettingInAtlasLocal runs the hook as the engine
// calls it, against atlas-local: it switches the setting on with the
// organization's own credential, after which atlas-local refuses that
// credential from an address on no list; switching it off from there then
// fails with the organization's key, and without the secret.
func TestTheSwitchHookSetsTheSettingInAtlasLocal(t *testing.T) {
	t.Parallel()
	atlas := localapitest.Start(t, time.Now())
	org := atlas.CreateWithServiceAccount(t, "acme-dev-analytics")
	ready := make(chan struct{})
	close(ready)
	m := &MultiOrg{name: "orgs", switchCredentials: map[string]*awaitedCredential{"analytics": {ready: ready,
		credential: atlasapi.Credentials{ClientID: org.ClientID, ClientSecret: org.ClientSecret}}}}
	args := func(required bool) *pulumi.ResourceHookArgs {
		return &pulumi.ResourceHookArgs{Name: AccessListSwitchName("orgs", "analytics"), Type: stashType,
			NewInputs: resource.PropertyMap{"input": resource.NewProperty(resource.PropertyMap{
				"orgId":                 resource.NewProperty(org.OrgID),
				"baseUrl":               resource.NewProperty(atlas.URL),
				"apiAccessListRequired": resource.NewProperty(required),
			})}}
	}
	require.NoError(t, m.switchAccessList(args(true)))

	client, err := atlasapi.New(context.Background(), atlas.URL, atlasapi.Credentials{ClientID: org.ClientID, ClientSecret: org.ClientSecret})
	require.NoError(t, err)
	_, err = client.OrganizationSettings(context.Background(), org.OrgID)
	var apiErr *atlasapi.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.True(t, apiErr.IsAccessListDenial(), "the setting is on: %v", err)

	err = m.switchAccessList(args(false))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `organization "analytics"`)
	assert.Contains(t, err.Error(), "apiAccessListRequired")
	assert.NotContains(t, err.Error(), org.ClientSecret)
}

func TestTheSwitchHookRefusesWhatItCannotSwitch(t *testing.T) {
	t.Parallel()
	m := &MultiOrg{name: "orgs"}
	run := func(input resource.PropertyMap) error {
		return m.switchAccessList(&pulumi.ResourceHookArgs{Name: AccessListSwitchName("orgs", "analytics"),
			NewInputs: resource.PropertyMap{"input": resource.NewProperty(input)}})
	}
	assert.EqualError(t, run(resource.PropertyMap{}), `organization "analytics": the apiAccessListRequired switch has no organization ID`)
	assert.EqualError(t, run(resource.PropertyMap{"orgId": resource.NewProperty("5f1a2b3c4d5e6f7a8b9c0d1e")}),
		`organization "analytics": switching apiAccessListRequired: the program registered no apiAccessListRequired switch for it`)
}

func TestAccessListSetBack(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		words          string
		count          int
		inAtlas, found bool
	}{
		"none, as every switch before issue 35": {"multiFactorAuthRequired=true securityContact=", 0, false, false},
		"one, Atlas had it off":                 {"multiFactorAuthRequired=true setBack=1:false", 1, false, true},
		"three, Atlas had it on":                {"setBack=3:true", 3, true, true},
		"a count that is no number":             {"setBack=x:true", 0, false, false},
		"a value that is no boolean":            {"setBack=2:maybe", 2, false, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			count, inAtlas, found := AccessListSetBack(tc.words)
			assert.Equal(t, tc.found, found)
			if found {
				assert.Equal(t, tc.count, count)
				assert.Equal(t, tc.inAtlas, inAtlas)
			}
		})
	}
}
