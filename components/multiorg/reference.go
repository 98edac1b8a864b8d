package multiorg

import (
	"fmt"
	"strings"
)

// ConfigField documents one input of the org stack and of the MultiOrg
// component package: a key of the stack config, or a field of an orgs.<key>
// entry. The configuration reference (docs/configuration.md, written by make
// docs) and the package schema's descriptions are both made from these, so
// they cannot drift apart. Links in Meaning are relative to docs/.
type ConfigField struct {
	// Path is the key ("payingOrgId"), or the field's path inside an
	// orgs.<key> entry ("serviceAccount.name").
	Path string
	// Type is the value's type as a user reads it.
	Type string
	// Default is what applies when the field is left out.
	Default string
	// Meaning says what the field does, in Markdown.
	Meaning string
}

// StackConfigFields are the org stack's config keys, which are also the
// component package's top-level inputs.
var StackConfigFields = []ConfigField{
	{"payingOrgId", "24-hex ID", "required",
		"The organization that pays for the created organizations. The provider's credentials must belong to it."},
	{"expiryWarningHours", "integer", "`336`",
		"Every run warns about each service-account secret that expires within this many hours (14 days by default)."},
	{"orgOwnerId", "24-hex ID", "none",
		"The Atlas user who becomes Organization Owner of every created organization. The provider 4.14.0 refuses to create an organization without an owner, whatever the credential, although Pulumi's docs say it is needed only with API keys. Required unless every created org sets its own."},
	{"environment", "`dev`, `staging`, `prod`", "the stack name",
		"Selects the [environment profile](environments-and-policies.md)."},
	{"orgs", "object", "required",
		"One entry per organization, keyed by a stable **org key** (1-40 letters, digits, `-`, `_`). Resources are named `<component>-<key>` (`multiorg-<key>` in the org stack), so renaming an organization in Atlas is an in-place update, never a replacement."},
}

