package multiorg

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// Organization roles a credential may hold.
const (
	RoleOrgOwner                 = "ORG_OWNER"
	RoleOrgMember                = "ORG_MEMBER"
	RoleOrgGroupCreator          = "ORG_GROUP_CREATOR"
	RoleOrgBillingAdmin          = "ORG_BILLING_ADMIN"
	RoleOrgBillingReadOnly       = "ORG_BILLING_READ_ONLY"
	RoleOrgStreamProcessingAdmin = "ORG_STREAM_PROCESSING_ADMIN"
	RoleOrgReadOnly              = "ORG_READ_ONLY"
)

// OrgRoles are the organization roles Atlas accepts for a credential.
var OrgRoles = []string{
	RoleOrgOwner, RoleOrgMember, RoleOrgGroupCreator, RoleOrgBillingAdmin,
	RoleOrgBillingReadOnly, RoleOrgStreamProcessingAdmin, RoleOrgReadOnly,
}

// Limits from the Atlas Admin API v2 specification.
const (
	maxOrgNameLength      = 64
	maxServiceAccountName = 64
	maxCredentialDesc     = 250
	minSecretExpiresHours = 8
	maxSecretExpiresHours = 8760
	maxOrgKeyLength       = 40
)

var (
	hexID = regexp.MustCompile(`^[a-f0-9]{24}$`)
	// orgName is Atlas' own pattern for organization names.
	orgName = regexp.MustCompile(`^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`)
	// credentialText is Atlas' pattern for service account names and descriptions.
	credentialText = regexp.MustCompile(`^[\p{L}\p{N}\-_.,' ]*$`)
	// orgKey keeps keys usable in resource names and config paths.
	orgKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
)

// Problem is one invalid value: where it is in the config and how to fix it.
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ValidationError lists every problem found in a spec, sorted by path.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration (%d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// NewValidationError returns an error listing problems, or nil when there are none.
func NewValidationError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	sorted := slices.Clone(problems)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	return &ValidationError{Problems: sorted}
}

// problems collects Problems; its methods keep each rule to one line.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Validate checks the whole spec and returns a *ValidationError that lists
// every problem, or nil.
func (s Spec) Validate() error {
	var ps problems
	s.validate(&ps)
	return NewValidationError(ps)
}

func (s Spec) validate(ps *problems) {
	profile, known := s.profile()
	if !known {
		ps.add("environment", "%q is not an environment; use one of %s", s.Environment, strings.Join(EnvironmentNames(), ", "))
	}
	switch {
	case s.PayingOrgID == "":
		ps.add("payingOrgId", "required: set it to the 24-hex ID of the organization that pays for the others (its credentials must create them)")
	case !hexID.MatchString(s.PayingOrgID):
		ps.add("payingOrgId", "must be a 24-character lowercase hexadecimal organization ID, got %q", s.PayingOrgID)
	}
	checkHexID(ps, "orgOwnerId", s.OrgOwnerID, "Atlas user ID")
	if h := s.ExpiryWarningHours; h < 0 || h > maxSecretExpiresHours {
		ps.add("expiryWarningHours", "must be between 1 and %d hours, got %d (0 means the default, %d)", maxSecretExpiresHours, h, DefaultExpiryWarningHours)
	}
	if len(s.Orgs) == 0 {
		ps.add("orgs", "required: declare at least one organization, keyed by a stable name (orgs.<key>.name: ...)")
	}

	byName := map[string][]string{}  // lower-cased name -> keys using it, sorted
	importIDs := map[string]string{} // import ID -> first key using it
	for _, key := range slices.Sorted(maps.Keys(s.Orgs)) {
		org := s.Orgs[key]
		path := "orgs." + key
		s.validateOrg(ps, path, key, org)
		minOwners, in := 1, "(Atlas' own rule)"
		if known {
			profile.validateOrg(ps, path, key, org)
			minOwners, in = profile.MinOrgOwners, fmt.Sprintf("in the %s profile (%s)", profile.Name, profile.Why)
		}
		validateMembership(ps, path, org, minOwners, in)
		// An unknown environment's profile is the zero Profile: only
		// what the entry states is checked.
		profile.pluginSettingProblems(ps, path, org)

		if org.Name != "" {
			byName[strings.ToLower(org.Name)] = append(byName[strings.ToLower(org.Name)], key)
		}
		if other, dup := importIDs[org.ImportID]; dup && org.Adopted() {
			ps.add(path+".importId", "organization %s is already adopted by orgs.%s; adopt each organization once", org.ImportID, other)
		} else {
			importIDs[org.ImportID] = key
		}
	}

	// Atlas allows two organizations one name, and existing organizations
	// may share one; a name the stack chooses must be its own.
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		keys := byName[name]
		for _, key := range keys {
			if len(keys) < 2 || s.Orgs[key].Adopted() {
				continue
			}
			other := keys[0]
			if other == key {
				other = keys[1]
			}
			ps.add("orgs."+key+".name", "%q is already the name of orgs.%s (names are compared case-insensitively); give each organization its own name",
				s.Orgs[key].Name, other)
		}
	}
}

