package multiorg

import (
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// MemberSpec is one person of an organization: an Atlas user, by the email
// address that is their username.
type MemberSpec struct {
	// Roles are the person's organization roles.
	Roles []string `json:"roles"`
}

// TeamSpec is one team of an organization.
type TeamSpec struct {
	// Name is the team's name in Atlas, unique in its organization.
	Name string `json:"name"`
	// Members are emails of members of the organization (orgs.<key>.members).
	Members []string `json:"members"`
	// ImportID adopts the existing team with this Atlas team ID, with its
	// members, when the organization itself is adopted; only on an adopted
	// organization. `atlas-multiorg discover` prints it.
	ImportID string `json:"importId,omitempty"`
}

// maxTeamNameLength is the longest team name the component accepts.
const maxTeamNameLength = 64

// teamName is what the component accepts as a team name: what Atlas shows and
// accepts in the UI, without leading or trailing spaces.
var teamName = regexp.MustCompile(`^[\p{L}\p{N}\-_.(),:&@+']([\p{L}\p{N}\-_.(),:&@+' ]*[\p{L}\p{N}\-_.(),:&@+'])?$`)

// validateMembership checks an organization's members and teams.
func validateMembership(ps *problems, path string, org OrgSpec, minOwners int, in string) {
	owners := 0
	byLower := map[string]string{}
	for _, email := range slices.Sorted(maps.Keys(org.Members)) {
		p := path + ".members." + email
		if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
			ps.add(p, "%q is not an email address: a member is keyed by the email that is their Atlas username, such as ada@example.com", email)
		}
		if first, dup := byLower[strings.ToLower(email)]; dup {
			ps.add(p, "is %q again: Atlas usernames ignore case, so list each person once", first)
		}
		byLower[strings.ToLower(email)] = email
		roles := org.Members[email].Roles
		if len(roles) == 0 {
			ps.add(p+".roles", "required: list the person's organization roles, such as %s", RoleOrgMember)
		}
		seen := map[string]bool{}
		for _, role := range roles {
			switch {
			case !slices.Contains(OrgRoles, role):
				ps.add(p+".roles", "unknown role %q; use one of %s", role, strings.Join(OrgRoles, ", "))
			case seen[role]:
				ps.add(p+".roles", "role %q is listed twice; list each role once", role)
			}
			seen[role] = true
		}
		if seen[RoleOrgOwner] {
			owners++
		}
	}
	if len(org.Members) > 0 && owners < minOwners {
		need := "one person"
		if minOwners > 1 {
			need = fmt.Sprintf("%d people", minOwners)
		}
		ps.add(path+".members", "the stack manages this organization's members, so at least %s must hold %s (%d do) %s: Atlas keeps "+
			"no organization without an owner, and a person cannot leave an organization whose last owner they are", need, RoleOrgOwner, owners, in)
	}

	names, teamIDs := map[string]string{}, map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(org.Teams)) {
		team := org.Teams[key]
		p := path + ".teams." + key
		checkHexID(ps, p+".importId", team.ImportID, "team ID")
		switch other, dup := teamIDs[team.ImportID]; {
		case team.ImportID == "":
		case !org.Adopted():
			ps.add(p+".importId", "only a team of an adopted organization (importId) can be adopted: an organization the stack creates has no teams yet; remove it")
		case dup:
			ps.add(p+".importId", "team %s is already adopted by teams.%s; adopt each team once", team.ImportID, other)
		default:
			teamIDs[team.ImportID] = key
		}
		if !orgKey.MatchString(key) || len(key) > maxOrgKeyLength {
			ps.add(p, "team key %q must be 1-%d letters, digits, '-' or '_', starting with a letter or digit", key, maxOrgKeyLength)
		}
		switch n := utf8.RuneCountInString(team.Name); {
		case n == 0:
			ps.add(p+".name", "required: the team's name in Atlas")
		case n > maxTeamNameLength:
			ps.add(p+".name", "%q is %d characters; at most %d", team.Name, n, maxTeamNameLength)
		case !teamName.MatchString(team.Name):
			ps.add(p+".name", "%q has characters Atlas refuses; use letters, digits, inner spaces and - _ . ( ) , : & @ + '", team.Name)
		}
		if other, dup := names[strings.ToLower(team.Name)]; dup && team.Name != "" {
			ps.add(p+".name", "%q is also the name of teams.%s: team names are unique in an organization (ignoring case)", team.Name, other)
		}
		names[strings.ToLower(team.Name)] = key
		listed := map[string]bool{}
		for _, email := range team.Members {
			switch {
			case listed[strings.ToLower(email)]:
				ps.add(p+".members", "%q is listed twice; list each member once", email)
			case !isMember(org, email):
				ps.add(p+".members", "%q is not a member of the organization: add it under %s.members with its roles first", email, path)
			}
			listed[strings.ToLower(email)] = true
		}
	}
}

