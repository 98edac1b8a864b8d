package multiorg

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// withMembers gives the analytics org two people and a team of both.
func withMembers(s *Spec) {
	setOrg(s, "analytics", func(o *OrgSpec) {
		o.Members = map[string]MemberSpec{
			"ada@example.com":   {Roles: []string{RoleOrgOwner}},
			"grace@example.com": {Roles: []string{RoleOrgMember, RoleOrgReadOnly}},
		}
		o.Teams = map[string]TeamSpec{"platform": {Name: "Platform Team", Members: []string{"ada@example.com", "grace@example.com"}}}
	})
}

func TestMembershipRules(t *testing.T) {
	t.Parallel()
	member := func(mut func(*OrgSpec)) func(*Spec) {
		return func(s *Spec) {
			withMembers(s)
			setOrg(s, "analytics", mut)
		}
	}
	tests := map[string]struct {
		mutate  func(*Spec)
		path    string
		message string
	}{
		"not an email": {member(func(o *OrgSpec) { o.Members["ada"] = MemberSpec{Roles: []string{RoleOrgMember}} }),
			"orgs.analytics.members.ada", "is not an email address"},
		"an email with a name": {member(func(o *OrgSpec) { o.Members["Ada <ada2@example.com>"] = MemberSpec{Roles: []string{RoleOrgMember}} }),
			"orgs.analytics.members.Ada <ada2@example.com>", "is not an email address"},
		"the same person twice, in another case": {member(func(o *OrgSpec) { o.Members["Ada@Example.com"] = MemberSpec{Roles: []string{RoleOrgMember}} }),
			"orgs.analytics.members.ada@example.com", `is "Ada@Example.com" again`},
		"no roles": {member(func(o *OrgSpec) { o.Members["grace@example.com"] = MemberSpec{} }),
			"orgs.analytics.members.grace@example.com.roles", "required"},
		"an unknown role": {member(func(o *OrgSpec) { o.Members["grace@example.com"] = MemberSpec{Roles: []string{"GROUP_OWNER"}} }),
			"orgs.analytics.members.grace@example.com.roles", `unknown role "GROUP_OWNER"`},
		"a role twice": {member(func(o *OrgSpec) {
			o.Members["grace@example.com"] = MemberSpec{Roles: []string{RoleOrgMember, RoleOrgMember}}
		}), "orgs.analytics.members.grace@example.com.roles", "listed twice"},
		"no owner": {member(func(o *OrgSpec) { o.Members["ada@example.com"] = MemberSpec{Roles: []string{RoleOrgMember}} }),
			"orgs.analytics.members", "at least one person must hold ORG_OWNER (0 do)"},
		"a team member who is no member": {member(func(o *OrgSpec) {
			o.Teams["platform"] = TeamSpec{Name: "Platform Team", Members: []string{"ada@example.com", "linus@example.com"}}
		}), "orgs.analytics.teams.platform.members", `"linus@example.com" is not a member of the organization`},
		"a team member twice": {member(func(o *OrgSpec) {
			o.Teams["platform"] = TeamSpec{Name: "Platform Team", Members: []string{"ada@example.com", "ada@example.com"}}
		}), "orgs.analytics.teams.platform.members", "listed twice"},
		"a team without a name": {member(func(o *OrgSpec) { o.Teams["platform"] = TeamSpec{} }),
			"orgs.analytics.teams.platform.name", "required"},
		"a team name too long": {member(func(o *OrgSpec) { o.Teams["platform"] = TeamSpec{Name: strings.Repeat("t", 65)} }),
			"orgs.analytics.teams.platform.name", "at most 64"},
		"a team name Atlas refuses": {member(func(o *OrgSpec) { o.Teams["platform"] = TeamSpec{Name: " Platform/Team"} }),
			"orgs.analytics.teams.platform.name", "characters Atlas refuses"},
		"two teams of one name": {member(func(o *OrgSpec) { o.Teams["data"] = TeamSpec{Name: "PLATFORM team"} }),
			"orgs.analytics.teams.platform.name", "also the name of teams.data"},
		"a bad team key": {member(func(o *OrgSpec) { o.Teams["the team"] = TeamSpec{Name: "Other"} }),
			"orgs.analytics.teams.the team", "team key"},
		"a team importId on a created organization": {member(func(o *OrgSpec) {
			o.Teams["platform"] = TeamSpec{Name: "Platform Team", ImportID: teamID}
		}), "orgs.analytics.teams.platform.importId", "only a team of an adopted organization"},
		"a team importId that is no ID": {adoptedMembers(func(o *OrgSpec) {
			o.Teams["platform"] = TeamSpec{Name: "Platform Team", ImportID: "platform"}
		}), "orgs.legacy.teams.platform.importId", "24-character lowercase hexadecimal team ID"},
		"one team adopted twice": {adoptedMembers(func(o *OrgSpec) {
			o.Teams["other"] = TeamSpec{Name: "Other Team", ImportID: teamID}
		}), "orgs.legacy.teams.platform.importId", "already adopted by teams.other"},
		"prod wants two owners": {func(s *Spec) {
			prodSpec(s)
			withMembers(s)
		}, "orgs.analytics.members", "at least 2 people must hold ORG_OWNER (1 do) in the prod profile"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectProblem(t, tc.mutate, tc.path, tc.message)
		})
	}
}

// teamID is the Atlas ID of the legacy org's existing team.
const teamID = "6b2c3d4e5f6a7b8c9d0e1f2a"