func (s Spec) validateOrg(ps *problems, path, key string, org OrgSpec) {
	if !orgKey.MatchString(key) || len(key) > maxOrgKeyLength {
		ps.add(path, "org key %q must be 1-%d letters, digits, '-' or '_', starting with a letter or digit", key, maxOrgKeyLength)
	}
	switch {
	case org.Name == "":
		ps.add(path+".name", "required: the organization's name in Atlas")
	case utf8.RuneCountInString(org.Name) > maxOrgNameLength:
		ps.add(path+".name", "%q is %d characters; Atlas allows at most %d", org.Name, utf8.RuneCountInString(org.Name), maxOrgNameLength)
	case !orgName.MatchString(org.Name) && !org.Adopted():
		// An adopted organization keeps the name it has, even one made
		// before Atlas' API rules; only a name the stack sets must follow them.
		ps.add(path+".name", "%q has characters Atlas refuses; use letters, digits and - _ . ( ) , : & @ + ' (no spaces)", org.Name)
	}
	if org.MonthlyBudgetUSD != "" {
		if _, err := ParseUSD(org.MonthlyBudgetUSD); err != nil {
			ps.add(path+".monthlyBudgetUsd", "%v", err)
		}
	}
	checkHexID(ps, path+".orgOwnerId", org.OrgOwnerID, "Atlas user ID")
	checkHexID(ps, path+".federationSettingsId", org.FederationSettingsID, "federation settings ID")
	checkHexID(ps, path+".importId", org.ImportID, "organization ID")

	if org.Adopted() {
		for _, field := range org.creationOnlyFieldsSet() {
			switch field {
			case "serviceAccount":
				// Inside an adopted organization the block is a service
				// account of its own, created in it after adoption.
			case "apiKey":
				ps.add(path+".apiKey", "cannot be set on an adopted organization (importId): Atlas issues an API key only with a new organization; "+
					"for a credential of its own, give it a serviceAccount block instead")
			default:
				ps.add(path+"."+field, "cannot be set on an adopted organization (importId): it is used only when Atlas creates an organization, and the provider rejects it on an existing one; remove it")
			}
		}
		if missing := org.unstated(); len(missing) > 0 {
			ps.add(path, "an adopted organization must state every setting, or the first `pulumi up` would change it "+
				"(the provider sends all settings together, a missing one as its default); add %s with the organization's current values, "+
				"which `atlas-multiorg discover` prints", strings.Join(missing, ", "))
		}
	} else if org.AllowDeletion {
		ps.add(path+".allowDeletion", "only an adopted organization (importId) can opt in to deletion: an organization the stack creates is deleted with the stack (unless its environment protects it); remove it")
	}
	if !org.Adopted() && org.OrgOwnerID == "" && s.OrgOwnerID == "" {
		ps.add(path+".orgOwnerId", "required to create an organization: the provider refuses to create one without an owner; set orgOwnerId for all organizations or orgs.%s.orgOwnerId for this one", key)
	}

	switch {
	case org.ServiceAccount != nil && org.ServiceAccount.TakeOver != nil && org.APIKey != nil:
		ps.add(path+".serviceAccount.takeOver", "an organization made with an API key cannot take over a service account: the provider 4.14.0 "+
			"reads it only with the key it was created with; remove it (docs/interrupted-deployments.md#when-atlas-deletes-what-the-stack-holds)")
	case org.ServiceAccount != nil && org.APIKey != nil:
		ps.add(path, "give either serviceAccount or apiKey, not both: Atlas creates one credential with an organization")
	}
	if sa := org.ServiceAccount; sa != nil {
		p := path + ".serviceAccount"
		// A field left out takes DefaultServiceAccount's value.
		checkCredentialText(ps, p+".name", sa.Name, maxServiceAccountName)
		checkCredentialText(ps, p+".description", sa.Description, maxCredentialDesc)
		if sa.Roles != nil {
			checkRoles(ps, p+".roles", sa.Roles)
		}
		if h := sa.SecretExpiresAfterHours; h != nil && (*h < minSecretExpiresHours || *h > maxSecretExpiresHours) {
			ps.add(p+".secretExpiresAfterHours", "must be between %d and %d hours, got %d", minSecretExpiresHours, maxSecretExpiresHours, *h)
		}
		checkAccessList(ps, p+".accessList", sa.AccessList)
		checkTakeOver(ps, p+".takeOver", sa.TakeOver, org.Adopted())
	}
	if ak := org.APIKey; ak != nil {
		p := path + ".apiKey"
		switch n := utf8.RuneCountInString(ak.Description); {
		case n == 0:
			ps.add(p+".description", "required: say what the key is for (1-%d characters)", maxCredentialDesc)
		case n > maxCredentialDesc:
			ps.add(p+".description", "is %d characters; Atlas allows at most %d", n, maxCredentialDesc)
		}
		checkRoles(ps, p+".roles", ak.Roles)
		checkAccessList(ps, p+".accessList", ak.AccessList)
	}
	if v := org.APIAccessListRequired; v != nil && *v && org.Adopted() && org.ServiceAccount != nil && len(org.ServiceAccount.AccessList) == 0 {
		ps.add(path+".serviceAccount.accessList", "required while apiAccessListRequired is true: the organization refuses Admin API calls from addresses "+
			"not on a credential's access list, so its new service account could not be used; list the addresses its consumers call from")
	}
	if v := org.APIAccessListRequired; v != nil && *v && !org.Adopted() && len(org.accessList()) == 0 {
		ps.add(path+".apiAccessListRequired", "true with an empty access list would lock the organization's own credential out: "+
			"every Admin API call, the provider's included, would be refused; list the addresses your deployments run from "+
			"under serviceAccount.accessList (or apiKey.accessList), or leave it false")
	}
	if org.ResourcePolicies != nil {
		org.ResourcePolicies.validate(ps, path+".resourcePolicies")
	}
	org.settingProblems(ps, path)
}

