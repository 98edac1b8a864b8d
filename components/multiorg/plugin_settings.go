package multiorg

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
)

// StatesAny reports whether s states any setting: whether the organization
// needs an OrganizationSettings resource. One that states none gets none,
// so a stack of the code before these settings registers nothing new.
func (s PluginSettings) StatesAny() bool {
	stated := Settings{PluginSettings: s}
	for _, st := range orgSettings {
		if st.byPlugin() && st.value.isSet(stated) {
			return true
		}
	}
	return false
}

// PluginSettingsByOrg are the settings each organization's
// OrganizationSettings resource is given, by org key: what its entry
// states and, for an organization the stack creates, its profile's
// defaults; an adopted organization keeps what Atlas has of every setting
// its entry leaves out. Organizations that state none are left out. s must
// be valid (Validate).
func (s Spec) PluginSettingsByOrg() map[string]PluginSettings {
	byOrg := map[string]PluginSettings{}
	for _, p := range s.plan(nil) {
		if p.settings.StatesAny() {
			byOrg[p.key] = p.settings.PluginSettings
		}
	}
	return byOrg
}

// registerOrganizationSettings registers the organization's
// OrganizationSettings, the package plugin's resource that sets its
// PluginSettings, when it states any; one that states none gets none. It
// acts with the organization's own credential when the stack created the
// organization, and with the caller's in an adopted one, which it releases
// as it is when deleted; either is a secret input, which the plugin never
// returns.
func (m *MultiOrg) registerOrganizationSettings(org *Org, plan orgPlan) error {
	if !plan.settings.StatesAny() {
		return nil
	}
	inputs := pulumi.Map{
		orgsettings.OrgID:           org.Resource.OrgId,
		orgsettings.ReleaseOnDelete: pulumi.Bool(org.adopted),
	}
	for _, st := range orgSettings {
		if v := st.value.resourceInput(plan.settings); st.byPlugin() && v != nil {
			inputs[st.name] = v
		}
	}
	switch {
	case m.baseURL != nil:
		inputs[orgsettings.BaseURL] = m.baseURL
	case m.caller != nil:
		inputs[orgsettings.BaseURL] = pulumi.String(m.caller.BaseURL)
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(m)}
	if org.adopted {
		if c := m.caller; c != nil {
			for key, value := range map[string]string{orgsettings.ClientID: c.Credentials.ClientID, orgsettings.ClientSecret: c.Credentials.ClientSecret,
				orgsettings.PublicKey: c.Credentials.PublicKey, orgsettings.PrivateKey: c.Credentials.PrivateKey} {
				if value != "" {
					inputs[key] = pulumi.ToSecret(pulumi.String(value))
				}
			}
		}
	} else {
		for field, value := range org.providerCredential {
			inputs[field] = value
		}
		// Atlas resets a deleted organization's settings with it.
		opts = append(opts, pulumi.DeletedWith(org.Resource))
	}
	var res pulumi.CustomResourceState
	if err := m.ctx.RegisterResource(orgsettings.Type, SettingsResourceName(m.name, org.Key), inputs, &res, opts...); err != nil {
		return fmt.Errorf("registering the organization's settings: %w", err)
	}
	org.track(&res)
	return nil
}

// resolvedSettings are the settings the organization ends up with: its
// entry's, and for a created organization the profile's defaults, as plan
// resolves them.
func (p Profile) resolvedSettings(org OrgSpec) Settings {
	if org.Adopted() || p.Name == "" {
		return org.Settings
	}
	return org.withDefaults(DefaultSettings(p.Name))
}

// ownSecretLifetime is how many hours each secret of the organization's own
// service account lives, and its rotation period (0 without rotation);
// false when the stack gives it no service account.
func (p Profile) ownSecretLifetime(org OrgSpec) (lifetime, rotateEvery int, ok bool) {
	sa := org.ServiceAccount
	if org.APIKey != nil || (sa == nil && org.Adopted()) {
		return 0, 0, false
	}
	lifetime = DefaultSecretExpiresAfterHours
	if p.Name != "" {
		lifetime = p.secretHoursDefault()
	}
	if sa != nil && sa.SecretExpiresAfterHours != nil {
		lifetime = *sa.SecretExpiresAfterHours
	}
	if sa != nil && sa.RotateEveryHours != nil {
		rotateEvery = *sa.RotateEveryHours
	}
	return lifetime, rotateEvery, true
}

