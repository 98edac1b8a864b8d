// Package localapi is a local stand-in for the part of the Atlas Admin API v2
// that the mongodbatlas provider and atlas-multiorg's tools use: organizations
// and their settings, organization service accounts (secrets, access lists),
// organization API keys (access lists), organization resource policies
// (Cedar), projects (with what the provider reads back for each) and their
// credential assignments, and the OAuth2 token endpoint. It enforces what
// Atlas enforces for those calls and keeps its state in one file. Each API
// family has a file of its own, named as the specification names it.
package localapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// State is everything the server knows. It is saved whole after every change.
type State struct {
	Orgs     map[string]*Org     `json:"orgs"`
	Projects map[string]*Project `json:"projects"`
	// TokenKey signs OAuth2 access tokens (see tokens.go).
	TokenKey string `json:"tokenKey"`
	// People are the MongoDB Cloud user accounts, by user ID: a person has
	// one once they have signed up, which an invitee does on accepting.
	// An organization's orgOwnerId must name one of them.
	People map[string]*Person `json:"people,omitempty"`
}

// Person is a MongoDB Cloud user account. Its memberships are elsewhere: an
// organization's owner is Org.OwnerID, everyone else an OrgUser.
type Person struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	CreatedAt time.Time `json:"createdAt"`
	// LastAuth is when the person last signed in; zero until they have.
	LastAuth time.Time `json:"lastAuth,omitzero"`
}

// Org is an organization with its credentials.
type Org struct {
	ID                        string                     `json:"id"`
	Name                      string                     `json:"name"`
	Paying                    bool                       `json:"paying"`
	PayingOrgID               string                     `json:"payingOrgId,omitempty"`
	OwnerID                   string                     `json:"ownerId,omitempty"`
	SkipDefaultAlertsSettings bool                       `json:"skipDefaultAlertsSettings"`
	Settings                  Settings                   `json:"settings"`
	ServiceAccounts           map[string]*ServiceAccount `json:"serviceAccounts"`
	APIKeys                   map[string]*APIKey         `json:"apiKeys"`
	ResourcePolicies          map[string]*ResourcePolicy `json:"resourcePolicies,omitempty"`
	// Users are the organization's people, invited by username.
	Users map[string]*OrgUser `json:"users,omitempty"`
	// Teams are the organization's teams.
	Teams map[string]*Team `json:"teams,omitempty"`
	// Delegation are its delegated-access settings.
	Delegation DelegationSettings `json:"delegation,omitzero"`
}

// OrgUser is a person invited to an organization: PENDING, as a new
// membership is in Atlas until the person accepts, then ACTIVE (accepting is
// atlas-local's console, console.go). The organization's owner, who Atlas
// made one at creation, is not among them: see Org.OwnerID.
type OrgUser struct {
	ID                  string    `json:"id"`
	Username            string    `json:"username"`
	OrgRoles            []string  `json:"orgRoles"`
	Status              string    `json:"status"`
	InviterUsername     string    `json:"inviterUsername"`
	InvitationCreatedAt time.Time `json:"invitationCreatedAt"`
	InvitationExpiresAt time.Time `json:"invitationExpiresAt"`
	// AcceptedAt is when the person accepted; zero while PENDING.
	AcceptedAt time.Time `json:"acceptedAt,omitzero"`
}

// Team is a team of an organization, with its members' user IDs.
type Team struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	UserIDs []string `json:"userIds"`
}