// creationOnlyConfigFields maps each creation-only provider input
// (mongodbatlas.OrganizationCreateOnlyInputs) that no setting sets to the
// config field that sets it; a creation-only setting says so in its row of
// orgSettings.
var creationOnlyConfigFields = map[string]string{
	"description":          "apiKey",
	"roleNames":            "apiKey",
	"orgOwnerId":           "orgOwnerId",
	"federationSettingsId": "federationSettingsId",
	"serviceAccount":       "serviceAccount",
}

// creationOnlyConfigField is the config field that sets a creation-only
// provider input: a creation-only setting's name, else the field
// creationOnlyConfigFields names.
func creationOnlyConfigField(input string) string {
	for _, st := range orgSettings {
		if st.creationOnly && st.providerInput == input {
			return st.name
		}
	}
	return creationOnlyConfigFields[input]
}

// creationOnlyFieldsSet lists the config fields of o that only matter when
// Atlas creates the organization, once each, in a stable order.
func (o OrgSpec) creationOnlyFieldsSet() []string {
	set := map[string]bool{
		"apiKey":               o.APIKey != nil,
		"orgOwnerId":           o.OrgOwnerID != "",
		"federationSettingsId": o.FederationSettingsID != "",
		"serviceAccount":       o.ServiceAccount != nil,
	}
	for _, st := range orgSettings {
		if st.creationOnly {
			set[st.name] = st.value.isSet(o.Settings)
		}
	}
	var fields []string
	for _, input := range mongodbatlas.OrganizationCreateOnlyInputs {
		field := creationOnlyConfigField(input)
		if set[field] && !slices.Contains(fields, field) {
			fields = append(fields, field)
		}
	}
	return fields
}

