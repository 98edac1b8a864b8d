package multiorg

import (
	"cmp"
	"fmt"
	"net/mail"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// orgSettings is the one table of the organization settings: each is a row
// here and a field of Settings, in the same order (settings_test.go holds
// the two to each other). Everything else that names the settings is
// derived from it: which a spec leaves unstated, the defaults, the profiles'
// required settings, the Organization's provider inputs, the switch's
// otherSettings, the configuration reference, the package schema and the
// table in CONTRIBUTING.md.
var orgSettings = []orgSetting{
	{
		name: "apiAccessListRequired", apiField: "apiAccessListRequired", apiRequest: settingsPatch,
		providerInput: "apiAccessListRequired", setBy: byAccessListSwitch,
		value: typedSetting[bool]{
			field:    func(s *Settings) **bool { return &s.APIAccessListRequired },
			input:    func(a *mongodbatlas.OrganizationArgs, v *bool) { a.ApiAccessListRequired = pulumi.BoolPtrFromPtr(v) },
			defaults: everywhere(false),
		},
		doc: "Admin API calls must come from an access-listed address. Refused with an empty access list, which would lock the automation out; switched on in the same run, once the access list exists, by the switch the component adds (see [API access lists](credentials.md#api-access-lists)).",
	},
	{
		name: "multiFactorAuthRequired", apiField: "multiFactorAuthRequired", apiRequest: settingsPatch,
		providerInput: "multiFactorAuthRequired", setBy: byOrganization,
		value: typedSetting[bool]{
			field:    func(s *Settings) **bool { return &s.MultiFactorAuthRequired },
			input:    func(a *mongodbatlas.OrganizationArgs, v *bool) { a.MultiFactorAuthRequired = pulumi.BoolPtrFromPtr(v) },
			defaults: everywhere(true),
		},
		doc: "Members must set up MFA.",
	},
	{
		name: "restrictEmployeeAccess", apiField: "restrictEmployeeAccess", apiRequest: settingsPatch,
		providerInput: "restrictEmployeeAccess", setBy: byOrganization,
		value: typedSetting[bool]{
			field:    func(s *Settings) **bool { return &s.RestrictEmployeeAccess },
			input:    func(a *mongodbatlas.OrganizationArgs, v *bool) { a.RestrictEmployeeAccess = pulumi.BoolPtrFromPtr(v) },
			defaults: everywhere(true),
		},
		doc: "MongoDB Support needs explicit permission to reach the organization's deployments.",
	},
	{
		// The Admin API spells it genAIFeaturesEnabled, the provider and the
		// config genAiFeaturesEnabled.
		name: "genAiFeaturesEnabled", apiField: "genAIFeaturesEnabled", apiRequest: settingsPatch,
		providerInput: "genAiFeaturesEnabled", setBy: byOrganization,
		value: typedSetting[bool]{
			field:    func(s *Settings) **bool { return &s.GenAIFeaturesEnabled },
			input:    func(a *mongodbatlas.OrganizationArgs, v *bool) { a.GenAiFeaturesEnabled = pulumi.BoolPtrFromPtr(v) },
			defaults: everywhere(false),
		},
		doc: "Generative AI features. Atlas turns them on when not told otherwise; here they stay off until you decide.",
	},
	{
		name: "securityContact", apiField: "securityContact", apiRequest: settingsPatch,
		providerInput: "securityContact", setBy: byOrganization,
		value: typedSetting[string]{
			field:    func(s *Settings) **string { return &s.SecurityContact },
			input:    func(a *mongodbatlas.OrganizationArgs, v *string) { a.SecurityContact = pulumi.StringPtrFromPtr(v) },
			defaults: everywhere(""),
			check:    emailOrNone,
		},
		doc: "One email address for security notifications; `\"\"` for none.",
	},
	{
		// Not a field of the settings PATCH: the provider sends it in the
		// create request and changes it with PATCH /orgs/{orgId}, with the
		// name. That request leaves apiAccessListRequired as it is, so the
		// switch need not set it again after one (see otherSettings).
		name: "skipDefaultAlertsSettings", apiField: "skipDefaultAlertsSettings", apiRequest: orgPatch,
		providerInput: "skipDefaultAlertsSettings", setBy: byOrganization,
		value: typedSetting[bool]{
			field: func(s *Settings) **bool { return &s.SkipDefaultAlertsSettings },
			input: func(a *mongodbatlas.OrganizationArgs, v *bool) {
				a.SkipDefaultAlertsSettings = pulumi.BoolPtrFromPtr(v)
			},
			defaults: everywhere(false),
		},
		// Atlas' default alerts are the only alerts a new organization has
		// (nothing here declares any), so they stay on unless the entry
		// says otherwise. Organizations created while the default was true
		// keep it: a deployed stack previews no change.
		keepsDeployed: true,
		doc: "Stops Atlas from creating its default organization alerts (and, the provider says, future default alerts). " +
			"Left out, Atlas' default alerts stay on: nothing here declares alerts, so without them an organization would have none. " +
			"An organization the stack already holds keeps the value its state has when its entry leaves this out " +
			"(`true` for those created before this default became `false`), so a deployed stack previews no change; " +
			"state `false` to let Atlas create its future default alerts for them too. Always sent.",
	},
	// The settings below are PluginSettings: provider 4.14.0 has no input
	// for them, and the package's own plugin sets them
	// (byOrganizationSettings). Each is managed only where the code states
	// it, so dev, which leaves them to Atlas, has no default for them.
	{
		name: "absoluteSessionTimeoutInSeconds", apiField: "customSessionTimeouts.absoluteSessionTimeoutInSeconds", apiRequest: settingsPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[int]{
			field: func(s *Settings) **int { return &s.AbsoluteSessionTimeoutInSeconds },
			// prod: a working day, one sign-in a day, and a laptop left
			// signed in overnight is signed out. staging: Atlas' own
			// 12 hours, stated so that a change in the UI is set back.
			defaults: map[string]int{"staging": 43200, "prod": 28800},
			check:    between(minAbsoluteSessionSeconds, maxAbsoluteSessionSeconds, "seconds"),
		},
		doc: "How long anyone's session in the Atlas UI lasts before they must sign in again, 3600-43200 seconds (1-12 hours); unset, Atlas' 12 hours. At least `idleSessionTimeoutInSeconds`. A person in several organizations gets the shortest of each timeout among them (see [Session timeouts](credentials.md#session-timeouts)).",
	},
	{
		name: "idleSessionTimeoutInSeconds", apiField: "customSessionTimeouts.idleSessionTimeoutInSeconds", apiRequest: settingsPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[int]{
			field: func(s *Settings) **int { return &s.IdleSessionTimeoutInSeconds },
			// 15 minutes idle, the re-authentication common baselines ask
			// of systems holding production data (PCI DSS 8.2.8).
			defaults: map[string]int{"staging": 3600, "prod": 900},
			check:    between(minIdleSessionSeconds, maxAbsoluteSessionSeconds, "seconds"),
		},
		doc: "How long a session in the Atlas UI may be idle before Atlas signs the person out, 300 seconds (5 minutes) up to the absolute timeout; unset, no idle timeout.",
	},
	{
		name: "maxServiceAccountSecretValidityInHours", apiField: "maxServiceAccountSecretValidityInHours", apiRequest: settingsPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[int]{
			field: func(s *Settings) **int { return &s.MaxServiceAccountSecretValidityInHours },
			// The profile's own cap of secretExpiresAfterHours
			// (settings_test.go holds them equal), so that Atlas holds
			// every secret of the organization, one made in the UI too, to
			// the rule the profile holds the stack's own to.
			defaults: map[string]int{"staging": 4380, "prod": 2160},
			check:    between(minSecretExpiresHours, maxSecretExpiresHours, "hours"),
		},
		doc: "The longest lifetime Atlas allows a new service-account secret of the organization, 8-8760 hours, whoever creates it; unset, Atlas' 8760. At least the organization's own secret lifetime (`serviceAccount.secretExpiresAfterHours`) and rotation period, or Atlas would refuse its next secret.",
	},
	{
		name: "operationsContact", apiField: "operationsContact", apiRequest: settingsPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[string]{
			field: func(s *Settings) **string { return &s.OperationsContact },
			check: emailRequired,
		},
		doc: "One email address, such as a distribution list, for Atlas' notifications about the organization's infrastructure; it grants no access. `\"\"` is refused (Atlas refuses it); leave it out for none.",
	},
	{
		name: "streamsCrossGroupEnabled", apiField: "streamsCrossGroupEnabled", apiRequest: settingsPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[bool]{
			field:    func(s *Settings) **bool { return &s.StreamsCrossGroupEnabled },
			defaults: map[string]bool{"prod": false},
		},
		doc: "Lets a project's Atlas Stream Processing workspaces connect to the clusters of the organization's other projects; prod keeps each project's data in it.",
	},
	{
		name: "delegatedMcpAccess", apiField: "delegatedMcpAccess", apiRequest: delegationPatch,
		setBy: byOrganizationSettings, enum: []string{"DISALLOWED", "READ_ONLY", "READ_WRITE"},
		value: typedSetting[string]{
			field:    func(s *Settings) **string { return &s.DelegatedMcpAccess },
			defaults: map[string]string{"prod": "DISALLOWED"},
		},
		doc: "What MCP (Model Context Protocol) clients, such as AI assistants, may do in the organization with a person's delegated access; unset, Atlas' `DISALLOWED`. A profile may cap it (prod: `READ_ONLY` at most).",
	},
	{
		name: "delegatedPartnerAccess", apiField: "delegatedPartnerAccess", apiRequest: delegationPatch,
		setBy: byOrganizationSettings, enum: []string{"DISALLOWED", "READ_WRITE"},
		value: typedSetting[string]{
			field:    func(s *Settings) **string { return &s.DelegatedPartnerAccess },
			defaults: map[string]string{"prod": "DISALLOWED"},
		},
		doc: "Whether partner integrations may act in the organization with a person's delegated access; unset, Atlas' `DISALLOWED`. A profile may cap it (prod: `DISALLOWED`).",
	},
	{
		name: "idleRefreshTokenLifetime", apiField: "idleRefreshTokenLifetime", apiRequest: delegationPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[int]{
			field: func(s *Settings) **int { return &s.IdleRefreshTokenLifetime },
			check: between(1, maxRefreshTokenSeconds, "seconds"),
		},
		doc: "How long a delegated-access refresh token may go unused before it expires, 1-31536000 seconds (a year); unset, Atlas' default.",
	},
	{
		name: "maximumRefreshTokenLifetime", apiField: "maximumRefreshTokenLifetime", apiRequest: delegationPatch,
		setBy: byOrganizationSettings,
		value: typedSetting[int]{
			field: func(s *Settings) **int { return &s.MaximumRefreshTokenLifetime },
			check: between(1, maxRefreshTokenSeconds, "seconds"),
		},
		doc: "How long a delegated-access refresh token lives at most, used or not, 1-31536000 seconds; unset, Atlas' default.",
	},
}

// Bounds of the PluginSettings, from the Admin API specification
// (CustomSessionTimeouts, OrgDelegationSettingsUpdateRequest).
const (
	minAbsoluteSessionSeconds = 3600
	maxAbsoluteSessionSeconds = 43200
	minIdleSessionSeconds     = 300
	maxRefreshTokenSeconds    = 31536000
)

// orgSetting is one organization setting: a row of orgSettings.
type orgSetting struct {
	// name is the config name: the key in an orgs.<key> entry and the JSON
	// name of its Settings field.
	name string
	// apiField is its field in the Admin API's request and answer bodies.
	apiField string
	// apiRequest is the Admin API request that changes it on an existing
	// organization, as the provider 4.14.0 sends it.
	apiRequest apiRequest
	// providerInput is its mongodbatlas.Organization input (wire name);
	// "" for a setting the provider cannot set (byOrganizationSettings).
	providerInput string
	// creationOnly: the provider accepts it only when it creates the
	// organization (mongodbatlas.OrganizationCreateOnlyInputs); an adopted
	// entry cannot state it, and a created one cannot change it later.
	creationOnly bool
	// keepsDeployed: an organization the stack already holds keeps the
	// value its state has when its entry leaves the setting out, instead of
	// the default, so that a default changed later changes nothing deployed.
	keepsDeployed bool
	// setBy is the resource that sets it in Atlas.
	setBy settingResource
	// enum are the values a string setting may take, narrowest access
	// first, so that a profile can cap it (Profile.MaxAccess); nil for a
	// setting of any value its check takes.
	enum []string
	// doc is its meaning in the configuration reference, in Markdown,
	// with links relative to docs/.
	doc string
	// value reads and writes it: its Settings field, its provider input,
	// its default in each environment and the values it may take.
	value settingValue
}

// apiRequest is an Admin API request that changes settings of an existing
// organization.
type apiRequest string

const (
	// settingsPatch is PATCH /orgs/{orgId}/settings. The provider sends
	// every field of it whenever one of them changes.
	settingsPatch apiRequest = "PATCH /orgs/{orgId}/settings"
	// orgPatch is PATCH /orgs/{orgId}; the field is also in the body of
	// POST /orgs that creates the organization.
	orgPatch apiRequest = "PATCH /orgs/{orgId}"
	// delegationPatch is PATCH /orgs/{orgId}/delegationSettings.
	delegationPatch apiRequest = "PATCH /orgs/{orgId}/delegationSettings"
)

// settingResource is the resource that sets a setting in Atlas.
type settingResource string

const (
	// byOrganization: the mongodbatlas.Organization, through its input.
	byOrganization settingResource = "the Organization"
	// byAccessListSwitch: on a created organization with an access list, the
	// -api-access-list-required switch (access_list_switch.go), once the
	// access list exists; the Organization keeps it off. Elsewhere the
	// Organization.
	byAccessListSwitch settingResource = "the api-access-list-required switch, or the Organization"
	// byOrganizationSettings: the package plugin's OrganizationSettings
	// resource, one per organization that states such a setting
	// (PluginSettings); provider 4.14.0 has no input for it.
	byOrganizationSettings settingResource = "the OrganizationSettings resource"
)

// byPlugin reports whether the package's own plugin sets the setting: it is
// a field of PluginSettings, managed only where the code states it.
func (st orgSetting) byPlugin() bool { return st.setBy == byOrganizationSettings }

// settingValue is typed access to one setting, so that no code picks a
// Settings field by the setting's name.
type settingValue interface {
	// kind is the Go kind of the value: bool, string or int.
	kind() reflect.Kind
	// isSet says whether s states the setting.
	isSet(s Settings) bool
	// fill sets the setting of s from defaults when s leaves it nil.
	fill(s *Settings, defaults Settings)
	// keep sets the setting of s, when s leaves it nil, to deployed: the
	// provider input's value in the state; a value of another type is
	// ignored.
	keep(s *Settings, deployed any)
	// setDefault sets the setting of s to its default in environment, and
	// leaves it nil when the row has none there.
	setDefault(s *Settings, environment string)
	// shownDefault is the default in environment, as the configuration
	// reference shows it; "unset" where the row has none.
	shownDefault(environment string) string
	// shown is the setting of s as plain text, "unset" when nil.
	shown(s Settings) string
	// setInput sets the provider input from s.
	setInput(a *mongodbatlas.OrganizationArgs, s Settings)
	// boolValue is the setting of s when it is a bool setting; false when
	// it is not.
	boolValue(s Settings) (*bool, bool)
	// stringValue is the setting of s when it is a string setting; false
	// when it is not.
	stringValue(s Settings) (*string, bool)
	// intValue is the setting of s when it is an int setting; false when
	// it is not.
	intValue(s Settings) (*int, bool)
	// problem says what is wrong with the setting of s, "" when nothing.
	problem(s Settings) string
	// resourceInput is the setting of s as a resource input; nil when
	// unset.
	resourceInput(s Settings) pulumi.Input
}

// typedSetting is the settingValue of a setting of type T.
type typedSetting[T bool | string | int] struct {
	// field is the setting's field of a Settings.
	field func(*Settings) **T
	// input sets the setting's provider input to v; nil for a setting
	// the provider cannot set.
	input func(a *mongodbatlas.OrganizationArgs, v *T)
	// defaults is its value, when a created organization's entry leaves
	// it out, by environment; an environment without one leaves it to
	// Atlas.
	defaults map[string]T
	// check says what is wrong with a value, "" when nothing; nil takes
	// any value of T.
	check func(T) string
}

func (t typedSetting[T]) kind() reflect.Kind { return reflect.TypeFor[T]().Kind() }

func (t typedSetting[T]) isSet(s Settings) bool { return *t.field(&s) != nil }

func (t typedSetting[T]) fill(s *Settings, defaults Settings) {
	if v := t.field(s); *v == nil {
		*v = *t.field(&defaults)
	}
}

func (t typedSetting[T]) keep(s *Settings, deployed any) {
	if v, ok := deployed.(T); ok && *t.field(s) == nil {
		*t.field(s) = &v
	}
}

func (t typedSetting[T]) setDefault(s *Settings, environment string) {
	if d, ok := t.defaults[environment]; ok {
		*t.field(s) = &d
	}
}

func (t typedSetting[T]) shownDefault(environment string) string {
	d, ok := t.defaults[environment]
	if !ok {
		return "unset"
	}
	return fmt.Sprintf("`%#v`", d)
}

func (t typedSetting[T]) shown(s Settings) string {
	if v := *t.field(&s); v != nil {
		return fmt.Sprint(*v)
	}
	return "unset"
}

func (t typedSetting[T]) setInput(a *mongodbatlas.OrganizationArgs, s Settings) {
	if t.input != nil {
		t.input(a, *t.field(&s))
	}
}

func (t typedSetting[T]) boolValue(s Settings) (*bool, bool) {
	v, ok := any(*t.field(&s)).(*bool)
	return v, ok
}

func (t typedSetting[T]) stringValue(s Settings) (*string, bool) {
	v, ok := any(*t.field(&s)).(*string)
	return v, ok
}

func (t typedSetting[T]) intValue(s Settings) (*int, bool) {
	v, ok := any(*t.field(&s)).(*int)
	return v, ok
}

func (t typedSetting[T]) resourceInput(s Settings) pulumi.Input {
	if v := *t.field(&s); v != nil {
		return pulumi.Any(*v)
	}
	return nil
}

func (t typedSetting[T]) problem(s Settings) string {
	if v := *t.field(&s); v != nil && t.check != nil {
		return t.check(*v)
	}
	return ""
}

// everywhere is the same default in every environment.
func everywhere[T bool | string | int](v T) map[string]T {
	byEnvironment := map[string]T{}
	for _, env := range PromotionOrder {
		byEnvironment[env] = v
	}
	return byEnvironment
}

// emailOrNone holds securityContact to what Atlas accepts: one bare email
// address, or "" for none.
func emailOrNone(contact string) string {
	if contact == "" {
		return ""
	}
	if addr, err := mail.ParseAddress(contact); err != nil || addr.Address != contact {
		return fmt.Sprintf("%q is not an email address; give one address such as security@example.com, or \"\" for none", contact)
	}
	return ""
}

// emailRequired holds operationsContact to what Atlas accepts: one bare
// email address. Atlas refuses "", and clears the contact only on null,
// which in config is leaving the field out.
func emailRequired(contact string) string {
	if contact == "" {
		return "\"\" is refused by Atlas; give one address such as ops@example.com, or leave operationsContact out for none"
	}
	if addr, err := mail.ParseAddress(contact); err != nil || addr.Address != contact {
		return fmt.Sprintf("%q is not an email address; give one address such as ops@example.com", contact)
	}
	return ""
}

// between holds a whole number to the bounds Atlas accepts, in unit.
func between(lowest, highest int, unit string) func(int) string {
	return func(v int) string {
		if v < lowest || v > highest {
			return fmt.Sprintf("must be between %d and %d %s (Atlas' bounds), got %d", lowest, highest, unit, v)
		}
		return ""
	}
}

// enumProblem says what is wrong with an enum setting's value, "" when
// nothing or when the setting is no enum.
func (st orgSetting) enumProblem(s Settings) string {
	if st.enum == nil {
		return ""
	}
	if v, _ := st.value.stringValue(s); v != nil && !slices.Contains(st.enum, *v) {
		return fmt.Sprintf("%q is not one of %s; use one of them (upper case)", *v, strings.Join(st.enum, ", "))
	}
	return ""
}

// SettingNames are the config names of the organization settings, in the
// order of Settings' fields.
func SettingNames() []string {
	names := make([]string, len(orgSettings))
	for i, st := range orgSettings {
		names[i] = st.name
	}
	return names
}

// AdoptionSettingNames are the config names of the settings an adopted
// entry must state, in the order of Settings' fields: those the provider
// sends together, a missing one as its default. The PluginSettings are
// not among them: one left out keeps Atlas' value.
func AdoptionSettingNames() []string { return Settings{}.unstated() }

// settingNamed is the row of the setting whose config name is name.
func settingNamed(name string) (orgSetting, bool) {
	for _, st := range orgSettings {
		if st.name == name {
			return st, true
		}
	}
	return orgSetting{}, false
}

// unstated lists the settings s leaves nil that an existing organization
// has and the provider would send: every one but the creation-only ones
// and the PluginSettings, which only a stated value changes.
func (s Settings) unstated() []string {
	var missing []string
	for _, st := range orgSettings {
		if !st.creationOnly && !st.byPlugin() && !st.value.isSet(s) {
			missing = append(missing, st.name)
		}
	}
	return missing
}

// keepingDeployed fills the nil fields of s whose row keepsDeployed from
// deployed, the organization's provider inputs as its state holds them
// (nil for an organization the state does not hold).
func (s Settings) keepingDeployed(deployed map[string]any) Settings {
	for _, st := range orgSettings {
		if st.keepsDeployed {
			if v, ok := deployed[st.providerInput]; ok {
				st.value.keep(&s, v)
			}
		}
	}
	return s
}

// withDefaults fills every nil field of s from d.
func (s Settings) withDefaults(d Settings) Settings {
	for _, st := range orgSettings {
		st.value.fill(&s, d)
	}
	return s
}

// requiredTrue is the named bool setting of s, for a profile that requires
// it to be true. An error says the name is no bool setting: a profile
// naming one is a mistake in Profiles, which settings_test.go catches.
func (s Settings) requiredTrue(name string) (*bool, error) {
	st, ok := settingNamed(name)
	if !ok {
		return nil, fmt.Errorf("the profile requires %q, which is no organization setting", name)
	}
	v, ok := st.value.boolValue(s)
	if !ok {
		return nil, fmt.Errorf("the profile requires %q to be true, and it is a %s setting", name, st.value.kind())
	}
	return v, nil
}

// settingInputs sets the provider inputs of s on a; creation-only ones only
// when created is true.
func (s Settings) settingInputs(a *mongodbatlas.OrganizationArgs, created bool) {
	for _, st := range orgSettings {
		if created || !st.creationOnly {
			st.value.setInput(a, s)
		}
	}
}

// settingProblems adds what is wrong with the values of s, under path.
func (s Settings) settingProblems(ps *problems, path string) {
	for _, st := range orgSettings {
		if msg := cmp.Or(st.value.problem(s), st.enumProblem(s)); msg != "" {
			ps.add(path+"."+st.name, "%s", msg)
		}
	}
}

// settingFields are the settings' rows of the configuration reference.
func settingFields() []ConfigField {
	fields := make([]ConfigField, len(orgSettings))
	for i, st := range orgSettings {
		fields[i] = ConfigField{Path: st.name, Type: st.typeDoc(), Default: st.defaultDoc(), Meaning: st.doc}
	}
	return fields
}

// typeDoc is the setting's type as the configuration reference shows it:
// an enum's values, else its kind.
func (st orgSetting) typeDoc() string {
	if st.enum != nil {
		return "`" + strings.Join(st.enum, "`, `") + "`"
	}
	if st.value.kind() == reflect.Int {
		return "integer"
	}
	return st.value.kind().String()
}

// defaultDoc is the setting's default as the configuration reference
// shows it: one value, or the value of each environment where they differ.
func (st orgSetting) defaultDoc() string {
	var shown []string
	same := true
	for _, env := range PromotionOrder {
		d := st.value.shownDefault(env)
		same = same && (len(shown) == 0 || d == shown[0])
		shown = append(shown, d)
	}
	if same {
		return shown[0]
	}
	for i, env := range PromotionOrder {
		shown[i] = env + ": " + shown[i]
	}
	return strings.Join(shown, ", ")
}

// SettingsTable is the table of the organization settings that
// CONTRIBUTING.md shows: where each goes in Atlas and in the provider.
func SettingsTable() string {
	var b strings.Builder
	b.WriteString("| Config name | Type | Admin API field | Changed by | Provider input | Creation only | Set by |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, st := range orgSettings {
		input := "none"
		if st.providerInput != "" {
			input = "`" + st.providerInput + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | `%s` | %s | %s | %s |\n",
			st.name, st.value.kind(), st.apiField, st.apiRequest, input, yesNo(st.creationOnly), st.setBy)
	}
	return b.String()
}
