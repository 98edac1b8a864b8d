package multiorg

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Profile is what an environment demands of its organizations. Every rule of
// a profile is data here; Spec.Validate enforces it and the profile table of
// docs/environments-and-policies.md is generated from it.
type Profile struct {
	// Name is the environment: dev, staging or prod.
	Name string
	// Protect registers the organizations with protect, so neither
	// `pulumi destroy` nor removing an entry from config can delete one.
	Protect bool
	// RequiredSettings are settings that must be true, by config name; each
	// is a bool setting of orgSettings (settings_test.go).
	RequiredSettings []string
	// MaxSecretExpiresAfterHours caps a service account secret's lifetime.
	MaxSecretExpiresAfterHours int
	// AllowAPIKeys accepts API-key credentials; when false an org entry needs
	// allowApiKeyCredential: true to have one.
	AllowAPIKeys bool
	// Policies are the resource policies switched on by default.
	Policies ResourcePolicies
	// RequiredPolicies cannot be switched off in this environment.
	RequiredPolicies []string
	// MaxAccess is the widest value each capped access setting may take,
	// by config name; each is a setting of orgSettings with an enum,
	// narrowest first (settings_test.go). A setting left out of the map
	// may take any value.
	MaxAccess map[string]string
	// MinOrgOwners is how many of an organization's managed members must
	// hold ORG_OWNER, when the stack manages its members.
	MinOrgOwners int
	// Why explains the profile's rules in error messages.
	Why string
}

// Profiles are the environments, by name.
var Profiles = map[string]Profile{
	"dev": {
		Name:                       "dev",
		MaxSecretExpiresAfterHours: maxSecretExpiresHours,
		AllowAPIKeys:               true,
		MinOrgOwners:               1,
		Why:                        "dev refuses only what is never safe",
	},
	"staging": {
		Name:                       "staging",
		RequiredSettings:           []string{"multiFactorAuthRequired"},
		MaxSecretExpiresAfterHours: 4380,
		AllowAPIKeys:               true,
		Policies:                   ResourcePolicies{BlockWildcardIP: ptr(true)},
		MinOrgOwners:               1,
		Why:                        "staging holds copies of production data",
	},
	"prod": {
		Name:                       "prod",
		Protect:                    true,
		RequiredSettings:           []string{"multiFactorAuthRequired", "restrictEmployeeAccess"},
		MaxSecretExpiresAfterHours: 2160,
		AllowAPIKeys:               false,
		Policies:                   ResourcePolicies{BlockWildcardIP: ptr(true), RequireMaintenanceWindow: ptr(true)},
		RequiredPolicies:           []string{"blockWildcardIp", "requireMaintenanceWindow"},
		// An AI assistant may read production with a person's delegated
		// access, never change it; partners get none.
		MaxAccess: map[string]string{"delegatedMcpAccess": "READ_ONLY", "delegatedPartnerAccess": "DISALLOWED"},
		// Two owners: one person away, or leaving, never leaves a
		// production organization without anyone who can change it.
		MinOrgOwners: 2,
		Why:          "production organizations hold production data",
	},
}

// PromotionOrder is the environments in the order a change is promoted
// through them: the profile table's columns and the deploy command's stages.
var PromotionOrder = []string{"dev", "staging", "prod"}

// DefaultEnvironment is the profile of a Spec that names none.
const DefaultEnvironment = "dev"