// checkAccessList checks each entry: exactly one of an address and a block,
// well formed, never everything, never twice.
func checkAccessList(ps *problems, path string, entries []AccessListEntry) {
	seen := map[string]bool{}
	for i, e := range entries {
		p := fmt.Sprintf("%s[%d]", path, i)
		var value string
		switch {
		case e.IPAddress != "" && e.CIDRBlock != "":
			ps.add(p, "give either ipAddress or cidrBlock, not both")
			continue
		case e.IPAddress != "":
			value = e.IPAddress
			if _, err := netip.ParseAddr(e.IPAddress); err != nil {
				ps.add(p+".ipAddress", "%q is not an IP address", e.IPAddress)
				continue
			}
		case e.CIDRBlock != "":
			value = e.CIDRBlock
			prefix, err := netip.ParsePrefix(e.CIDRBlock)
			switch {
			case err != nil:
				ps.add(p+".cidrBlock", "%q is not a CIDR block such as 203.0.113.0/24", e.CIDRBlock)
				continue
			case prefix.Bits() == 0:
				ps.add(p+".cidrBlock", "%q allows every address, which makes the access list pointless; list the addresses you deploy from", e.CIDRBlock)
				continue
			case prefix.Masked() != prefix:
				ps.add(p+".cidrBlock", "%q has host bits set; did you mean %s?", e.CIDRBlock, prefix.Masked())
				continue
			}
		default:
			ps.add(p, "give ipAddress or cidrBlock")
			continue
		}
		if seen[value] {
			ps.add(p, "%s is listed twice; list each entry once", value)
		}
		seen[value] = true
	}
}

func checkHexID(ps *problems, path, value, what string) {
	if value != "" && !hexID.MatchString(value) {
		ps.add(path, "must be a 24-character lowercase hexadecimal %s, got %q", what, value)
	}
}

func checkCredentialText(ps *problems, path, value string, max int) {
	switch n := utf8.RuneCountInString(value); {
	case n == 0:
		// Left out: the default applies.
	case n > max:
		ps.add(path, "is %d characters; Atlas allows at most %d", n, max)
	case !credentialText.MatchString(value):
		ps.add(path, "%q has characters Atlas refuses; use letters, digits, spaces and - _ . , '", value)
	}
}

// checkRoles requires ORG_OWNER of every credential, not only of API keys as
// Atlas does: the provider changes the new organization's settings with the
// new credential right after creating it, which needs Organization Owner.
func checkRoles(ps *problems, path string, roles []string) {
	if len(roles) == 0 {
		ps.add(path, "required: list at least %s", RoleOrgOwner)
		return
	}
	seen := map[string]bool{}
	for _, role := range roles {
		switch {
		case !slices.Contains(OrgRoles, role):
			ps.add(path, "unknown role %q; use one of %s", role, strings.Join(OrgRoles, ", "))
		case seen[role]:
			ps.add(path, "role %q is listed twice; list each role once", role)
		}
		seen[role] = true
	}
	if !seen[RoleOrgOwner] {
		ps.add(path, "must include %s: the provider manages the new organization with this credential", RoleOrgOwner)
	}
}

// serviceAccountClientID is how Atlas spells a service account's client ID.
var serviceAccountClientID = regexp.MustCompile(`^mdb_sa_id_[0-9a-f]{24}$`)

// checkTakeOver checks a serviceAccount.takeOver block: a created
// organization's, with the client ID of a service account and a secret.
// That the secret is a Pulumi secret only the program can tell
// (CheckTakeOverSecrets); that Atlas takes the credential, only Atlas
// (TakeOverCheck).
func checkTakeOver(ps *problems, path string, t *TakeOverSpec, adopted bool) {
	if t == nil {
		return
	}
	if adopted {
		ps.add(path, "only an organization the stack created takes over a credential: an adopted one is managed with the caller's credential, "+
			"and its own service account, deleted in Atlas, is created again by pulumi up --refresh; remove it")
		return
	}
	if !serviceAccountClientID.MatchString(t.ClientID) {
		ps.add(path+".clientId", "%q is not a service account's client ID (mdb_sa_id_ and 24 hex digits): give the client ID Atlas showed its "+
			"Organization Owner when they made the service account", t.ClientID)
	}
	if t.ClientSecret == "" {
		ps.add(path+".clientSecret", "required: one of its secrets, as a Pulumi secret read from a file: "+
			"pulumi config set --secret --path 'orgs.<key>.serviceAccount.takeOver.clientSecret' < secret-file")
	}
}
