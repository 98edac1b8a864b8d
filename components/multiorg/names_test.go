package multiorg

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// TestChildNamesRoundTrip builds every kind's name, checks it against the
// name deployed stacks hold, and parses it back to the same parts, with and
// without the stack's org keys.
func TestChildNamesRoundTrip(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		name, typeToken, want string
		parsed                ChildName
	}{
		"organization": {OrgResourceName("multiorg", "data"), mongodbatlas.OrganizationType,
			"multiorg-data", ChildName{ChildOrganization, "data", ""}},
		"provider": {ProviderResourceName("multiorg", "data"), mongodbatlas.ProviderType,
			"multiorg-data", ChildName{ChildProvider, "data", ""}},
		"rotated provider": {RotatedProviderName("multiorg", "data", 2041), mongodbatlas.ProviderType,
			"multiorg-data-period-2041", ChildName{ChildRotatedProvider, "data", "2041"}},
		"service account": {ServiceAccountResourceName("multiorg", "data"), mongodbatlas.ServiceAccountType,
			"multiorg-data-service-account", ChildName{ChildServiceAccount, "data", ""}},
		"rotated secret": {RotatedSecretName("multiorg", "data"), mongodbatlas.ServiceAccountSecretType,
			"multiorg-data-secret", ChildName{ChildRotatedSecret, "data", ""}},
		"service account access list entry": {AccessListEntryName("multiorg", "data", AccessListEntry{CIDRBlock: "203.0.113.0/24"}),
			mongodbatlas.ServiceAccountAccessListEntryType, "multiorg-data-allow-203.0.113.0-24", ChildName{ChildAccessListEntry, "data", "203.0.113.0-24"}},
		"API key access list entry": {AccessListEntryName("multiorg", "data", AccessListEntry{IPAddress: "2001:db8::1"}),
			mongodbatlas.AccessListApiKeyType, "multiorg-data-allow-2001_db8__1", ChildName{ChildAccessListEntry, "data", "2001_db8__1"}},
		"access list switch": {AccessListSwitchName("multiorg", "data"), stashType,
			"multiorg-data-api-access-list-required", ChildName{ChildAccessListSwitch, "data", ""}},
		"destroy guard": {DestroyGuardName("multiorg", "data"), stashType,
			"multiorg-data-protected", ChildName{ChildDestroyGuard, "data", ""}},
		"resource policies": {PolicyResourceName("multiorg", "data"), mongodbatlas.ResourcePolicyType,
			"multiorg-data-policies", ChildName{ChildPolicies, "data", ""}},
		"member": {MemberResourceName("multiorg", "data", "ada@example.com"), mongodbatlas.CloudUserOrgAssignmentType,
			"multiorg-data-member-ada@example.com", ChildName{ChildMember, "data", "ada@example.com"}},
		"team": {TeamResourceName("multiorg", "data", "platform"), mongodbatlas.TeamType,
			"multiorg-data-team-platform", ChildName{ChildTeam, "data", "platform"}},
		"settings": {SettingsResourceName("multiorg", "data"), orgsettings.Type,
			"multiorg-data-settings", ChildName{ChildSettings, "data", ""}},
		"team member": {TeamMemberResourceName("multiorg", "data", "platform", "ada@example.com"), mongodbatlas.CloudUserTeamAssignmentType,
			"multiorg-data-team-platform-ada@example.com", ChildName{ChildTeamMember, "data", "platform-ada@example.com"}},
	}
	kinds := map[ChildKind]bool{}
	for name, tc := range tests {
		kinds[tc.parsed.Kind] = true
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, tc.name, "the name deployed stacks hold")
			got, ok := ParseChildName("multiorg", tc.typeToken, tc.name, nil)
			require.True(t, ok)
			assert.Equal(t, tc.parsed, got)
			got, ok = ParseChildName("multiorg", tc.typeToken, tc.name, []string{"dat", "data", "other"})
			require.True(t, ok)
			assert.Equal(t, tc.parsed, got, "with the stack's org keys")
			assert.Equal(t, tc.name, ChildResourceName("multiorg", got.Kind, got.OrgKey, got.Part), "built again from the parts")
			_, ok = ParseChildName("other", tc.typeToken, tc.name, nil)
			assert.False(t, ok, "another component's")
			_, ok = ParseChildName("multiorg", "pulumi:index:Other", tc.name, nil)
			assert.False(t, ok, "a type no child has")
		})
	}
	for _, k := range childKinds {
		assert.True(t, kinds[k.kind], "%s has a round trip", k.kind)
	}
}

