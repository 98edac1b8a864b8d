package multiorg

import (
	"slices"
	"strconv"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// ChildKind is a kind of resource the MultiOrg registers for one
// organization; its name is the table's rule (childKinds) for that kind.
type ChildKind string

// The kinds of child resources, each named "<component>-<org key>" and what
// childKinds says follows the key.
const (
	ChildOrganization     ChildKind = "organization"       // <component>-<key>
	ChildProvider         ChildKind = "provider"           // <component>-<key>
	ChildRotatedProvider  ChildKind = "rotated provider"   // <component>-<key>-period-<rotation period>
	ChildServiceAccount   ChildKind = "service account"    // <component>-<key>-service-account
	ChildRotatedSecret    ChildKind = "rotated secret"     // <component>-<key>-secret
	ChildAccessListEntry  ChildKind = "access list entry"  // <component>-<key>-allow-<entry>
	ChildAccessListSwitch ChildKind = "access list switch" // <component>-<key>-api-access-list-required
	ChildDestroyGuard     ChildKind = "destroy guard"      // <component>-<key>-protected
	ChildPolicies         ChildKind = "resource policies"  // <component>-<key>-policies
	ChildMember           ChildKind = "member"             // <component>-<key>-member-<email>
	ChildTeam             ChildKind = "team"               // <component>-<key>-team-<team key>
	ChildTeamMember       ChildKind = "team member"        // <component>-<key>-team-<team key>-<email>
	ChildSettings         ChildKind = "settings"           // <component>-<key>-settings
)

// childKind is how one kind's name is built and read back: after
// "<component>-<org key>" comes marker, then, for a kind with a part (part
// not nil), the part, which part accepts.
type childKind struct {
	kind   ChildKind
	types  []string
	marker string
	part   func(string) bool
}

// childKinds is the one table of the names of the MultiOrg's children. The
// names are in deployed stacks' state: changing one replaces the resource.
var childKinds = []childKind{
	{ChildOrganization, []string{mongodbatlas.OrganizationType}, "", nil},
	{ChildProvider, []string{mongodbatlas.ProviderType}, "", nil},
	{ChildRotatedProvider, []string{mongodbatlas.ProviderType}, "-period-", isRotationPeriod},
	{ChildServiceAccount, []string{mongodbatlas.ServiceAccountType}, "-service-account", nil},
	{ChildRotatedSecret, []string{mongodbatlas.ServiceAccountSecretType}, "-secret", nil},
	{ChildAccessListEntry, []string{mongodbatlas.ServiceAccountAccessListEntryType, mongodbatlas.AccessListApiKeyType}, "-allow-", isEntryName},
	{ChildAccessListSwitch, []string{stashType}, "-api-access-list-required", nil},
	{ChildDestroyGuard, []string{stashType}, "-protected", nil},
	{ChildPolicies, []string{mongodbatlas.ResourcePolicyType}, "-policies", nil},
	{ChildMember, []string{mongodbatlas.CloudUserOrgAssignmentType}, "-member-", isEmail},
	{ChildTeam, []string{mongodbatlas.TeamType}, "-team-", orgKey.MatchString},
	{ChildTeamMember, []string{mongodbatlas.CloudUserTeamAssignmentType}, "-team-", isTeamMemberPart},
	{ChildSettings, []string{orgsettings.Type}, "-settings", nil},
}

// ChildResourceName is the resource name of the child of kind of the
// organization orgKey in the MultiOrg named component; part is the kind's
// part (ChildName.Part), "" for a kind without one. It panics on a kind not
// in the table, which is a bug of the caller.
func ChildResourceName(component string, kind ChildKind, orgKey, part string) string {
	for _, k := range childKinds {
		if k.kind == kind {
			return component + "-" + orgKey + k.marker + part
		}
	}
	panic("multiorg: no child resource kind " + string(kind))
}

// OrgResourceName is the Pulumi resource name of the organization key in the
// MultiOrg named component. It derives from the key, never from the Atlas
// name, so renaming an organization is an update.
func OrgResourceName(component, key string) string {
	return ChildResourceName(component, ChildOrganization, key, "")
}

// ProviderResourceName is the resource name of an organization's own
// provider, which is not rotated.
func ProviderResourceName(component, orgKey string) string {
	return ChildResourceName(component, ChildProvider, orgKey, "")
}

// RotatedProviderName is the resource name of a rotating organization's
// provider of one rotation period (rotationPeriod).
func RotatedProviderName(component, orgKey string, period int64) string {
	return ChildResourceName(component, ChildRotatedProvider, orgKey, strconv.FormatInt(period, 10))
}

// ServiceAccountResourceName is the resource name of the service account
// the component gives an adopted organization.
func ServiceAccountResourceName(component, orgKey string) string {
	return ChildResourceName(component, ChildServiceAccount, orgKey, "")
}

// RotatedSecretName is the resource name of a rotating service account's
// secret, replaced every rotation period under the same name.
func RotatedSecretName(component, orgKey string) string {
	return ChildResourceName(component, ChildRotatedSecret, orgKey, "")
}

// AccessListEntryName is the resource name of an access list entry of an
// organization's credential: after the entry's value, so that reordering
// the list changes nothing.
func AccessListEntryName(component, orgKey string, e AccessListEntry) string {
	return ChildResourceName(component, ChildAccessListEntry, orgKey, entryName(e))
}

// entryName is an access list entry's value with the characters a name
// keeps apart ('/' and ':') replaced.
func entryName(e AccessListEntry) string {
	return strings.NewReplacer("/", "-", ":", "_").Replace(e.IPAddress + e.CIDRBlock)
}

// AccessListSwitchName is the resource name of the switch of a created
// organization's apiAccessListRequired.
func AccessListSwitchName(component, orgKey string) string {
	return ChildResourceName(component, ChildAccessListSwitch, orgKey, "")
}

// DestroyGuardName is the resource name of a protected organization's
// destroy guard.
func DestroyGuardName(component, orgKey string) string {
	return ChildResourceName(component, ChildDestroyGuard, orgKey, "")
}

// SettingsResourceName is the resource name of an organization's
// OrganizationSettings, which sets its PluginSettings.
func SettingsResourceName(component, orgKey string) string {
	return ChildResourceName(component, ChildSettings, orgKey, "")
}

// PolicyResourceName is the resource name of an organization's resource
// policy.
func PolicyResourceName(component, orgKey string) string {
	return ChildResourceName(component, ChildPolicies, orgKey, "")
}

// MemberResourceName is the resource name of a member of an organization:
// from the org key and the email, never from Atlas' IDs.
func MemberResourceName(component, orgKey, email string) string {
	return ChildResourceName(component, ChildMember, orgKey, email)
}

// TeamResourceName is the resource name of a team: from the org key and the
// team key, so renaming the team in config is an update.
func TeamResourceName(component, orgKey, teamKey string) string {
	return ChildResourceName(component, ChildTeam, orgKey, teamKey)
}

// TeamMemberResourceName is the resource name of a member of a team.
func TeamMemberResourceName(component, orgKey, teamKey, email string) string {
	return ChildResourceName(component, ChildTeamMember, orgKey, teamKey+"-"+email)
}

// replacementHookName and switchHookName name the component's resource
// hooks, one of each per component; hooks are not in the state.
func replacementHookName(component string) string { return component + "-no-organization-replacement" }
func switchHookName(component string) string      { return component + "-api-access-list-switch" }

// ChildName is a child resource's name read back by ParseChildName.
type ChildName struct {
	Kind   ChildKind
	OrgKey string
	// Part is what follows the kind's marker: the rotation period, the
	// access list entry's name, the email, the team key, or for a team
	// member "<team key>-<email>" (both may hold '-', so a name alone does
	// not split them); "" for a kind without one.
	Part string
}

// ParseChildName reads the name of a resource of type typeToken that the
// MultiOrg named component registered: which kind of child it is, of which
// organization. False for any other resource.
//
// The type token decides the kind; of the two kinds a Stash plays and the
// two a provider plays, the end of the name decides. Org keys are letters,
// digits, '-' and '_' (orgKey in validate.go), so a key can hold a marker
// and a name can fit several keys. Which rule makes it unambiguous:
//   - an organization's name is its key whole, and a marker that ends the
//     name (-secret, -service-account, -policies, -protected,
//     -api-access-list-required) is cut from the end: exact for every key;
//   - an access list entry's name is an address's hex digits, '.', '-' and
//     '_', which never spell "allow": the -allow- after which no "allow"
//     follows is the marker, exact for every key;
//   - -period-<n>, -member-<email> and -team-<team key>[-<email>] may sit in
//     a key too. Given orgKeys (the stack's keys), only a listed key fits,
//     the longest first; with none (nil), the shortest key that fits wins,
//     which is exact for every key where key+"-" holds neither "-member-"
//     nor "-team-" and that does not end in "-period-<digits>".
func ParseChildName(component, typeToken, name string, orgKeys []string) (ChildName, bool) {
	rest, ok := strings.CutPrefix(name, component+"-")
	if !ok {
		return ChildName{}, false
	}
	var best ChildName
	found := false
	for _, k := range childKinds {
		if !slices.Contains(k.types, typeToken) {
			continue
		}
		for _, c := range k.fits(rest) {
			if orgKeys != nil && !slices.Contains(orgKeys, c.OrgKey) {
				continue
			}
			if !found || (orgKeys != nil && len(c.OrgKey) > len(best.OrgKey)) || (orgKeys == nil && len(c.OrgKey) < len(best.OrgKey)) {
				best, found = c, true
			}
		}
	}
	return best, found
}

// fits are the ways rest, a name without "<component>-", reads as this kind.
func (k childKind) fits(rest string) []ChildName {
	if k.part == nil {
		key, ok := strings.CutSuffix(rest, k.marker)
		if !ok || !orgKey.MatchString(key) {
			return nil
		}
		return []ChildName{{Kind: k.kind, OrgKey: key}}
	}
	var fits []ChildName
	for at := 0; ; at++ {
		i := strings.Index(rest[at:], k.marker)
		if i < 0 {
			return fits
		}
		at += i
		key, part := rest[:at], rest[at+len(k.marker):]
		if orgKey.MatchString(key) && k.part(part) {
			fits = append(fits, ChildName{Kind: k.kind, OrgKey: key, Part: part})
		}
	}
}

// RotationPeriod is the rotation period of a ChildRotatedProvider's name.
func (n ChildName) RotationPeriod() (int64, bool) {
	if n.Kind != ChildRotatedProvider {
		return 0, false
	}
	period, err := strconv.ParseInt(n.Part, 10, 64)
	return period, err == nil
}

func isRotationPeriod(s string) bool {
	_, err := strconv.ParseUint(s, 10, 63)
	return err == nil
}

// isEntryName accepts an entry's name, which never spells the marker's word:
// an address or CIDR block has hex digits, '.', ':' (now '_') and '/' (now
// '-').
func isEntryName(s string) bool { return s != "" && !strings.Contains(s, "allow") }

func isEmail(s string) bool { return strings.Contains(s, "@") }

func isTeamMemberPart(s string) bool {
	teamKey, _, ok := strings.Cut(s, "-")
	return ok && teamKey != "" && orgKey.MatchString(teamKey) && isEmail(s)
}
