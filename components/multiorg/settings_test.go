package multiorg

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// jsonName is a struct field's JSON name, without its options.
func jsonName(f reflect.StructField) string { return strings.Split(f.Tag.Get("json"), ",")[0] }

// settingStructFields are the fields of Settings, those of its embedded
// PluginSettings in its place, in order.
func settingStructFields(t *testing.T) []reflect.StructField {
	t.Helper()
	var fields []reflect.StructField
	for _, f := range reflect.VisibleFields(reflect.TypeFor[Settings]()) {
		if !f.Anonymous {
			fields = append(fields, f)
		}
	}
	return fields
}

// everyStated is a Settings that states every setting, each at its zero
// value.
func everyStated(t *testing.T) Settings {
	var s Settings
	v := reflect.ValueOf(&s).Elem()
	for _, f := range settingStructFields(t) {
		v.FieldByIndex(f.Index).Set(reflect.New(f.Type.Elem()))
	}
	return s
}

// setOnly is a Settings whose one stated setting is st's, at a value.
func setOnly(t *testing.T, st orgSetting) Settings {
	var s Settings
	st.value.fill(&s, everyStated(t))
	return s
}

// TestSettingsStructAndTableAgree: every field of Settings has one row of
// orgSettings, in the same place, with its JSON name and kind, whose
// accessor reaches that field; and every row has its field.
func TestSettingsStructAndTableAgree(t *testing.T) {
	fields := settingStructFields(t)
	var names []string
	for i, f := range fields {
		names = append(names, jsonName(f))
		require.Less(t, i, len(orgSettings), "Settings.%s (%s) has no row in orgSettings", f.Name, jsonName(f))
		st := orgSettings[i]
		assert.Equal(t, jsonName(f), st.name, "row %d names Settings.%s by its JSON name", i, f.Name)
		require.Equal(t, reflect.Pointer, f.Type.Kind(), "Settings.%s is a pointer, so that nil means unstated", f.Name)
		assert.Equal(t, f.Type.Elem().Kind(), st.value.kind(), "row %s has the kind of Settings.%s", st.name, f.Name)
		assert.Equal(t, len(f.Index) == 2, st.byPlugin(), "row %s is set by the plugin exactly when its field is one of PluginSettings", st.name)

		stated := reflect.ValueOf(setOnly(t, st))
		for j, other := range fields {
			assert.Equal(t, i == j, !stated.FieldByIndex(other.Index).IsNil(), "row %s reaches Settings.%s and no other field", st.name, f.Name)
		}
	}
	assert.Len(t, orgSettings, len(fields), "every row of orgSettings has a field of Settings")
	assert.Equal(t, names, SettingNames())
}

// TestEverySettingRowIsComplete: a row without a meaning, a default in each
// environment, or its names in Atlas and the provider fails here.
func TestEverySettingRowIsComplete(t *testing.T) {
	for _, st := range orgSettings {
		t.Run(st.name, func(t *testing.T) {
			assert.NotEmpty(t, strings.TrimSpace(st.doc), "its meaning in the configuration reference")
			assert.NotEmpty(t, st.apiField, "its Admin API field")
			assert.Contains(t, []apiRequest{settingsPatch, orgPatch, delegationPatch}, st.apiRequest)
			assert.Contains(t, []settingResource{byOrganization, byAccessListSwitch, byOrganizationSettings}, st.setBy)
			if st.byPlugin() {
				// dev leaves them to Atlas; a stack that states none
				// registers no OrganizationSettings resource.
				assert.Empty(t, st.providerInput, "provider 4.14.0 has no input for it")
				assert.False(t, st.value.isSet(DefaultSettings("dev")), "dev keeps Atlas' default")
				assert.False(t, st.creationOnly, "the plugin sets it on any organization")
				return
			}
			assert.NotEmpty(t, st.providerInput, "its provider input")
			for env := range Profiles {
				assert.True(t, st.value.isSet(DefaultSettings(env)), "a default in %s", env)
			}
		})
	}
	assert.Equal(t, DefaultSettings(DefaultEnvironment), DefaultSettings(""), "no environment is the default one")
}