// TestParseChildNameAmbiguousKeys reads names whose org key holds a dash or
// a marker: exact where the marker ends the name or the part cannot hold
// it, and with the stack's keys otherwise.
func TestParseChildNameAmbiguousKeys(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		typeToken, name string
		keys            []string
		want            ChildName
	}{
		"an organization whose key ends like a part": {mongodbatlas.OrganizationType, "multiorg-a-secret", nil,
			ChildName{ChildOrganization, "a-secret", ""}},
		"the secret of a key with dashes": {mongodbatlas.ServiceAccountSecretType, "multiorg-a-b-secret-secret", nil,
			ChildName{ChildRotatedSecret, "a-b-secret", ""}},
		"the switch of a key ending -protected": {stashType, "multiorg-a-protected-api-access-list-required", nil,
			ChildName{ChildAccessListSwitch, "a-protected", ""}},
		"the guard of a key ending like the switch": {stashType, "multiorg-a-api-access-list-required-protected", nil,
			ChildName{ChildDestroyGuard, "a-api-access-list-required", ""}},
		"the policies of a key holding -policies": {mongodbatlas.ResourcePolicyType, "multiorg-x-policies-policies", nil,
			ChildName{ChildPolicies, "x-policies", ""}},
		"an entry of a key holding -allow-": {mongodbatlas.ServiceAccountAccessListEntryType, "multiorg-a-allow-b-allow-10.0.0.1", nil,
			ChildName{ChildAccessListEntry, "a-allow-b", "10.0.0.1"}},
		"an entry of a key ending -allow": {mongodbatlas.AccessListApiKeyType, "multiorg-a-allow-allow-10.0.0.1", nil,
			ChildName{ChildAccessListEntry, "a-allow", "10.0.0.1"}},
		"a member whose email holds -member-": {mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-b-member-c@example.com", nil,
			ChildName{ChildMember, "a", "b-member-c@example.com"}},
		"a member of a key holding -member-, with the keys": {mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-b-member-c@example.com",
			[]string{"a-member-b", "data"}, ChildName{ChildMember, "a-member-b", "c@example.com"}},
		"both keys fit: the longest": {mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-b-member-c@example.com",
			[]string{"a", "a-member-b"}, ChildName{ChildMember, "a-member-b", "c@example.com"}},
		"a member of a key ending -member, with the keys": {mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-member-c@example.com",
			[]string{"a", "a-member"}, ChildName{ChildMember, "a-member", "c@example.com"}},
		"a key ending -member reads as the shorter without the keys": {mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-member-c@example.com",
			nil, ChildName{ChildMember, "a", "member-c@example.com"}},
		"a team of a key holding -team-, with the keys": {mongodbatlas.TeamType, "multiorg-a-team-b-team-x", []string{"a-team-b"},
			ChildName{ChildTeam, "a-team-b", "x"}},
		"a team whose key holds -team-": {mongodbatlas.TeamType, "multiorg-a-team-b-team-x", nil,
			ChildName{ChildTeam, "a", "b-team-x"}},
		"the provider of a key ending -period-<n>, with the keys": {mongodbatlas.ProviderType, "multiorg-a-period-5", []string{"a-period-5"},
			ChildName{ChildProvider, "a-period-5", ""}},
		"without the keys a -period-<n> is a rotation": {mongodbatlas.ProviderType, "multiorg-a-period-5", nil,
			ChildName{ChildRotatedProvider, "a", "5"}},
		"a provider of a key ending -period-": {mongodbatlas.ProviderType, "multiorg-a-period-x", nil,
			ChildName{ChildProvider, "a-period-x", ""}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseChildName("multiorg", tc.typeToken, tc.name, tc.keys)
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseChildNameRefuses(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		typeToken, name string
		keys            []string
	}{
		"the component itself":        {Type, "multiorg", nil},
		"no key":                      {mongodbatlas.OrganizationType, "multiorg-", nil},
		"a key validation refuses":    {mongodbatlas.OrganizationType, "multiorg-_a", nil},
		"a secret without a key":      {mongodbatlas.ServiceAccountSecretType, "multiorg-secret", nil},
		"a member without an email":   {mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-ada", nil},
		"a stash of no kind":          {stashType, "multiorg-a-something", nil},
		"a key not among the stack's": {mongodbatlas.OrganizationType, "multiorg-gone", []string{"data"}},
		"the default provider":        {mongodbatlas.ProviderType, "default_4_14_0", nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, ok := ParseChildName("multiorg", tc.typeToken, tc.name, tc.keys)
			assert.False(t, ok, "%+v", got)
		})
	}
}

func TestRotationPeriodOfName(t *testing.T) {
	t.Parallel()
	child, ok := ParseChildName("multiorg", mongodbatlas.ProviderType, RotatedProviderName("multiorg", "data", 2041), nil)
	require.True(t, ok)
	period, ok := child.RotationPeriod()
	assert.True(t, ok)
	assert.Equal(t, int64(2041), period)
	_, ok = ChildName{Kind: ChildProvider, OrgKey: "data"}.RotationPeriod()
	assert.False(t, ok, "a provider that does not rotate")
}

// TestEveryChildIsNamedByTheTable runs an organization of each sort with
// everything inside it, and reads every resource the component registered
// back through the table: each is a child of one of the stack's keys, of a
// kind the table knows, and the table builds its name again.
func TestEveryChildIsNamedByTheTable(t *testing.T) {
	t.Parallel()
	spec := envSpec("prod")
	withMembers(&spec)
	setOrg(&spec, "analytics", func(o *OrgSpec) {
		o.Members["grace@example.com"] = MemberSpec{Roles: []string{RoleOrgOwner}}
		o.ServiceAccount = &ServiceAccountSpec{Name: "ci", Description: "ci", Roles: []string{RoleOrgOwner},
			SecretExpiresAfterHours: ptr(720), RotateEveryHours: ptr(240), AccessList: []AccessListEntry{{IPAddress: "203.0.113.7"}}}
	})
	setOrg(&spec, "billing", func(o *OrgSpec) { o.APIKey.AccessList = []AccessListEntry{{CIDRBlock: "2001:db8::/48"}} })
	setOrg(&spec, "legacy", func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{Name: "legacy-ci", Description: "legacy automation", Roles: []string{RoleOrgOwner},
			SecretExpiresAfterHours: ptr(720)}
	})
	mon := &atlasmock.Monitor{APIKeys: map[string][]string{atlasmock.FakeID("orgs-billing"): {atlasmock.PublicKey("orgs-billing")}}}
	runAt(t, spec, atlasmock.CreatedAt, nil, mon)

	keys := slices.Sorted(maps.Keys(spec.Orgs))
	kinds := map[ChildKind]bool{}
	for _, r := range mon.Registrations() {
		if r.TypeToken == Type {
			continue
		}
		child, ok := ParseChildName("orgs", r.TypeToken, r.Name, keys)
		if !assert.True(t, ok, "%s %s is named by the table", r.TypeToken, r.Name) {
			continue
		}
		kinds[child.Kind] = true
		assert.Equal(t, r.Name, ChildResourceName("orgs", child.Kind, child.OrgKey, child.Part))
		unsure, ok := ParseChildName("orgs", r.TypeToken, r.Name, nil)
		assert.True(t, ok)
		assert.Equal(t, child, unsure, "%s reads the same without the keys", r.Name)
	}
	for _, k := range childKinds {
		assert.True(t, kinds[k.kind], "a %s was registered", k.kind)
	}
}

