package multiorg

// Spec declares the organizations one MultiOrg manages. It is plain data: the
// component validates it, fills in defaults, and derives every resource from it.
type Spec struct {
	// PayingOrgID is the organization that pays for every organization the
	// component creates. The provider the component is given must hold
	// credentials of this organization: Atlas links a new organization to the
	// organization whose credentials created it.
	PayingOrgID string
	// OrgOwnerID is the Atlas user who becomes Organization Owner of every
	// created organization that does not name its own.
	OrgOwnerID string
	// Orgs maps a stable key to each organization. The key, not the Atlas name,
	// names the resources, so renaming an organization updates it in place.
	Orgs map[string]OrgSpec
	// Environment selects the Profile whose defaults and rules apply:
	// dev, staging or prod. Empty means DefaultEnvironment.
	Environment string
	// ExpiryWarningHours: every run warns about each service account secret
	// that expires within this many hours. 0 means DefaultExpiryWarningHours.
	ExpiryWarningHours int
}

// OrgSpec declares one organization. The JSON names are the stack config's.
type OrgSpec struct {
	// Name is the organization's name in Atlas.
	Name string `json:"name"`
	// OrgOwnerID overrides Spec.OrgOwnerID for this organization.
	OrgOwnerID string `json:"orgOwnerId,omitempty"`
	// FederationSettingsID links the new organization to a federation.
	FederationSettingsID string `json:"federationSettingsId,omitempty"`
	// ImportID adopts the existing organization with this ID instead of
	// creating one. An adopted organization gets no credential of its own.
	ImportID string `json:"importId,omitempty"`
	// ServiceAccount is the organization's credential when it is a service account.
	ServiceAccount *ServiceAccountSpec `json:"serviceAccount,omitempty"`
	// APIKey is the organization's credential when it is an API key.
	APIKey *APIKeySpec `json:"apiKey,omitempty"`
	// AllowDeletion lets destroying the stack, or removing the entry, delete
	// an adopted organization in Atlas. Without it an adopted organization
	// is released and stays: the stack did not create it.
	AllowDeletion bool `json:"allowDeletion,omitempty"`
	// AllowAPIKeyCredential is the named override that lets an environment
	// which refuses API keys (prod) accept this organization's.
	AllowAPIKeyCredential bool `json:"allowApiKeyCredential,omitempty"`
	// MonthlyBudgetUSD is what the organization may cost per month, in US
	// dollars with at most two decimals ("250", "99.50"); `atlas-multiorg
	// billing --check` holds it to that. The stack itself ignores it.
	MonthlyBudgetUSD string `json:"monthlyBudgetUsd,omitempty"`
	// ResourcePolicies are the Atlas resource policies of the organization,
	// on top of the environment profile's defaults.
	ResourcePolicies *ResourcePolicies `json:"resourcePolicies,omitempty"`
	// Members are the organization's people, by the email that is their
	// Atlas username, with their organization roles. Atlas invites each one.
	Members map[string]MemberSpec `json:"members,omitempty"`
	// Teams are the organization's teams, by team key.
	Teams map[string]TeamSpec `json:"teams,omitempty"`

	Settings
}

// Settings are the organization settings the component manages. A nil field
// takes the default in DefaultSettings when the organization is created, and is
// left to Atlas when the organization is adopted. Each field is a row of
// orgSettings (settings.go), which says everything else about it.
type Settings struct {
	// APIAccessListRequired makes Admin API calls come from an access-listed address.
	APIAccessListRequired *bool `json:"apiAccessListRequired,omitempty"`
	// MultiFactorAuthRequired makes members set up MFA.
	MultiFactorAuthRequired *bool `json:"multiFactorAuthRequired,omitempty"`
	// RestrictEmployeeAccess blocks MongoDB Support without explicit permission.
	RestrictEmployeeAccess *bool `json:"restrictEmployeeAccess,omitempty"`
	// GenAIFeaturesEnabled allows generative AI features in the organization.
	GenAIFeaturesEnabled *bool `json:"genAiFeaturesEnabled,omitempty"`
	// SecurityContact is the address for security notifications; "" clears it.
	SecurityContact *string `json:"securityContact,omitempty"`
	// SkipDefaultAlertsSettings stops Atlas creating its default alerts.
	SkipDefaultAlertsSettings *bool `json:"skipDefaultAlertsSettings,omitempty"`

	PluginSettings
}