// ResourcePolicy is an organization's Atlas resource policy: Cedar bodies.
type ResourcePolicy struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Bodies      []string `json:"bodies"`
	BodyIDs     []string `json:"bodyIds"`
	// Version is the version Atlas gave the policy at creation ("v" and
	// Version+1); updates keep it.
	Version   int       `json:"version"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Settings are an organization's settings, in the API's JSON names. Those
// Atlas can leave unset (where its default applies) are pointers, nil while
// unset, and left out of the answer then: the specification gives none of
// them a null.
type Settings struct {
	APIAccessListRequired   bool   `json:"apiAccessListRequired"`
	GenAIFeaturesEnabled    bool   `json:"genAIFeaturesEnabled"`
	MultiFactorAuthRequired bool   `json:"multiFactorAuthRequired"`
	RestrictEmployeeAccess  bool   `json:"restrictEmployeeAccess"`
	SecurityContact         string `json:"securityContact"`
	// CustomSessionTimeouts are the session timeouts of the organization's
	// people; nil while both are Atlas' defaults.
	CustomSessionTimeouts *SessionTimeouts `json:"customSessionTimeouts,omitempty"`
	// MaxServiceAccountSecretValidityInHours caps how long a new service
	// account secret of the organization may live; nil leaves only the
	// API's own bound, 8,760 hours.
	MaxServiceAccountSecretValidityInHours *int    `json:"maxServiceAccountSecretValidityInHours,omitempty"`
	OperationsContact                      *string `json:"operationsContact,omitempty"`
	StreamsCrossGroupEnabled               bool    `json:"streamsCrossGroupEnabled"`
}

// SessionTimeouts are an organization's custom session timeouts
// (CustomSessionTimeouts), each nil while Atlas' default applies: 43,200
// seconds for the absolute one, none for the idle one.
type SessionTimeouts struct {
	AbsoluteSessionTimeoutInSeconds *int `json:"absoluteSessionTimeoutInSeconds,omitempty"`
	IdleSessionTimeoutInSeconds     *int `json:"idleSessionTimeoutInSeconds,omitempty"`
}

// DelegationSettings are an organization's delegated-access settings
// (OrgDelegationSettingsResponse): "" is Atlas' default, DISALLOWED, and a
// nil lifetime the system default.
type DelegationSettings struct {
	DelegatedMcpAccess          string `json:"delegatedMcpAccess,omitempty"`
	DelegatedPartnerAccess      string `json:"delegatedPartnerAccess,omitempty"`
	IdleRefreshTokenLifetime    *int64 `json:"idleRefreshTokenLifetime,omitempty"`
	MaximumRefreshTokenLifetime *int64 `json:"maximumRefreshTokenLifetime,omitempty"`
}

// NonCompliantCluster is a cluster Atlas reports as breaking resource
// policies of its organization. atlas-local runs no clusters: the console
// marks one (consoleMarkNonCompliant), as a cluster made before a policy it
// now breaks would be reported, so that the tools reading the report can be
// tested.
type NonCompliantCluster struct {
	ID string `json:"id"`
	// ResourcePolicyIDs are the organization's resource policies the cluster
	// breaks; one since deleted is no longer reported.
	ResourcePolicyIDs []string `json:"resourcePolicyIds"`
}

// ServiceAccount is an organization service account.
type ServiceAccount struct {
	ClientID    string            `json:"clientId"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Roles       []string          `json:"roles"`
	CreatedAt   time.Time         `json:"createdAt"`
	Secrets     []*Secret         `json:"secrets"`
	AccessList  []AccessListEntry `json:"accessList"`
	// OtherOrgIDs are organizations besides its own where the credential
	// has the same roles (see listOrgs). No route sets them; a state is
	// seeded with them (Options.Preset).
	OtherOrgIDs []string `json:"otherOrgIds,omitempty"`
}