// TestSettingRowsMatchTheProvider: each row sets the provider input it
// names and no other, and is creation-only exactly when the provider says.
func TestSettingRowsMatchTheProvider(t *testing.T) {
	wire := map[string]string{} // OrganizationArgs field -> wire name
	args := reflect.TypeFor[mongodbatlas.OrganizationArgs]()
	shape := mongodbatlas.OrganizationArgs{}.ElementType()
	for i := range shape.NumField() {
		wire[shape.Field(i).Name] = shape.Field(i).Tag.Get("pulumi")
	}
	for _, st := range orgSettings {
		t.Run(st.name, func(t *testing.T) {
			var a mongodbatlas.OrganizationArgs
			setOnly(t, st).settingInputs(&a, true)
			var set []string
			v := reflect.ValueOf(a)
			for i := range args.NumField() {
				if !v.Field(i).IsNil() {
					set = append(set, wire[args.Field(i).Name])
				}
			}
			if st.byPlugin() {
				assert.Empty(t, set, "a setting the plugin sets reaches no provider input")
				return
			}
			assert.Equal(t, []string{st.providerInput}, set)
			assert.Equal(t, slices.Contains(mongodbatlas.OrganizationCreateOnlyInputs, st.providerInput), st.creationOnly,
				"creation-only exactly when mongodbatlas.OrganizationCreateOnlyInputs lists it")
		})
	}
}

// TestSettingRowsMatchTheAdminAPI: a row's API field is a field of the
// request it names, as the Admin API client reads it (a dotted field is
// nested), and the settings PATCH's fields are all rows.
func TestSettingRowsMatchTheAdminAPI(t *testing.T) {
	var fieldsOf func(t reflect.Type, prefix string) []string
	fieldsOf = func(t reflect.Type, prefix string) []string {
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
				names = append(names, fieldsOf(f.Type.Elem(), prefix+jsonName(f)+".")...)
				continue
			}
			names = append(names, prefix+jsonName(f))
		}
		return names
	}
	inRequest := map[apiRequest][]string{
		settingsPatch:   append(fieldsOf(reflect.TypeFor[atlasapi.Settings](), ""), fieldsOf(reflect.TypeFor[atlasapi.PluginSettings](), "")...),
		orgPatch:        fieldsOf(reflect.TypeFor[atlasapi.Organization](), ""),
		delegationPatch: fieldsOf(reflect.TypeFor[atlasapi.DelegationSettings](), ""),
	}
	patched := map[apiRequest][]string{}
	for _, st := range orgSettings {
		assert.Contains(t, inRequest[st.apiRequest], st.apiField, "%s is a field of %s", st.name, st.apiRequest)
		patched[st.apiRequest] = append(patched[st.apiRequest], st.apiField)
	}
	assert.ElementsMatch(t, inRequest[settingsPatch], patched[settingsPatch], "every field of the settings PATCH is a setting")
	assert.ElementsMatch(t, inRequest[delegationPatch], patched[delegationPatch], "every delegation setting is a setting")
}

func TestOtherSettings(t *testing.T) {
	tests := map[string]struct {
		settings Settings
		want     string
	}{
		"the settings PATCH's fields but the switch's own, in Settings' order": {
			settings: Settings{APIAccessListRequired: ptr(true), MultiFactorAuthRequired: ptr(true), RestrictEmployeeAccess: ptr(false),
				GenAIFeaturesEnabled: ptr(false), SecurityContact: ptr("sec@example.com"), SkipDefaultAlertsSettings: ptr(true)},
			want: "multiFactorAuthRequired=true restrictEmployeeAccess=false genAiFeaturesEnabled=false securityContact=sec@example.com",
		},
		"unset ones say so, an empty contact is empty": {
			settings: Settings{SecurityContact: ptr("")},
			want:     "multiFactorAuthRequired=unset restrictEmployeeAccess=unset genAiFeaturesEnabled=unset securityContact=",
		},
		"nothing stated": {
			want: "multiFactorAuthRequired=unset restrictEmployeeAccess=unset genAiFeaturesEnabled=unset securityContact=unset",
		},
		"not the plugin's settings: it never sends apiAccessListRequired": {
			settings: Settings{PluginSettings: PluginSettings{IdleSessionTimeoutInSeconds: ptr(900), OperationsContact: ptr("ops@example.com")}},
			want:     "multiFactorAuthRequired=unset restrictEmployeeAccess=unset genAiFeaturesEnabled=unset securityContact=unset",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, otherSettings(tc.settings), "the switch's input in the state stays as it was")
		})
	}
}

