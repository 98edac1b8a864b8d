package multiorg

import "fmt"

// The defaults below, and the settings' in orgSettings (settings.go), are
// the only place a default is decided; the configuration reference
// (docs/configuration.md) is tested against them.

// DefaultSecretExpiresAfterHours is the lifetime of a service account's first
// secret when the spec does not set one: 90 days, a common rotation period,
// well inside Atlas' 8..8760 hour range.
const DefaultSecretExpiresAfterHours = 2160

// DefaultExpiryWarningHours is the expiry warning window when the spec sets
// none: 14 days, long enough to notice in a weekly review and act.
const DefaultExpiryWarningHours = 336

// DefaultSettings returns the settings a created organization of the
// environment gets for each field its spec leaves nil ("" is
// DefaultEnvironment), from the defaults of orgSettings. They are the secure
// choice: MFA required, MongoDB Support access restricted, generative AI
// features off until someone decides otherwise, and Atlas' default alerts
// kept, since nothing here declares alerts (an organization the state holds
// keeps what it was created with: orgSetting.keepsDeployed). The API access
// list is not required by
// default, because requiring it with an empty list locks the automation out
// of the organization.
func DefaultSettings(environment string) Settings {
	if environment == "" {
		environment = DefaultEnvironment
	}
	var s Settings
	for _, st := range orgSettings {
		st.value.setDefault(&s, environment)
	}
	return s
}

// DefaultServiceAccount is the credential an organization gets when its spec
// names none. It holds ORG_OWNER because the provider manages the organization
// with it after creation: without a credential of its own, an organization the
// stack created could not be read back later.
func DefaultServiceAccount(key string) ServiceAccountSpec {
	return ServiceAccountSpec{
		Name:                    "atlas-multiorg-" + key,
		Description:             fmt.Sprintf("atlas-multiorg credential of org %s", key),
		Roles:                   []string{RoleOrgOwner},
		SecretExpiresAfterHours: ptr(DefaultSecretExpiresAfterHours),
	}
}

// withDefaults fills the name, description and roles that s leaves out
// from d, so that a serviceAccount block need say only what differs.
func (s ServiceAccountSpec) withDefaults(d ServiceAccountSpec) ServiceAccountSpec {
	if s.Name == "" {
		s.Name = d.Name
	}
	if s.Description == "" {
		s.Description = d.Description
	}
	if s.Roles == nil {
		s.Roles = d.Roles
	}
	return s
}

// Resolved is the service account of org key as the stack creates it: s
// with what it leaves out taken from DefaultServiceAccount.
func (s ServiceAccountSpec) Resolved(key string) ServiceAccountSpec {
	return s.withDefaults(DefaultServiceAccount(key))
}

func ptr[T any](v T) *T { return &v }

// expiryWarningHours is the spec's warning window, or the default.
func (s Spec) expiryWarningHours() int {
	if s.ExpiryWarningHours > 0 {
		return s.ExpiryWarningHours
	}
	return DefaultExpiryWarningHours
}