// adoptedMembers gives the adopted legacy org two people and its existing
// team of both, then applies mut.
func adoptedMembers(mut func(*OrgSpec)) func(*Spec) {
	return func(s *Spec) {
		setOrg(s, "legacy", func(o *OrgSpec) {
			o.Members = map[string]MemberSpec{
				"ada@example.com":   {Roles: []string{RoleOrgOwner}},
				"grace@example.com": {Roles: []string{RoleOrgMember}},
			}
			o.Teams = map[string]TeamSpec{
				"platform": {Name: "Platform Team", ImportID: teamID, Members: []string{"ada@example.com", "grace@example.com"}},
				"new":      {Name: "New Team", Members: []string{"ada@example.com"}},
			}
			mut(o)
		})
	}
}

// TestAdoptionTakesThePeopleAlong: the run that adopts an organization
// imports its members, and its adopted teams with their members, with the
// provider's import IDs; a team without importId is created. A later run
// imports nothing. Everything goes with the organization, so releasing it
// leaves its people in it.
func TestAdoptionTakesThePeopleAlong(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	adoptedMembers(func(*OrgSpec) {})(&spec)
	imports := func(previous *Previous) map[string]string {
		mon := &atlasmock.Monitor{}
		err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
			_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec, Previous: previous})
			return err
		})
		require.NoError(t, err)
		got := map[string]string{}
		orgURN := "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$" + mongodbatlas.OrganizationType + "::orgs-legacy"
		for _, token := range []string{mongodbatlas.CloudUserOrgAssignmentType, mongodbatlas.TeamType, mongodbatlas.CloudUserTeamAssignmentType} {
			for name, r := range mon.ByType(token) {
				got[name] = r.RegisterRPC.GetImportId()
				assert.Equal(t, orgURN, r.RegisterRPC.GetDeletedWith(), "%s goes with the organization", name)
				assert.Empty(t, r.Provider, "%s acts through the caller's provider", name)
			}
		}
		return got
	}
	assert.Equal(t, map[string]string{
		"orgs-legacy-member-ada@example.com":          adoptID + "/ada@example.com",
		"orgs-legacy-member-grace@example.com":        adoptID + "/grace@example.com",
		"orgs-legacy-team-platform":                   adoptID + "-" + teamID,
		"orgs-legacy-team-platform-ada@example.com":   adoptID + "/" + teamID + "/ada@example.com",
		"orgs-legacy-team-platform-grace@example.com": adoptID + "/" + teamID + "/grace@example.com",
		"orgs-legacy-team-new":                        "",
		"orgs-legacy-team-new-ada@example.com":        "",
	}, imports(nil))
	for name, id := range imports(&Previous{Managed: map[string]string{"legacy": adoptID}}) {
		assert.Empty(t, id, "%s: once the state holds the organization, nothing is imported again", name)
	}
}

// prodSpec makes validSpec a valid prod spec.
func prodSpec(s *Spec) {
	s.Environment = "prod"
	delete(s.Orgs, "billing")
	setOrg(s, "legacy", func(o *OrgSpec) { o.RestrictEmployeeAccess = ptr(true) })
}

func TestProdWithTwoOwnersIsValid(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	prodSpec(&spec)
	withMembers(&spec)
	setOrg(&spec, "analytics", func(o *OrgSpec) { o.Members["grace@example.com"] = MemberSpec{Roles: []string{RoleOrgOwner}} })
	assert.NoError(t, spec.Validate())
}

// TestMembersAndTeamsAreRegistered: one assignment per person, a team named
// from its key, one team assignment per team member with the person's user
// ID, all through the organization's own provider, and the team IDs exported.
func TestMembersAndTeamsAreRegistered(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	withMembers(&spec)
	mon := &atlasmock.Monitor{}
	run(t, mon, spec, func(_ *pulumi.Context, m *MultiOrg) error {
		ids := await(t, m.TeamIDs)
		teams, ok := ids.Value.(map[string]map[string]string)
		require.True(t, ok, "%T", ids.Value)
		assert.Contains(t, teams["analytics"], "platform")
		assert.Empty(t, teams["billing"])
		assert.False(t, ids.Secret, "team IDs are not secret")
		return nil
	})
	members := mon.ByType(mongodbatlas.CloudUserOrgAssignmentType)
	require.Len(t, members, 2)
	ada := members["orgs-analytics-member-ada@example.com"]
	assert.Equal(t, resource.NewProperty("ada@example.com"), ada.Inputs["username"])
	assert.Equal(t, resource.NewProperty(resource.PropertyMap{
		"orgRoles": resource.NewProperty([]resource.PropertyValue{resource.NewProperty(RoleOrgOwner)}),
	}), ada.Inputs["roles"])
	teams := mon.ByType(mongodbatlas.TeamType)
	require.Len(t, teams, 1)
	team := teams["orgs-analytics-team-platform"]
	assert.Equal(t, resource.NewProperty("Platform Team"), team.Inputs["name"])
	assert.NotContains(t, team.Inputs, "usernames", "members are assignments, not the deprecated usernames")
	assigned := mon.ByType(mongodbatlas.CloudUserTeamAssignmentType)
	require.Len(t, assigned, 2)
	assert.Contains(t, assigned, "orgs-analytics-team-platform-grace@example.com")
	for _, r := range []pulumi.MockResourceArgs{ada, team, assigned["orgs-analytics-team-platform-ada@example.com"]} {
		assert.Contains(t, r.Provider, "pulumi:providers:mongodbatlas::orgs-analytics::", "%s acts through the organization's own provider", r.Name)
		assert.Equal(t, "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg::orgs", r.RegisterRPC.GetParent())
	}
	for _, token := range []string{mongodbatlas.CloudUserOrgAssignmentType, mongodbatlas.TeamType, mongodbatlas.CloudUserTeamAssignmentType} {
		for name := range mon.ByType(token) {
			assert.True(t, strings.HasPrefix(name, "orgs-analytics-"), "no membership resources for an organization without members: %s", name)
		}
	}
}