// OrgFields are the fields of an orgs.<key> entry, nested blocks' fields by
// their dotted path; the settings' rows come from orgSettings.
var OrgFields = append([]ConfigField{
	{"name", "string", "required",
		"The organization's name in Atlas: 1-64 letters, digits and `- _ . ( ) , : & @ + '` (no spaces). Names are unique within a stack, case-insensitively."},
	{"orgOwnerId", "24-hex ID", "`atlas-multiorg:orgOwnerId`",
		"This organization's owner. Creation only."},
	{"federationSettingsId", "24-hex ID", "none",
		"Links the new organization to a federation. Creation only."},
	{"importId", "24-hex ID", "none",
		"Adopts the existing organization with this ID instead of creating one (see [Adoption](adoption.md))."},
	{"allowDeletion", "bool", "`false`",
		"Only on an adopted entry: lets `pulumi destroy`, or removing the entry, delete the organization in Atlas. Without it an adopted organization is released and stays in Atlas."},
	{"serviceAccount", "object", "the default service account",
		"A service-account credential. Exclusive with `apiKey`. Created with the organization; on an adopted organization, created inside it by the caller's provider after adoption (see [Adoption](adoption.md))."},
	{"serviceAccount.name", "string", "`atlas-multiorg-<key>`",
		"1-64 letters, digits, spaces and `- _ . , '`. Left out of a `serviceAccount` block, the default applies."},
	{"serviceAccount.description", "string", "`atlas-multiorg credential of org <key>`",
		"1-250 characters, as for `name`; left out, the default applies."},
	{"serviceAccount.roles", "list", "`[ORG_OWNER]`",
		"Organization roles; must include `ORG_OWNER`. Left out, the default applies."},
	{"serviceAccount.rotateEveryHours", "integer", "none",
		"Issue a new secret once per period of this many hours (see [Credential lifecycle](credentials.md#credential-lifecycle)). At most a third of the secret's lifetime."},
	{"serviceAccount.accessList", "list", "none",
		"API access list of the service account: entries `{ipAddress: 203.0.113.7}` or `{cidrBlock: 198.51.100.0/24}`, exactly one field each."},
	{"serviceAccount.accessList[].ipAddress", "string", "none",
		"One IPv4 or IPv6 address. Exclusive with `cidrBlock`."},
	{"serviceAccount.accessList[].cidrBlock", "string", "none",
		"One CIDR block. Exclusive with `ipAddress`."},
	{"serviceAccount.secretExpiresAfterHours", "integer", "`2160`",
		"Lifetime of the first secret, 8 hours up to the profile's cap (8760 in dev). 2160 hours is 90 days, a common rotation period."},
	{"serviceAccount.takeOver", "object", "none",
		"Only on an organization the stack created, after its own service account, or the secret the stack signs in with, was deleted in Atlas, or its secret expired: a service account its Organization Owner made in it (with `ORG_OWNER`), which the stack takes over. Its own provider signs in with it, and `credentials` exports it; the organization, its people and teams stay. Keep it in the config from then on. See [When Atlas deletes what the stack holds](interrupted-deployments.md#when-atlas-deletes-what-the-stack-holds)."},
	{"serviceAccount.takeOver.clientId", "string", "required",
		"Its client ID (`mdb_sa_id_...`)."},
	{"serviceAccount.takeOver.clientSecret", "secret string", "required",
		"One of its secrets, as a Pulumi secret read from a file: `pulumi config set --secret --path 'orgs.<key>.serviceAccount.takeOver.clientSecret' < secret-file`. A clear-text value is refused."},
	{"apiKey", "object", "none",
		"An API-key credential instead. Creation only (Atlas issues one only with a new organization). Exclusive with `serviceAccount`."},
	{"apiKey.description", "string", "required",
		"1-250 characters."},
	{"apiKey.roles", "list", "required",
		"Organization roles; must include `ORG_OWNER`."},
	{"apiKey.accessList", "list", "none",
		"API access list of the key, as for `serviceAccount.accessList`."},
	{"allowApiKeyCredential", "bool", "`false`",
		"The named override that lets an environment that refuses API keys (prod) accept this entry's `apiKey`."},
	{"monthlyBudgetUsd", "string", "none",
		"What the organization may cost per month, in US dollars with at most two decimals (`\"250\"`, `\"99.50\"`). `atlas-multiorg billing --check` fails when the organization is over it, or projected to be (see [Billing](billing.md)). The stack itself ignores it."},
	{"resourcePolicies", "object", "the profile's",
		"The organization's [resource policies](environments-and-policies.md#resource-policies), on top of the profile's defaults."},
	{"resourcePolicies.blockWildcardIp", "bool", "the profile's",
		"Forbid `0.0.0.0/0` in project IP access lists."},
	{"resourcePolicies.requireMaintenanceWindow", "bool", "the profile's",
		"Forbid projects without a maintenance window."},
	{"resourcePolicies.clusterTier", "object", "none",
		"`min` and/or `max` General-class tier, `M10` to `M700`."},
	{"resourcePolicies.clusterTier.min", "tier", "none",
		"Lowest tier a cluster may use."},
	{"resourcePolicies.clusterTier.max", "tier", "none",
		"Highest tier a cluster may use."},
	{"resourcePolicies.cloudProviders", "list", "none",
		"The only cloud providers clusters may use: `aws`, `gcp`, `azure`."},
	{"resourcePolicies.regions", "list", "none",
		"The only regions clusters may use, as `provider:region`."},
	{"resourcePolicies.lockPrivateEndpoints", "bool", "`false`",
		"Forbid any change to private endpoints."},
	{"resourcePolicies.lockVpcPeering", "bool", "`false`",
		"Forbid any change to VPC peering."},
	{"resourcePolicies.lockIpAccessList", "bool", "`false`",
		"Forbid any change to project IP access lists."},
	{"resourcePolicies.tlsCipherSuites", "list", "none",
		"The only TLS cipher suites clusters may use."},
	{"members", "object", "none",
		"The organization's people, keyed by the email that is their Atlas username; given at all, these are all the members the stack manages. Each becomes a `CloudUserOrgAssignment`: Atlas invites the person, who is `PENDING` until they accept; on an adopted organization, the run that adopts it adopts the people listed instead. At least one must hold `ORG_OWNER` (two in prod). See [Members and teams](members-and-teams.md)."},
	{"members.<email>.roles", "list", "required",
		"The person's organization roles, each once, from `ORG_OWNER`, `ORG_MEMBER`, `ORG_GROUP_CREATOR`, `ORG_BILLING_ADMIN`, `ORG_BILLING_READ_ONLY`, `ORG_STREAM_PROCESSING_ADMIN`, `ORG_READ_ONLY`. A change is an in-place update."},
	{"teams", "object", "none",
		"The organization's teams, keyed by a stable **team key** (as org keys). Each becomes a `Team` named from the key, so renaming it is an update; the org stack exports its ID under `orgs.<key>.teams.<team key>` for the consumer stack's project grants."},
	{"teams.<team key>.name", "string", "required",
		"The team's name in Atlas: 1-64 letters, digits, inner spaces and `- _ . ( ) , : & @ + '`, unique in the organization (ignoring case)."},
	{"teams.<team key>.members", "list", "none",
		"Emails of the team's members, each once; each must be under `members` with its roles. Each becomes a `CloudUserTeamAssignment`."},
	{"teams.<team key>.importId", "24-hex ID", "none",
		"Only on an adopted organization: the existing team's ID, which `discover` prints. The run that adopts the organization adopts the team and its members with it, instead of creating them."},
}, settingFields()...)