// EnvironmentNames lists the profiles, sorted.
func EnvironmentNames() []string {
	names := make([]string, 0, len(Profiles))
	for name := range Profiles {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// profile returns the Spec's profile, and false for an unknown environment.
func (s Spec) profile() (Profile, bool) {
	env := s.Environment
	if env == "" {
		env = DefaultEnvironment
	}
	p, ok := Profiles[env]
	return p, ok
}

// secretHoursDefault is a created service account's secret lifetime when
// its spec sets none: the global default, within the profile's cap.
func (p Profile) secretHoursDefault() int {
	return min(DefaultSecretExpiresAfterHours, p.MaxSecretExpiresAfterHours)
}

// policySwitch returns the named on/off policy of p by its config name.
func (p ResourcePolicies) policySwitch(name string) *bool {
	switch name {
	case "blockWildcardIp":
		return p.BlockWildcardIP
	case "requireMaintenanceWindow":
		return p.RequireMaintenanceWindow
	}
	panic("multiorg: unknown policy switch " + name)
}

// validateOrg checks one organization against the environment's rules.
func (p Profile) validateOrg(ps *problems, path, key string, org OrgSpec) {
	in := fmt.Sprintf("in the %s profile (%s)", p.Name, p.Why)
	for _, setting := range p.RequiredSettings {
		v, err := org.requiredTrue(setting)
		switch {
		case err != nil:
			ps.add(path+"."+setting, "%v %s", err, in)
		case v != nil && !*v:
			ps.add(path+"."+setting, "must be true %s", in)
		}
	}
	if org.APIKey != nil && !p.AllowAPIKeys && !org.AllowAPIKeyCredential {
		ps.add(path+".apiKey", "API-key credentials are refused %s: they never expire and cannot be rotated in place; "+
			"use serviceAccount, or accept the key knowingly with orgs.%s.allowApiKeyCredential: true", in, key)
	}
	if sa := org.ServiceAccount; sa != nil && sa.SecretExpiresAfterHours != nil && *sa.SecretExpiresAfterHours > p.MaxSecretExpiresAfterHours {
		ps.add(path+".serviceAccount.secretExpiresAfterHours", "%d hours is above the cap of %d hours %s; rotate more often",
			*sa.SecretExpiresAfterHours, p.MaxSecretExpiresAfterHours, in)
	}
	if sa := org.ServiceAccount; sa != nil && sa.RotateEveryHours != nil {
		lifetime := p.secretHoursDefault()
		if sa.SecretExpiresAfterHours != nil {
			lifetime = *sa.SecretExpiresAfterHours
		}
		if r := *sa.RotateEveryHours; r < 1 || r > lifetime/3 {
			ps.add(path+".serviceAccount.rotateEveryHours", "must be between 1 and a third of the secret's lifetime (%d/3 = %d hours), got %d: "+
				"with a run at least once per period, the secret being replaced then stays valid for at least one more period", lifetime, lifetime/3, r)
		}
	}
	p.accessProblems(ps, path, in, org)
	for _, name := range p.RequiredPolicies {
		if org.ResourcePolicies != nil {
			if v := org.ResourcePolicies.policySwitch(name); v != nil && !*v {
				ps.add(path+".resourcePolicies."+name, "cannot be switched off %s", in)
			}
		}
	}
}

// ProfileTable renders the profiles as the Markdown table the environments
// guide shows,
// so the documentation is generated from the rules themselves.
func ProfileTable() string {
	envs := PromotionOrder
	row := func(rule string, cell func(Profile) string) string {
		cells := []string{rule}
		for _, env := range envs {
			cells = append(cells, cell(Profiles[env]))
		}
		return "| " + strings.Join(cells, " | ") + " |\n"
	}
	codeList := func(names []string) string {
		if len(names) == 0 {
			return "none"
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = "`" + n + "`"
		}
		return strings.Join(quoted, ", ")
	}
	var b strings.Builder
	b.WriteString("| Rule | " + strings.Join(envs, " | ") + " |\n")
	b.WriteString("| --- |" + strings.Repeat(" --- |", len(envs)) + "\n")
	b.WriteString(row("Organizations protected from deletion", func(p Profile) string { return yesNo(p.Protect) }))
	b.WriteString(row("Settings that must be true", func(p Profile) string { return codeList(p.RequiredSettings) }))
	b.WriteString(row("Service-account secret lifetime cap (hours)", func(p Profile) string { return strconv.Itoa(p.MaxSecretExpiresAfterHours) }))
	b.WriteString(row("Default secret lifetime (hours)", func(p Profile) string { return strconv.Itoa(p.secretHoursDefault()) }))
	b.WriteString(row("API-key credentials", func(p Profile) string {
		if p.AllowAPIKeys {
			return "allowed"
		}
		return "only with `allowApiKeyCredential: true`"
	}))
	b.WriteString(row("Resource policies on by default", func(p Profile) string {
		var on []string
		for _, name := range []string{"blockWildcardIp", "requireMaintenanceWindow"} {
			if v := p.Policies.policySwitch(name); v != nil && *v {
				on = append(on, name)
			}
		}
		return codeList(on)
	}))
	b.WriteString(row("Resource policies that cannot be switched off", func(p Profile) string { return codeList(p.RequiredPolicies) }))
	b.WriteString(row("Organization Owners among managed members, at least", func(p Profile) string { return strconv.Itoa(p.MinOrgOwners) }))
	for _, st := range orgSettings {
		if st.byPlugin() && st.defaultDoc() != "unset" {
			b.WriteString(row("`"+st.name+"` of a created organization", func(p Profile) string {
				if d := st.value.shownDefault(p.Name); d != "unset" {
					return d
				}
				return "Atlas' default"
			}))
		}
	}
	for _, st := range orgSettings {
		if st.enum != nil {
			b.WriteString(row("`"+st.name+"` at most", func(p Profile) string {
				if widest, ok := p.MaxAccess[st.name]; ok {
					return "`" + widest + "`"
				}
				return "any"
			}))
		}
	}
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
