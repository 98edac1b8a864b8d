package multiorg

import (
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
