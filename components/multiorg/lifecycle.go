package multiorg

import (
	"fmt"
	"os"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// Previous is what the stack's last deployment left: its exports and the
// organizations in its state. Some decisions depend on what already exists,
// which the program cannot learn from what it registers; the state says it.
type Previous struct {
	// Orgs are the last deployment's exported organizations, by org key.
	Orgs map[string]PreviousOrg
	// Managed are the organizations in the stack's state, by org key: their
	// Atlas organization IDs.
	Managed map[string]string
	// Credentials is the last "credentials" export, a secret: per org key,
	// the newest credential. Nil when unknown.
	Credentials pulumi.StringMapMapInput
	// AccessListSwitches are the org keys whose apiAccessListRequired switch
	// is in the stack's state.
	AccessListSwitches map[string]bool
	// AccessListSwitched are, by org key, the switch's input in the state:
	// the apiAccessListRequired value it last set, and how many times it
	// has set that value back after a change made in Atlas.
	AccessListSwitched map[string]SwitchedAccessList
	// Leftovers are, by org key, the URNs of the resources of the
	// organization the state holds besides its Organization, sorted: what
	// was inside it, its provider. An organization deleted in Atlas that a
	// refresh dropped from the state leaves them.
	Leftovers map[string][]string
	// Deployed are, by org key, the outputs of each Organization the state
	// holds, its inputs among them: a setting whose default changed keeps
	// what a deployed organization has (orgSetting.keepsDeployed).
	Deployed map[string]map[string]any
}

// PreviousOrg is one organization as the last deployment left it.
type PreviousOrg struct {
	// CredentialType is the kind of its credential.
	CredentialType CredentialType
	// SecretExpiresAt is when its newest service account secret expires;
	// zero when unknown.
	SecretExpiresAt time.Time
	// AccessListEntries is the number of API access list entries its
	// credential had.
	AccessListEntries int
}

// providerCredential is the credential the organization's own provider signs
// in with. The secret Atlas returned at creation expires; with rotation, the
// newest secret the last deployment exported is still valid and is used
// instead, so the provider can go on issuing secrets. That export is of the
// organization the state holds: one the state no longer holds (deleted in
// Atlas and forgotten, so created again now) has only its new credential.
func (m *MultiOrg) providerCredential(org *Org) pulumi.StringMap {
	prev, ok := m.previousOrg(org.Key)
	if org.CredentialType != CredentialServiceAccount || !ok || m.previous.Credentials == nil || m.managed(org.Key) == "" ||
		prev.CredentialType != CredentialServiceAccount || !prev.SecretExpiresAt.After(m.now) {
		return org.credential
	}
	last := m.previous.Credentials.ToStringMapMapOutput().MapIndex(pulumi.String(org.Key))
	return pulumi.StringMap{
		"clientId":     org.credential["clientId"],
		"clientSecret": pulumi.ToSecret(last.MapIndex(pulumi.String("clientSecret"))).(pulumi.StringOutput),
	}
}

// managed is the Atlas ID of the organization the stack's state holds for
// key; "" when it holds none.
func (m *MultiOrg) managed(key string) string {
	if m.previous == nil {
		return ""
	}
	return m.previous.Managed[key]
}

func (m *MultiOrg) previousOrg(key string) (PreviousOrg, bool) {
	if m.previous == nil {
		return PreviousOrg{}, false
	}
	prev, ok := m.previous.Orgs[key]
	return prev, ok
}

// providerName names the organization's own provider, and says whether it
// keeps the secret it was created with (ignoreChanges on clientSecret).
//
// A rotating organization's provider creates the secret that replaces its
// own, so its input cannot follow the newest secret without changing on the
// run after every rotation, and a preview after one `pulumi up` would show
// it. Instead there is one provider per rotation period, created by the
// period's first run with the newest secret valid then and kept on it for the
// whole period. That secret was issued at most one period before, and
// validation keeps a secret's lifetime at three periods or more, so it is
// valid for as long as the provider uses it. The resources inside the
// organization move to the new provider with no change of their own: the
// engine asks the new provider whether its configuration forces a
// replacement, and a new secret does not.
func (m *MultiOrg) providerName(org *Org, plan orgPlan) (string, bool) {
	if plan.rotateEvery == 0 || org.adopted || org.CredentialType != CredentialServiceAccount {
		return ProviderResourceName(m.name, org.Key), false
	}
	return RotatedProviderName(m.name, org.Key, rotationPeriod(m.now, plan.rotateEvery)), true
}

// ClockEnv names the environment variable that moves the clock of rotation
// and expiry warnings to a time of one's choosing (RFC 3339), so that a coming
// rotation can be rehearsed: `ATLAS_MULTIORG_NOW=2027-01-10T00:00:00Z pulumi
// preview` shows what the first run of that period will do.
const ClockEnv = "ATLAS_MULTIORG_NOW"

// clock is the time a run goes by: now(), else ClockEnv's time when set,
// else the time.
func clock(now func() time.Time) (time.Time, error) {
	if now != nil {
		return now(), nil
	}
	at, ok := os.LookupEnv(ClockEnv)
	if !ok || at == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q is not an RFC 3339 time (for example 2027-01-10T00:00:00Z); unset it to use the time", ClockEnv, at)
	}
	return t, nil
}

