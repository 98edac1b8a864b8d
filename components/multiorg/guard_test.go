package multiorg

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

func TestReplacementGuard(t *testing.T) {
	t.Parallel()
	const existing = "64b1c2d3e4f5a6b7c8d9e0aa"
	m := &MultiOrg{name: "multiorg", previous: &Previous{
		Orgs:    map[string]PreviousOrg{"analytics": {CredentialType: CredentialServiceAccount}, "exported": {CredentialType: CredentialServiceAccount}},
		Managed: map[string]string{"analytics": existing},
	}}
	tests := map[string]struct {
		previous *Previous
		name     string
		message  string
	}{
		"the state holds it: a replacement": {m.previous, "multiorg-analytics",
			`organization "analytics" (orgId ` + existing + `) exists, and this run would create it again`},
		"a new key":                       {m.previous, "multiorg-billing", ""},
		"exported, but not in the state":  {m.previous, "multiorg-exported", ""},
		"first deployment":                {nil, "multiorg-analytics", ""},
		"not one of this component's own": {m.previous, "other-analytics", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			guarded := &MultiOrg{name: m.name, previous: tc.previous}
			err := guarded.replacementGuard(&pulumi.ResourceHookArgs{Name: tc.name})
			if tc.message == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
			assert.Contains(t, err.Error(), "It was neither created again nor deleted")
			assert.Contains(t, err.Error(), "remove its entry and run `pulumi up`", "says how to go on")
		})
	}
}

// TestCreatedOrgsCarryTheGuard: the hook is bound to every organization the
// stack creates, before create and in previews; adopted ones are imported,
// never created.
func TestCreatedOrgsCarryTheGuard(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	run(t, mon, validSpec(), nil)
	for name, reg := range mon.ByType(mongodbatlas.OrganizationType) {
		hooks := reg.RegisterRPC.GetHooks().GetBeforeCreate()
		if name == "orgs-legacy" {
			assert.Empty(t, hooks, name)
			continue
		}
		assert.Equal(t, []string{"orgs-no-organization-replacement"}, hooks, name)
	}
}

// TestResourcesInsideAnOrgAreDeletedWithIt: what acts inside a created
// organization through its own provider is deleted with the organization,
// never before it. Deleting the access list entry first locked the
// organization's credential out of the later deletes when
// apiAccessListRequired was on (measured with the real provider). Inside an
// adopted organization, which the stack only releases, they are deleted.
func TestResourcesInsideAnOrgAreDeletedWithIt(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	setOrg(&spec, "analytics", func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{Name: "ci", Description: "ci", Roles: []string{RoleOrgOwner},
			SecretExpiresAfterHours: ptr(720), RotateEveryHours: ptr(240), AccessList: []AccessListEntry{{IPAddress: "203.0.113.7"}}}
		o.ResourcePolicies = &ResourcePolicies{LockVPCPeering: ptr(true)}
	})
	setOrg(&spec, "billing", func(o *OrgSpec) { o.APIKey.AccessList = []AccessListEntry{{CIDRBlock: "198.51.100.0/24"}} })
	setOrg(&spec, "legacy", func(o *OrgSpec) { o.ResourcePolicies = &ResourcePolicies{LockVPCPeering: ptr(true)} })
	mon := &atlasmock.Monitor{APIKeys: map[string][]string{atlasmock.FakeID("orgs-billing"): {atlasmock.PublicKey("orgs-billing")}}}
	run(t, mon, spec, nil)

	want := map[string]string{
		"orgs-analytics-policies":            "orgs-analytics",
		"orgs-analytics-secret":              "orgs-analytics",
		"orgs-analytics-allow-203.0.113.7":   "orgs-analytics",
		"orgs-billing-allow-198.51.100.0-24": "orgs-billing",
		"orgs-legacy-policies":               "",
	}
	got := map[string]string{}
	for _, reg := range mon.Registrations() {
		if _, ok := want[reg.Name]; ok {
			deletedWith := reg.RegisterRPC.GetDeletedWith()
			if deletedWith != "" {
				assert.Contains(t, deletedWith, mongodbatlas.OrganizationType, reg.Name)
				deletedWith = deletedWith[strings.LastIndex(deletedWith, "::")+2:]
			}
			got[reg.Name] = deletedWith
		}
	}
	assert.Equal(t, want, got)
}

// TestDestroyGuard: in a protected environment, every organization with
// resources inside it gets a protected guard that depends on the
// organization and on each of them, so a refused destroy deletes none of
// them; where nothing is protected there is no guard.
func TestDestroyGuard(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		spec    Spec
		guarded []string
	}{
		"prod: created and adopted organizations with policies inside": {envSpec("prod"), []string{"orgs-analytics-protected", "orgs-billing-protected", "orgs-legacy-protected"}},
		"dev: nothing is protected, no guard":                          {envSpec("dev"), nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mon := &atlasmock.Monitor{}
			run(t, mon, tc.spec, nil)
			guards := mon.ByType("pulumi:index:Stash")
			assert.ElementsMatch(t, tc.guarded, keysOf(guards))
			for guardName, guard := range guards {
				child, ok := ParseChildName("orgs", stashType, guardName, nil)
				require.True(t, ok, guardName)
				assert.Equal(t, ChildDestroyGuard, child.Kind)
				key := child.OrgKey
				assert.Equal(t, DestroyGuardName("orgs", key), guardName)
				assert.True(t, guard.RegisterRPC.GetProtect(), "%s is protected", guardName)
				deps := guard.RegisterRPC.GetDependencies()
				assert.Contains(t, deps, "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::orgs-"+key)
				inside := 0
				for _, r := range mon.Registrations() {
					if r.RegisterRPC.GetParent() != "" && strings.HasPrefix(r.Name, "orgs-"+key+"-") && r.TypeToken != "pulumi:index:Stash" &&
						!strings.HasPrefix(r.TypeToken, "pulumi:providers:") {
						inside++
						assert.Contains(t, deps, urnOf(r), "%s depends on %s", guardName, r.Name)
					}
				}
				assert.Positive(t, inside, "%s guards something", guardName)
			}
		})
	}
}

func urnOf(r pulumi.MockResourceArgs) string {
	return "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$" + r.TypeToken + "::" + r.Name
}