// Secret is one client secret. As in Atlas, the secret itself is shown only
// in the answer that creates it: the state keeps what verifies it (see
// secrets.go), never the secret.
type Secret struct {
	ID string `json:"id"`
	// Salt and Hash verify the secret: Hash is SHA-256 of Salt and the
	// secret, in hex.
	Salt string `json:"salt"`
	Hash string `json:"hash"`
	// Last4 are the secret's last four characters, which reads show masked.
	Last4     string    `json:"last4"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Value is the secret in clear in a state saved before atlas-local kept
	// only what verifies it; loading it replaces it (forgetClearSecrets).
	Value string `json:"value,omitempty"`
	// clear is the secret, in memory only, for the answer that creates it.
	clear string
}

// APIKey is an organization API key.
type APIKey struct {
	ID          string `json:"id"`
	Description string `json:"desc"`
	PublicKey   string `json:"publicKey"`
	// HA1 verifies the private key: HTTP digest's MD5(publicKey:realm:
	// privateKey), which is all a digest check needs. As in Atlas, the key
	// itself is shown only in the answer that creates it.
	HA1 string `json:"ha1"`
	// PrivateKeyTail are the key's last twelve characters, which reads show
	// masked.
	PrivateKeyTail string `json:"privateKeyTail"`
	// PrivateKey is the key in clear in a state saved before atlas-local
	// kept only what verifies it; loading it replaces it.
	PrivateKey string `json:"privateKey,omitempty"`
	// clear is the key, in memory only, for the answer that creates it.
	clear      string
	Roles      []string          `json:"roles"`
	AccessList []AccessListEntry `json:"accessList"`
	// OtherOrgIDs are organizations besides its own where the credential
	// has the same roles (see listOrgs). No route sets them; a state is
	// seeded with them (Options.Preset).
	OtherOrgIDs []string `json:"otherOrgIds,omitempty"`
}

// AccessListEntry is an address or block a credential may call from.
type AccessListEntry struct {
	IPAddress string    `json:"ipAddress,omitempty"`
	CIDRBlock string    `json:"cidrBlock,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Project is a project (group) with its credential assignments.
type Project struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	OrgID     string    `json:"orgId"`
	CreatedAt time.Time `json:"createdAt"`
	// Assignments are project roles by service account client ID or API key ID.
	Assignments map[string][]string `json:"assignments"`
	// Settings are the project's settings, in the API's JSON names.
	Settings map[string]bool `json:"settings,omitempty"`
	// UserRoles are the project roles of each person given them directly,
	// by user ID.
	UserRoles map[string][]string `json:"userRoles,omitempty"`
	// Teams are the project roles of each team given access, by team ID.
	Teams map[string][]string `json:"teams,omitempty"`
	// Tags are the project's resource tags, in the order given.
	Tags []ResourceTag `json:"tags,omitempty"`
	// WithoutDefaultAlerts is set when the project was created with
	// withDefaultAlertsSettings false; Atlas' default is true.
	WithoutDefaultAlerts bool `json:"withoutDefaultAlerts,omitempty"`
	// ManagedSlowMsOff is set once the managed slow-operation threshold is
	// disabled; Atlas enables it for a new project.
	ManagedSlowMsOff bool `json:"managedSlowMsOff,omitempty"`
	// NonCompliantClusters are the project's clusters Atlas reports as
	// breaking its organization's resource policies, by cluster name.
	NonCompliantClusters map[string]*NonCompliantCluster `json:"nonCompliantClusters,omitempty"`
}

// ResourceTag is one key and value of a project's tags.
type ResourceTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func newState() *State {
	return &State{Orgs: map[string]*Org{}, Projects: map[string]*Project{}, People: map[string]*Person{}}
}

// load reads the state file; a missing file is an empty state.
func load(path string) (*State, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the server's own state file
	if errors.Is(err, os.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state: %w", err)
	}
	s := newState()
	if err := json.Unmarshal(raw, s); err != nil {
		return nil, fmt.Errorf("state file %s is not valid JSON (start with --reset to discard it): %w", path, err)
	}
	return s, nil
}

// save writes the state atomically: to a temporary file in the same
// directory, synced, then renamed over the old one, so a crash mid-write
// leaves either the old state or the new one, never a torn file.
func save(path string, s *State) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return writeAtomic(path, raw)
}

// writeAtomic writes raw to path the way save does.
func writeAtomic(path string, raw []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*.json")
	if err != nil {
		return fmt.Errorf("saving state: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename
	if _, err := tmp.Write(raw); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("saving state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("saving state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving state: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("saving state: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// newID is a 24-hex Atlas ID.
func newID() string { return randomHex(12) }

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}