// pluginSettingProblems adds what is wrong between the PluginSettings the
// organization ends up with and its other fields: rules Atlas would
// enforce only when the plugin calls it, or, for the secret-validity cap,
// only at the next secret. p is the organization's profile; its zero value
// (an unknown environment) checks what the entry states.
func (p Profile) pluginSettingProblems(ps *problems, path string, org OrgSpec) {
	resolved := p.resolvedSettings(org)
	from := func(name string) string {
		if st, ok := settingNamed(name); ok && !st.value.isSet(org.Settings) {
			return fmt.Sprintf(" (the %s profile's default)", p.Name)
		}
		return ""
	}
	valid := func(name string) (int, bool) {
		st, _ := settingNamed(name)
		v, _ := st.value.intValue(resolved)
		return deref(v), v != nil && st.value.problem(resolved) == ""
	}

	absolute, absoluteOK := valid("absoluteSessionTimeoutInSeconds")
	idle, idleOK := valid("idleSessionTimeoutInSeconds")
	if absoluteOK && idleOK && idle > absolute {
		ps.add(path+".idleSessionTimeoutInSeconds", "%d seconds%s is longer than the absolute session timeout, %d seconds%s: "+
			"Atlas refuses an idle timeout above the absolute one; lower idleSessionTimeoutInSeconds or raise absoluteSessionTimeoutInSeconds",
			idle, from("idleSessionTimeoutInSeconds"), absolute, from("absoluteSessionTimeoutInSeconds"))
	}

	// A profile's cap is its own limit of secretExpiresAfterHours
	// (settings_test.go), which validateOrg holds the secret to already;
	// only a cap the entry states can be shorter.
	limit, limitOK := valid("maxServiceAccountSecretValidityInHours")
	limitOK = limitOK && from("maxServiceAccountSecretValidityInHours") == ""
	lifetime, rotateEvery, hasSecret := p.ownSecretLifetime(org)
	if need := max(lifetime, rotateEvery); limitOK && hasSecret && limit < need {
		rotation := ""
		if rotateEvery > 0 {
			rotation = fmt.Sprintf(", rotated every %d hours", rotateEvery)
		}
		ps.add(path+".maxServiceAccountSecretValidityInHours", "%d hours is shorter than the organization's own service-account secret lives "+
			"(serviceAccount.secretExpiresAfterHours: %d hours%s): Atlas refuses a new secret that would outlive the cap, so the stack could not "+
			"issue its next one; raise the cap to at least %d hours, or shorten serviceAccount.secretExpiresAfterHours",
			limit, lifetime, rotation, need)
	}
}

// accessProblems adds each enum setting the organization states wider
// than the profile allows (Profile.MaxAccess).
func (p Profile) accessProblems(ps *problems, path, in string, org OrgSpec) {
	for _, name := range slices.Sorted(maps.Keys(p.MaxAccess)) {
		widest := p.MaxAccess[name]
		st, ok := settingNamed(name)
		if !ok || !slices.Contains(st.enum, widest) {
			ps.add(path+"."+name, "the profile caps %q at %q, which is no value of an organization setting with values from narrowest to widest %s", name, widest, in)
			continue
		}
		v, _ := st.value.stringValue(org.Settings)
		if v == nil || !slices.Contains(st.enum, *v) {
			continue
		}
		if allowed := st.enum[:slices.Index(st.enum, widest)+1]; !slices.Contains(allowed, *v) {
			ps.add(path+"."+name, "%s is wider than allowed %s; use %s", *v, in, orList(allowed))
		}
	}
}

// orList is values as "A", "A or B", "A, B or C".
func orList(values []string) string {
	if len(values) == 1 {
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

func deref[T any](v *T) T {
	var zero T
	if v == nil {
		return zero
	}
	return *v
}