// rotationPeriod is the index of the rotation period that contains now.
// Periods count from the Unix epoch, so every run within one period agrees on
// it, whenever and however often the stack runs.
func rotationPeriod(now time.Time, everyHours int) int64 {
	return now.Unix() / int64(everyHours*3600)
}

// registerRotation gives a rotating service account a secret of its own,
// replaced when a new rotation period begins. The replaced secret is retained
// in Atlas, not deleted, so consumers that still hold it keep working until
// it expires; the stack exports the newest.
func (m *MultiOrg) registerRotation(org *Org, plan orgPlan) error {
	if plan.rotateEvery == 0 {
		return nil
	}
	opts, err := m.actingIn(org, true)
	if err != nil {
		return err
	}
	trigger := fmt.Sprintf("every-%dh-period-%d", plan.rotateEvery, rotationPeriod(m.now, plan.rotateEvery))
	secret, err := mongodbatlas.NewServiceAccountSecret(m.ctx, RotatedSecretName(m.name, org.Key), &mongodbatlas.ServiceAccountSecretArgs{
		ClientId:                org.credential["clientId"],
		OrgId:                   org.Resource.OrgId,
		SecretExpiresAfterHours: pulumi.Int(*plan.serviceAccount.SecretExpiresAfterHours),
	}, append(opts, pulumi.ReplacementTrigger(pulumi.String(trigger)), pulumi.RetainOnDelete(true),
		// Replaced every period, and retained in Atlas when replaced: a
		// protect inherited from the caller would only refuse the rotation.
		pulumi.Protect(false))...)
	if err != nil {
		return fmt.Errorf("creating the rotated secret: %w", err)
	}
	org.track(secret)
	org.credential = pulumi.StringMap{
		"clientId":     org.credential["clientId"],
		"clientSecret": m.credentialField(org, "clientSecret", secret.Secret),
	}
	org.SecretExpiresAt = secret.ExpiresAt
	return nil
}

// goTimeLayout is Go's time.String layout. The provider 4.14.0 stores an
// Organization's serviceAccount.secrets[].createdAt and expiresAt in it
// ("2026-12-24 11:13:33 +0000 UTC"), while a ServiceAccountSecret's expiresAt
// is RFC 3339.
const goTimeLayout = "2006-01-02 15:04:05.999999999 -0700 MST"

// ParseExpiry reads a secret's expiry in either layout the provider uses,
// RFC 3339 or Go's time.String.
func ParseExpiry(at string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		return t, nil
	}
	t, err := time.Parse(goTimeLayout, at)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor Go's time layout", at)
	}
	return t, nil
}

// normalizeExpiry turns the provider's expiry, in whichever layout it came,
// into RFC 3339 in UTC, the one layout the stack exports. An expiry that
// cannot be read is warned about, never dropped in silence.
func (m *MultiOrg) normalizeExpiry(org *Org, expiresAt pulumi.StringOutput) pulumi.StringOutput {
	return expiresAt.ApplyT(func(at string) string {
		if at == "" {
			return at
		}
		expiry, err := ParseExpiry(at)
		if err != nil {
			_ = m.ctx.Log.Warn(fmt.Sprintf("organization %q: the provider reported its service account secret's expiry as %v; "+
				"it is exported as it came and no expiry warning can be given", org.Key, err), &pulumi.LogArgs{Resource: org.Resource})
			return at
		}
		return expiry.UTC().Format(time.RFC3339)
	}).(pulumi.StringOutput)
}