func TestSettingsWithDefaultsAndUnstated(t *testing.T) {
	stated := Settings{MultiFactorAuthRequired: ptr(false), SecurityContact: ptr("a@example.com")}
	assert.Equal(t, []string{"apiAccessListRequired", "restrictEmployeeAccess", "genAiFeaturesEnabled", "skipDefaultAlertsSettings"},
		stated.unstated())
	stated.IdleSessionTimeoutInSeconds = ptr(1800)
	filled := stated.withDefaults(DefaultSettings("prod"))
	assert.Empty(t, filled.unstated())
	assert.Equal(t, Settings{APIAccessListRequired: ptr(false), MultiFactorAuthRequired: ptr(false), RestrictEmployeeAccess: ptr(true),
		GenAIFeaturesEnabled: ptr(false), SecurityContact: ptr("a@example.com"), SkipDefaultAlertsSettings: ptr(false),
		PluginSettings: PluginSettings{
			AbsoluteSessionTimeoutInSeconds: ptr(28800), IdleSessionTimeoutInSeconds: ptr(1800), MaxServiceAccountSecretValidityInHours: ptr(2160),
			StreamsCrossGroupEnabled: ptr(false), DelegatedMcpAccess: ptr("DISALLOWED"), DelegatedPartnerAccess: ptr("DISALLOWED"),
		}}, filled, "what the entry states stays; the rest is the default, where prod has one")
	assert.Equal(t, SettingNames()[:6], AdoptionSettingNames(), "an adopted entry need not state what the plugin sets: Atlas' value stays")
}

// TestSettingDefaultsPerEnvironment: a default that differs between
// environments reaches each environment's organizations and the reference.
func TestSettingDefaultsPerEnvironment(t *testing.T) {
	saved := slices.Clone(orgSettings)
	t.Cleanup(func() { orgSettings = saved })
	mfa := orgSettings[1].value.(typedSetting[bool])
	mfa.defaults = map[string]bool{"dev": false, "staging": true, "prod": true}
	orgSettings[1].value = mfa

	assert.False(t, *DefaultSettings("dev").MultiFactorAuthRequired)
	assert.True(t, *DefaultSettings("prod").MultiFactorAuthRequired)
	assert.Equal(t, "dev: `false`, staging: `true`, prod: `true`", orgSettings[1].defaultDoc())
	assert.Equal(t, "`true`", orgSettings[2].defaultDoc(), "one value where every environment agrees")
	assert.Equal(t, "`\"\"`", orgSettings[4].defaultDoc())

	spec := Spec{PayingOrgID: "0123456789abcdef01234567", OrgOwnerID: "0123456789abcdef01234568", Environment: "dev",
		Orgs: map[string]OrgSpec{"a": {Name: "a"}}}
	assert.False(t, *spec.plan(nil)[0].settings.MultiFactorAuthRequired, "dev's default")
	spec.Environment = "prod"
	assert.True(t, *spec.plan(nil)[0].settings.MultiFactorAuthRequired, "prod's default")
}

// TestACreationOnlySetting: a row marked creation-only is not asked of an
// adopted entry, and reaches the provider only for a created organization.
func TestACreationOnlySetting(t *testing.T) {
	saved := slices.Clone(orgSettings)
	t.Cleanup(func() { orgSettings = saved })
	orgSettings[5].creationOnly = true

	assert.NotContains(t, Settings{}.unstated(), "skipDefaultAlertsSettings", "an adopted entry need not state it")
	assert.Equal(t, "skipDefaultAlertsSettings", creationOnlyConfigField("skipDefaultAlertsSettings"))
	assert.Equal(t, "apiKey", creationOnlyConfigField("roleNames"), "other creation-only inputs keep their fields")
	settings := DefaultSettings("dev")
	for created, want := range map[bool]bool{true: true, false: false} {
		var a mongodbatlas.OrganizationArgs
		settings.settingInputs(&a, created)
		assert.Equal(t, want, a.SkipDefaultAlertsSettings != nil, "sent when created is %t", created)
		assert.NotNil(t, a.MultiFactorAuthRequired, "the others are always sent")
	}
}