// PluginSettings are the organization settings provider 4.14.0 cannot set,
// which the package's own plugin sets through its OrganizationSettings
// resource: one organization's, as the code states them (its entry, and for
// a created organization its profile's defaults). A nil field is not
// managed: Atlas' value stays. They are fields of Settings, so the config
// decodes into them; each is a row of orgSettings, with the
// byOrganizationSettings resource. An organization whose PluginSettings
// state none (StatesAny) gets no OrganizationSettings resource, so a stack
// of the code before them registers nothing new.
type PluginSettings struct {
	// AbsoluteSessionTimeoutInSeconds is how long a person's session lasts
	// at most, in seconds.
	AbsoluteSessionTimeoutInSeconds *int `json:"absoluteSessionTimeoutInSeconds,omitempty"`
	// IdleSessionTimeoutInSeconds is how long a session may be idle, in seconds.
	IdleSessionTimeoutInSeconds *int `json:"idleSessionTimeoutInSeconds,omitempty"`
	// MaxServiceAccountSecretValidityInHours caps the lifetime of every new
	// service-account secret of the organization.
	MaxServiceAccountSecretValidityInHours *int `json:"maxServiceAccountSecretValidityInHours,omitempty"`
	// OperationsContact is the address for infrastructure notifications.
	OperationsContact *string `json:"operationsContact,omitempty"`
	// StreamsCrossGroupEnabled lets stream processing connect to other
	// projects' clusters.
	StreamsCrossGroupEnabled *bool `json:"streamsCrossGroupEnabled,omitempty"`
	// DelegatedMcpAccess is the delegated access MCP clients may get.
	DelegatedMcpAccess *string `json:"delegatedMcpAccess,omitempty"`
	// DelegatedPartnerAccess is the delegated access partners may get.
	DelegatedPartnerAccess *string `json:"delegatedPartnerAccess,omitempty"`
	// IdleRefreshTokenLifetime is how long a delegated refresh token may be
	// idle, in seconds.
	IdleRefreshTokenLifetime *int `json:"idleRefreshTokenLifetime,omitempty"`
	// MaximumRefreshTokenLifetime is how long a delegated refresh token
	// lives at most, in seconds.
	MaximumRefreshTokenLifetime *int `json:"maximumRefreshTokenLifetime,omitempty"`
}

// ServiceAccountSpec is a service-account credential. Name, Description and
// Roles are required when the block is given; SecretExpiresAfterHours
// defaults to DefaultSecretExpiresAfterHours.
type ServiceAccountSpec struct {
	Name                    string   `json:"name"`
	Description             string   `json:"description"`
	Roles                   []string `json:"roles"`
	SecretExpiresAfterHours *int     `json:"secretExpiresAfterHours,omitempty"`
	// RotateEveryHours issues a new secret once per period of this many
	// hours; at most a third of the secret's lifetime.
	RotateEveryHours *int `json:"rotateEveryHours,omitempty"`
	// AccessList are the addresses the service account may call the Admin API from.
	AccessList []AccessListEntry `json:"accessList,omitempty"`
	// TakeOver is a service account of the organization, made in Atlas by
	// its Organization Owner, that the stack signs in with and exports from
	// now on instead of the one it created, which was deleted (or whose
	// secret was deleted, or expired) outside the code.
	TakeOver *TakeOverSpec `json:"takeOver,omitempty"`
}

// TakeOverSpec names the service account a created organization's stack
// takes over: its client ID, and one of its secrets, which the stack config
// holds as a Pulumi secret.
type TakeOverSpec struct {
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
}

// APIKeySpec is an API-key credential. Description and Roles are required.
type APIKeySpec struct {
	Description string   `json:"description"`
	Roles       []string `json:"roles"`
	// AccessList are the addresses the key may call the Admin API from.
	AccessList []AccessListEntry `json:"accessList,omitempty"`
}

// AccessListEntry is one entry of a credential's API access list: exactly
// one of an IP address and a CIDR block.
type AccessListEntry struct {
	IPAddress string `json:"ipAddress,omitempty"`
	CIDRBlock string `json:"cidrBlock,omitempty"`
}

// accessList returns the access list of the organization's credential.
func (o OrgSpec) accessList() []AccessListEntry {
	switch {
	case o.ServiceAccount != nil:
		return o.ServiceAccount.AccessList
	case o.APIKey != nil:
		return o.APIKey.AccessList
	}
	return nil
}

// CredentialType names the kind of credential an organization was given.
type CredentialType string

// The credential types, as exported per organization.
const (
	CredentialServiceAccount CredentialType = "serviceAccount"
	CredentialAPIKey         CredentialType = "apiKey"
	// CredentialNone is an adopted organization's: it has no credential of its own.
	CredentialNone CredentialType = "none"
)

// Adopted reports whether the entry adopts an existing organization.
func (o OrgSpec) Adopted() bool { return o.ImportID != "" }