// FuzzChildNameRoundTrip: every kind's name, built from a valid org key and
// a valid part, parses back to its parts given the key, and without it
// when the key holds none of the markers the rule names.
func FuzzChildNameRoundTrip(f *testing.F) {
	f.Add("data", "platform", "ada@example.com", uint32(2041))
	f.Add("a-member-b", "x-team-y", "b-member-c@example.com", uint32(5))
	f.Add("a-period-5", "a_b", "jean-luc@example.com", uint32(0))
	f.Add("x-allow-y-secret", "t", "a@b", uint32(7))
	f.Add("a-member", "a-team", "member-x@example.com", uint32(1))
	f.Add("a-allow", "allow", "allow@example.com", uint32(3))
	f.Fuzz(func(t *testing.T, key, teamKey, email string, period uint32) {
		if !orgKey.MatchString(key) || !orgKey.MatchString(teamKey) || !isEmail(email) || strings.ContainsAny(email, " \t\n") {
			return
		}
		parts := map[ChildKind]string{
			ChildRotatedProvider: strconv.FormatUint(uint64(period), 10), ChildAccessListEntry: "2001_db8__-48",
			ChildMember: email, ChildTeam: teamKey, ChildTeamMember: teamKey + "-" + email,
		}
		markerFree := !strings.Contains(key+"-", "-member-") && !strings.Contains(key+"-", "-team-") && !periodEnd.MatchString(key)
		for _, k := range childKinds {
			want := ChildName{Kind: k.kind, OrgKey: key, Part: parts[k.kind]}
			name := ChildResourceName("multiorg", k.kind, key, want.Part)
			got, ok := ParseChildName("multiorg", k.types[0], name, []string{key})
			assert.True(t, ok, name)
			assert.Equal(t, want, got, "%s with its key", name)
			if markerFree {
				got, ok = ParseChildName("multiorg", k.types[0], name, nil)
				assert.True(t, ok, name)
				assert.Equal(t, want, got, "%s without the keys", name)
			}
		}
	})
}

var periodEnd = regexp.MustCompile(`-period-[0-9]+$`)