func TestRequiredTrue(t *testing.T) {
	s := Settings{MultiFactorAuthRequired: ptr(false)}
	tests := map[string]struct {
		name    string
		want    *bool
		wantErr string
	}{
		"a bool setting":          {name: "multiFactorAuthRequired", want: ptr(false)},
		"an unstated one is nil":  {name: "restrictEmployeeAccess"},
		"a string setting":        {name: "securityContact", wantErr: `the profile requires "securityContact" to be true, and it is a string setting`},
		"a name that is no field": {name: "mfa", wantErr: `the profile requires "mfa", which is no organization setting`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := s.requiredTrue(tc.name)
			if tc.wantErr != "" {
				assert.EqualError(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestProfilesRequireBoolSettings: every setting a profile requires to be
// true is a bool setting of the table.
func TestProfilesRequireBoolSettings(t *testing.T) {
	for env, p := range Profiles {
		for _, name := range p.RequiredSettings {
			_, err := Settings{}.requiredTrue(name)
			assert.NoError(t, err, "the %s profile", env)
		}
	}
}

// TestAProfileNamingNoSettingIsAProblem: a mistake in Profiles is reported
// by validation at the entry's path, not a panic.
func TestAProfileNamingNoSettingIsAProblem(t *testing.T) {
	var ps problems
	p := Profile{Name: "test", RequiredSettings: []string{"mfa"}, MaxSecretExpiresAfterHours: 8760, AllowAPIKeys: true, Why: "a test"}
	assert.NotPanics(t, func() { p.validateOrg(&ps, "orgs.a", "a", OrgSpec{Name: "a"}) })
	require.Len(t, ps, 1)
	assert.Equal(t, "orgs.a.mfa", ps[0].Path)
	assert.Contains(t, ps[0].Message, "which is no organization setting")
}

func TestSettingsTable(t *testing.T) {
	table := SettingsTable()
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	require.Len(t, lines, 2+len(orgSettings), "a header, a rule and a row per setting")
	assert.Equal(t, "| `genAiFeaturesEnabled` | bool | `genAIFeaturesEnabled` | `PATCH /orgs/{orgId}/settings` | `genAiFeaturesEnabled` | no | the Organization |", lines[5])
	assert.Contains(t, lines[2], "| `apiAccessListRequired` | bool |")
	assert.Contains(t, lines[2], "switch")
	assert.Contains(t, lines[7], "`PATCH /orgs/{orgId}`")
}

// TestADeployedOrganizationKeepsItsAlertsSetting: Atlas' default alerts
// stay on for an organization created from now on, while one the state
// holds keeps the skipDefaultAlertsSettings it was created with when its
// entry leaves it out, so a deployed stack previews no change.
func TestADeployedOrganizationKeepsItsAlertsSetting(t *testing.T) {
	cases := map[string]struct {
		stated   *bool
		adopted  bool
		deployed map[string]map[string]any
		want     bool
	}{
		"new, left out: Atlas' alerts stay on": {want: false},
		"new, stated true":                     {stated: ptr(true), want: true},
		"deployed with true, left out":         {deployed: map[string]map[string]any{"a": {"skipDefaultAlertsSettings": true}}, want: true},
		"deployed with true, stated false":     {stated: ptr(false), deployed: map[string]map[string]any{"a": {"skipDefaultAlertsSettings": true}}, want: false},
		"deployed with false, left out":        {deployed: map[string]map[string]any{"a": {"skipDefaultAlertsSettings": false}}, want: false},
		"another organization's state":         {deployed: map[string]map[string]any{"b": {"skipDefaultAlertsSettings": true}}, want: false},
		"a state without the input":            {deployed: map[string]map[string]any{"a": {"orgId": "x"}}, want: false},
		"adopted: exactly what its entry says": {adopted: true, stated: ptr(true), deployed: map[string]map[string]any{"a": {"skipDefaultAlertsSettings": false}}, want: true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			entry := OrgSpec{Name: "acme-a"}
			if c.adopted {
				entry.ImportID = "0123456789abcdef01234567"
				entry.Settings = DefaultSettings("dev")
			}
			entry.SkipDefaultAlertsSettings = c.stated
			spec := Spec{PayingOrgID: "0123456789abcdef01234568", OrgOwnerID: "0123456789abcdef01234569", Environment: "dev",
				Orgs: map[string]OrgSpec{"a": entry}}
			var previous *Previous
			if c.deployed != nil {
				previous = &Previous{Deployed: c.deployed}
			}
			plans := spec.plan(previous)
			require.Len(t, plans, 1)
			require.NotNil(t, plans[0].settings.SkipDefaultAlertsSettings)
			assert.Equal(t, c.want, *plans[0].settings.SkipDefaultAlertsSettings)
		})
	}
}

// TestPluginSettingRowsAreTheResourcesInputs: each setting the plugin sets
// is the OrganizationSettings input of its config name and type, and each
// setting input of the resource is a row, so the component hands every
// stated one over as it is.
func TestPluginSettingRowsAreTheResourcesInputs(t *testing.T) {
	types := map[reflect.Kind]string{reflect.Int: "integer", reflect.String: "string", reflect.Bool: "boolean"}
	inputs := map[string]string{}
	for _, p := range orgsettings.Properties() {
		if p.Input && p.Output && p.Name != orgsettings.OrgID && p.Name != orgsettings.BaseURL && p.Name != orgsettings.ReleaseOnDelete {
			inputs[p.Name] = p.Type
		}
	}
	rows := map[string]string{}
	for _, st := range orgSettings {
		if st.byPlugin() {
			rows[st.name] = types[st.value.kind()]
		}
	}
	assert.Equal(t, inputs, rows)
}