// warnOnExpiry logs a warning, on every run, when the secret expiring at
// expiresAt (RFC 3339) is expired or expires within the warning window.
func (m *MultiOrg) warnOnExpiry(org *Org, expiresAt pulumi.StringOutput) pulumi.StringOutput {
	return expiresAt.ApplyT(func(at string) string {
		expiry, err := time.Parse(time.RFC3339, at)
		if at == "" || err != nil {
			return at
		}
		left := expiry.Sub(m.now)
		var msg string
		switch {
		case left <= 0:
			msg = fmt.Sprintf("organization %q: its service account secret expired at %s; consumers of the exported credential are locked out "+
				"and the provider falls back to the caller's credentials. Issue a new secret (serviceAccount.rotateEveryHours does it on every run)", org.Key, at)
		case left <= m.warnWithin:
			msg = fmt.Sprintf("organization %q: its service account secret expires at %s, in %s, within the %s warning window; "+
				"rotate it (serviceAccount.rotateEveryHours) before consumers are locked out", org.Key, at, left.Round(time.Minute), m.warnWithin)
		default:
			return at
		}
		_ = m.ctx.Log.Warn(msg, &pulumi.LogArgs{Resource: org.Resource})
		return at
	}).(pulumi.StringOutput)
}

// registerAccessList gives the organization's credential its API access
// list, and returns the entries' resources.
func (m *MultiOrg) registerAccessList(org *Org, entries []AccessListEntry) ([]pulumi.Resource, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	opts, err := m.actingIn(org, true)
	if err != nil {
		return nil, err
	}
	var apiKeyID pulumi.StringOutput
	if org.CredentialType == CredentialAPIKey {
		// Only created organizations have API keys, so opts name the
		// organization's own provider.
		p, err := m.Provider(org.Key)
		if err != nil {
			return nil, err
		}
		apiKeyID = mongodbatlas.ApiKeyIdOutput(m.ctx, org.Resource.OrgId, org.credential["publicKey"].ToStringOutput(), pulumi.Provider(p))
	}
	registered := make([]pulumi.Resource, 0, len(entries))
	for _, e := range entries {
		name := AccessListEntryName(m.name, org.Key, e)
		ip, cidr := optional(e.IPAddress), optional(e.CIDRBlock)
		var res pulumi.Resource
		switch org.CredentialType {
		case CredentialServiceAccount:
			res, err = mongodbatlas.NewServiceAccountAccessListEntry(m.ctx, name, &mongodbatlas.ServiceAccountAccessListEntryArgs{
				OrgId: org.Resource.OrgId, ClientId: org.credential["clientId"], IpAddress: ip, CidrBlock: cidr,
			}, opts...)
		case CredentialAPIKey:
			res, err = mongodbatlas.NewAccessListApiKey(m.ctx, name, &mongodbatlas.AccessListApiKeyArgs{
				OrgId: org.Resource.OrgId, ApiKeyId: apiKeyID, IpAddress: ip, CidrBlock: cidr,
			}, opts...)
		}
		if err != nil {
			return nil, fmt.Errorf("creating access list entry %s: %w", name, err)
		}
		org.track(res)
		registered = append(registered, res)
	}
	return registered, nil
}

func optional(s string) pulumi.StringPtrInput {
	if s == "" {
		return nil
	}
	return pulumi.String(s)
}

// SwitchedAccessList is what an organization's apiAccessListRequired switch
// last set, as the state holds it.
type SwitchedAccessList struct {
	Required bool
	// SetBack counts the runs that found Atlas' value changed outside the
	// code and set it back; SetBackFrom is the value Atlas had the last time.
	SetBack     int
	SetBackFrom bool
	// BaseURL is the Admin API it called, "" for the provider's default.
	BaseURL string
}