// registerMembership registers an organization's members, its teams and
// their members. Inside a created organization they act through its own
// provider, inside an adopted one through the caller's, as resource
// policies do. They go with the organization: when an adopted one is
// released, its people stay in it, as it does in Atlas.
//
// In the run that adopts an organization, its members, and its teams that
// have an importId with their members, are adopted with it: they already
// exist, and inviting a member again is refused (409).
func (m *MultiOrg) registerMembership(org *Org, plan orgPlan) (pulumi.StringMap, error) {
	teamIDs := pulumi.StringMap{}
	if len(plan.members) == 0 && len(plan.teams) == 0 {
		return teamIDs, nil
	}
	opts, err := m.actingIn(org, false)
	if err != nil {
		return nil, err
	}
	opts = append(opts, pulumi.DeletedWith(org.Resource))
	adopting := plan.importID != "" && m.managed(plan.key) != plan.importID
	importing := func(id string) []pulumi.ResourceOption {
		if !adopting || id == "" {
			return opts
		}
		return append(slices.Clip(opts), pulumi.Import(pulumi.ID(id)))
	}
	members := map[string]*mongodbatlas.CloudUserOrgAssignment{}
	for _, email := range slices.Sorted(maps.Keys(plan.members)) {
		member, err := mongodbatlas.NewCloudUserOrgAssignment(m.ctx, MemberResourceName(m.name, org.Key, email), &mongodbatlas.CloudUserOrgAssignmentArgs{
			OrgId:    org.Resource.OrgId,
			Username: pulumi.String(email),
			Roles:    mongodbatlas.CloudUserOrgAssignmentRolesArgs{OrgRoles: pulumi.ToStringArray(plan.members[email].Roles)},
		}, importing(MemberImportID(plan.importID, email))...)
		if err != nil {
			return nil, fmt.Errorf("adding member %s: %w", email, err)
		}
		members[email] = member
		org.track(member)
	}
	for _, key := range slices.Sorted(maps.Keys(plan.teams)) {
		team := plan.teams[key]
		res, err := mongodbatlas.NewTeam(m.ctx, TeamResourceName(m.name, org.Key, key), &mongodbatlas.TeamArgs{
			OrgId: org.Resource.OrgId,
			Name:  pulumi.String(team.Name),
		}, importing(TeamImportID(plan.importID, team.ImportID))...)
		if err != nil {
			return nil, fmt.Errorf("creating team %s: %w", key, err)
		}
		teamIDs[key] = res.TeamId
		org.track(res)
		for _, email := range team.Members {
			assignment, err := mongodbatlas.NewCloudUserTeamAssignment(m.ctx, TeamMemberResourceName(m.name, org.Key, key, email), &mongodbatlas.CloudUserTeamAssignmentArgs{
				OrgId:  org.Resource.OrgId,
				TeamId: res.TeamId,
				UserId: members[email].UserId,
			}, importing(TeamMemberImportID(plan.importID, team.ImportID, email))...)
			if err != nil {
				return nil, fmt.Errorf("adding %s to team %s: %w", email, key, err)
			}
			org.track(assignment)
		}
	}
	return teamIDs, nil
}

// MemberImportID is the provider's import ID of a member of an existing
// organization.
func MemberImportID(orgID, email string) string { return orgID + "/" + email }

// TeamImportID is the provider's import ID of an existing team; "" when the
// team is not adopted.
func TeamImportID(orgID, teamID string) string {
	if teamID == "" {
		return ""
	}
	return orgID + "-" + teamID
}

// TeamMemberImportID is the provider's import ID of a member of an existing
// team; "" when the team is not adopted.
func TeamMemberImportID(orgID, teamID, email string) string {
	if teamID == "" {
		return ""
	}
	return orgID + "/" + teamID + "/" + email
}

func isMember(org OrgSpec, email string) bool {
	_, ok := org.Members[email]
	return ok
}