// OutputFields are the MultiOrg component's outputs, each a map keyed by org
// key unless it says otherwise.
var OutputFields = []ConfigField{
	{"orgIds", "map of string", "", "The Atlas organization ID of each organization."},
	{"orgNames", "map of string", "", "Each organization's name as Atlas reports it."},
	{"credentialTypes", "map of string", "",
		"The kind of each organization's own credential: `serviceAccount`, `apiKey`, or `none` for an adopted organization without a `serviceAccount` block."},
	{"credentials", "map of map of string, secret", "",
		"Each created organization's newest credential, a secret: `clientId` and `clientSecret` of a service account, or `publicKey` and `privateKey` of an API key. Adopted organizations have no entry."},
	{"secretExpiresAt", "map of string", "",
		"When each service account's newest secret expires, in RFC 3339; `\"\"` for API keys, which do not expire, and for adopted organizations without a `serviceAccount` block. Not secret, so that expiry can be watched."},
	{"payingOrgIds", "map of string", "",
		"The paying organization each created organization is linked to; `\"\"` for an adopted organization, which keeps its own billing."},
	{"accessListEntries", "map of integer", "", "The number of API access list entries of each organization's credential."},
	{"payingOrgId", "string", "", "The paying organization of the component (`payingOrgId`)."},
	{"teamIds", "map of map of string", "",
		"Each organization's team IDs, by team key (`orgs.<key>.teams`). Not secret: the consumer stack grants teams access to projects with them."},
}

// SecretOutputs are the outputs that are Pulumi secrets wherever they go.
var SecretOutputs = []string{"credentials"}

// SecretInputs are the fields of an orgs.<key> entry that hold a secret:
// the component package's schema marks them secret, and the org stack
// refuses them in clear text (TakeOverSecretProblems).
var SecretInputs = []string{"serviceAccount.takeOver.clientSecret"}

// ConfigReference is the configuration reference's tables
// (docs/configuration.md): the stack config keys, then the fields of an
// orgs.<key> entry.
func ConfigReference() string {
	var b strings.Builder
	b.WriteString("| Key | Type | Default | Meaning |\n| --- | --- | --- | --- |\n")
	for _, f := range StackConfigFields {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Path, f.Type, f.Default, f.Meaning)
	}
	b.WriteString("\nFields of an `orgs.<key>` entry:\n\n")
	b.WriteString("| Field | Type | Default | Meaning |\n| --- | --- | --- | --- |\n")
	for _, f := range OrgFields {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Path, f.Type, f.Default, f.Meaning)
	}
	return b.String()
}

// OutputReference is the table of the component package's outputs
// (docs/component-package.md).
func OutputReference() string {
	var b strings.Builder
	b.WriteString("| Output | Type | Meaning |\n| --- | --- | --- |\n")
	for _, f := range OutputFields {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Path, f.Type, f.Meaning)
	}
	return b.String()
}
