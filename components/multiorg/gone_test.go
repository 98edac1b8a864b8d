package multiorg

import (
	"context"
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGuardTellsADeletedOrganizationFromAReplacement: the create of an
// organization the state holds is refused either way; when Atlas answers
// that the organization does not exist, the refusal says it was deleted
// outside the code and how to create it again on purpose, with --force only
// where it is protected, instead of blaming `pulumi up --replace`.
func TestGuardTellsADeletedOrganizationFromAReplacement(t *testing.T) {
	t.Parallel()
	const existing = "64b1c2d3e4f5a6b7c8d9e0aa"
	const urn = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-analytics"
	answers := func(exists bool, err error) OrgExistsFunc {
		return func(_ context.Context, orgID string) (bool, error) {
			assert.Equal(t, existing, orgID)
			return exists, err
		}
	}
	tests := map[string]struct {
		exists    OrgExistsFunc
		protected bool
		want      []string
		not       []string
	}{
		"deleted in Atlas, dev": {exists: answers(false, nil), want: []string{
			`organization "acme-dev-analytics" (org key analytics) is gone from Atlas: it was deleted outside the code`,
			"Until then no run creates it again",
			"`pulumi state delete --stack dev --target-dependents --yes '" + urn + "'`",
			"then `pulumi up --stack dev`, which creates a new organization \"acme-dev-analytics\" with a new orgId and a new credential",
			"Nothing was created",
		}, not: []string{"--replace", "--force", "prod"}},
		"deleted in Atlas, protected": {exists: answers(false, nil), protected: true, want: []string{
			"`pulumi state delete --stack dev --target-dependents --force --yes '" + urn + "'`",
			"It is a protected (prod) organization: ask its owners whether it was meant to go",
		}},
		"still in Atlas: a replacement": {exists: answers(true, nil), want: []string{"`pulumi up --replace`"}, not: []string{"gone"}},
		"Atlas cannot say":              {exists: answers(false, errors.New("503")), want: []string{"`pulumi up --replace`"}, not: []string{"gone"}},
		"no check":                      {want: []string{"`pulumi up --replace`"}, not: []string{"gone"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := &MultiOrg{name: "multiorg", stack: "dev", orgExists: tc.exists, protected: map[string]bool{"analytics": tc.protected},
				previous: &Previous{Managed: map[string]string{"analytics": existing}, Leftovers: map[string][]string{}}}
			err := m.replacementGuard(&pulumi.ResourceHookArgs{Name: "multiorg-analytics", URN: pulumi.URN(urn),
				NewInputs: resource.PropertyMap{"name": resource.NewStringProperty("acme-dev-analytics")}})
			require.Error(t, err, "the state holds it: never created again by a run")
			for _, s := range tc.want {
				assert.Contains(t, err.Error(), s)
			}
			for _, s := range tc.not {
				assert.NotContains(t, err.Error(), s)
			}
		})
	}
}

// TestGuardKeepsADroppedOrganizationDeleted: once a failed `pulumi up
// --refresh` saved a state without the organization Atlas deleted, and with
// what was inside it, the next run does not create it again either; it says
// how to, forgetting what is left of it. An organization of which nothing is
// left is created as any new entry.
func TestGuardKeepsADroppedOrganizationDeleted(t *testing.T) {
	t.Parallel()
	const provider = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$pulumi:providers:mongodbatlas::multiorg-analytics"
	m := &MultiOrg{name: "multiorg", stack: "dev", protected: map[string]bool{},
		previous: &Previous{Managed: map[string]string{}, Leftovers: map[string][]string{"analytics": {provider}}}}
	err := m.replacementGuard(&pulumi.ResourceHookArgs{Name: "multiorg-analytics",
		NewInputs: resource.PropertyMap{"name": resource.NewStringProperty("acme-dev-analytics")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is gone from Atlas")
	assert.Contains(t, err.Error(), "`pulumi state delete --stack dev --target-dependents --yes '"+provider+"'`")
	assert.Contains(t, err.Error(), "Until then no run creates it again")

	assert.NoError(t, m.replacementGuard(&pulumi.ResourceHookArgs{Name: "multiorg-billing",
		NewInputs: resource.PropertyMap{"name": resource.NewStringProperty("acme-dev-billing")}}), "nothing left of it: a new entry")
}

func TestLeftovers(t *testing.T) {
	t.Parallel()
	const in = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$"
	provider := resource.URN(in + "pulumi:providers:mongodbatlas::multiorg-analytics-period-7")
	member := resource.URN(in + "mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment::multiorg-analytics-member-ada@example.com")
	held := resource.URN(in + "pulumi:providers:mongodbatlas::multiorg-ops")
	got := leftovers("multiorg", []resource.URN{provider, member, held}, []string{"analytics", "ops"}, map[string]string{"ops": "6750"})
	assert.Equal(t, map[string][]string{"analytics": {string(member), string(provider)}}, got)
}
