// Package multiorg is the MultiOrg component: it creates or adopts many MongoDB
// Atlas organizations from one validated Spec, gives each created organization
// a credential of its own, and exposes those credentials as Pulumi secrets.
package multiorg

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// Type is the MultiOrg component's type token.
const Type = "atlas-multiorg:index:MultiOrg"

// MultiOrgArgs are the arguments of NewMultiOrg.
type MultiOrgArgs struct {
	// Spec declares the organizations; NewMultiOrg validates it first.
	Spec Spec
	// BaseURL is the Admin API base URL given to the per-org providers that
	// Provider makes. Nil means Atlas itself.
	BaseURL pulumi.StringPtrInput
	// Previous is what the stack's last deployment left; nil when there was
	// none. Rotation, the API access list switch, adoption (import once) and
	// the replacement guard depend on it.
	Previous *Previous
	// Now is the clock for rotation periods and expiry warnings; nil means
	// the time in ClockEnv when it is set, else time.Now.
	Now func() time.Time
	// LinkedOrgs lists the organizations linked to the paying organization,
	// with the caller's credential. Before each create, an organization of
	// the same name among them that the state does not hold stops the run
	// (twins.go). Nil leaves the check out.
	LinkedOrgs LinkedOrgsFunc
	// Caller is the caller's Admin API and credential (the default
	// provider's), which the OrganizationSettings resource of an adopted
	// organization acts with, as a secret input. Nil leaves that resource
	// to the credential of the plugin's environment.
	Caller *atlasapi.Resolution
	// OrgExists reads, with the caller's credential, whether an organization
	// the state holds still exists, so that the replacement guard can tell
	// an organization deleted in Atlas from a replacement (gone.go). Nil
	// leaves the guard saying both.
	OrgExists OrgExistsFunc
	// TakeOverCheck signs in with each service account a
	// serviceAccount.takeOver names, before anything is registered, and
	// reads its newest secret's expiry (takeover.go). Nil leaves the check
	// out, and the expiry unknown.
	TakeOverCheck TakeOverCheckFunc
}

// MultiOrg manages a set of Atlas organizations. Every map output is keyed by
// the org key of the Spec.
type MultiOrg struct {
	pulumi.ResourceState

	// OrgIDs are the Atlas organization IDs.
	OrgIDs pulumi.StringMapOutput `pulumi:"orgIds"`
	// OrgNames are the organization names as Atlas reports them.
	OrgNames pulumi.StringMapOutput `pulumi:"orgNames"`
	// CredentialTypes say which credential each organization has.
	CredentialTypes pulumi.StringMapOutput `pulumi:"credentialTypes"`
	// Credentials are the organizations' own credentials, a secret: clientId
	// and clientSecret for a service account, publicKey and privateKey for an
	// API key. An adopted organization has one only when its entry has a
	// serviceAccount block.
	Credentials pulumi.StringMapMapOutput `pulumi:"credentials"`
	// SecretExpiresAt is when each service account's secret expires (RFC 3339);
	// "" for API keys, which do not expire, and for organizations without
	// a credential.
	SecretExpiresAt pulumi.StringMapOutput `pulumi:"secretExpiresAt"`
	// PayingOrgIDs is the paying organization each created organization is
	// linked to; "" for adopted organizations, which keep their own billing.
	PayingOrgIDs pulumi.StringMapOutput `pulumi:"payingOrgIds"`
	// AccessListEntries is the number of API access list entries of each
	// organization's credential.
	AccessListEntries pulumi.IntMapOutput `pulumi:"accessListEntries"`
	// PayingOrgID is the paying organization of Spec.
	PayingOrgID pulumi.StringOutput `pulumi:"payingOrgId"`
	// TeamIDs are each organization's team IDs, by team key; not secret,
	// so consumer stacks can grant teams access to projects.
	TeamIDs pulumi.StringMapMapOutput `pulumi:"teamIds"`

	ctx        *pulumi.Context
	name       string
	stack      string
	baseURL    pulumi.StringPtrInput
	orgs       map[string]*Org
	previous   *Previous
	now        time.Time
	warnWithin time.Duration

	mu        sync.Mutex
	providers map[string]*mongodbatlas.Provider
	guard     *pulumi.ResourceHook
	// switchHook sets apiAccessListRequired (access_list_switch.go);
	// registered on first use.
	switchHook *pulumi.ResourceHook
	// switchCredentials are the credentials the switch hook signs in with,
	// by org key.
	switchCredentials map[string]*awaitedCredential
	twins             *twinCheck
	orgExists         OrgExistsFunc
	// takeOvers are the service accounts taken over, checked, by org key.
	takeOvers map[string]takeOver
	caller    *atlasapi.Resolution
	// protected are the org keys registered with protect; mu guards it, as
	// the guard reads it while the program still registers.
	protected map[string]bool
}

// Org is one organization of a MultiOrg.
type Org struct {
	// Key is the organization's key in the Spec.
	Key string
	// Resource is the registered mongodbatlas.Organization.
	Resource *mongodbatlas.Organization
	// CredentialType is the kind of the organization's own credential.
	CredentialType CredentialType
	// PayingOrgID is the paying organization, or "" for an adopted one.
	PayingOrgID string
	// SecretExpiresAt is when the service account's newest secret expires
	// (RFC 3339), readable though the credential is secret; "" for other
	// credentials.
	SecretExpiresAt pulumi.StringOutput
	// AccessListEntries is the number of API access list entries of the
	// organization's credential.
	AccessListEntries int
	// TeamIDs are the organization's team IDs, by team key.
	TeamIDs pulumi.StringMap
	// ServiceAccount is the credential the stack created inside an adopted
	// organization; nil for every other organization, whose credential
	// Atlas created with it.
	ServiceAccount *mongodbatlas.ServiceAccount

	// adopted is true when the stack adopted the organization (importId)
	// rather than created it.
	adopted bool

	// credential is the organization's newest credential by wire name, each
	// a secret: what the stack exports.
	credential pulumi.StringMap
	// providerCredential is what the organization's own provider signs in
	// with: the newest secret still valid when the run starts.
	providerCredential pulumi.StringMap
	// providerName names the organization's own provider; a rotating
	// organization has one per rotation period (rotatingProviderName).
	providerName string
	// pinsSecret keeps the provider on the secret it was created with
	// (rotatingProviderName says why).
	pinsSecret bool
	// inside is everything registered inside the organization, which the
	// destroy guard of a protected organization depends on.
	inside []pulumi.Resource
}

// track records a resource registered inside the organization.
func (o *Org) track(r pulumi.Resource) { o.inside = append(o.inside, r) }

// NewMultiOrg validates args.Spec and, only if it is valid, registers the
// component and one Organization per org key, parented to the component. The
// organizations are created through the provider the caller passes with
// pulumi.Provider or pulumi.Providers, or the default provider; its
// credentials must belong to Spec.PayingOrgID.
func NewMultiOrg(ctx *pulumi.Context, name string, args *MultiOrgArgs, opts ...pulumi.ResourceOption) (*MultiOrg, error) {
	if args == nil {
		return nil, fmt.Errorf("multiorg %q: args are required", name)
	}
	if err := args.Spec.Validate(); err != nil {
		return nil, err
	}
	takeOvers, err := checkTakeOvers(ctx.Context(), args.Spec, args.Previous, args.TakeOverCheck)
	if err != nil {
		return nil, err
	}
	now, err := clock(args.Now)
	if err != nil {
		return nil, fmt.Errorf("multiorg %q: %w", name, err)
	}
	m := &MultiOrg{
		ctx:        ctx,
		name:       name,
		stack:      ctx.Stack(),
		baseURL:    args.BaseURL,
		orgs:       make(map[string]*Org, len(args.Spec.Orgs)),
		previous:   args.Previous,
		now:        now,
		warnWithin: time.Duration(args.Spec.expiryWarningHours()) * time.Hour,
		providers:  map[string]*mongodbatlas.Provider{},
		orgExists:  args.OrgExists,
		caller:     args.Caller,
		protected:  map[string]bool{},
		takeOvers:  takeOvers,
	}
	if args.LinkedOrgs != nil {
		m.twins = newTwinCheck(args.LinkedOrgs, args.Previous)
	}
	if err := ctx.RegisterComponentResource(Type, name, m, opts...); err != nil {
		return nil, fmt.Errorf("registering multiorg %q: %w", name, err)
	}

	guard, err := m.registerGuard()
	if err != nil {
		return nil, fmt.Errorf("registering multiorg %q: %w", name, err)
	}
	m.guard = guard

	ids, names, types := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	credentials, expiries, paying := pulumi.StringMapMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	entries := pulumi.IntMap{}
	teams := pulumi.StringMapMap{}
	for _, plan := range args.Spec.plan(args.Previous) {
		org, err := m.register(plan)
		if err != nil {
			return nil, fmt.Errorf("creating organization %q: %w", plan.key, err)
		}
		ids[plan.key] = org.Resource.OrgId
		names[plan.key] = org.Resource.Name
		types[plan.key] = pulumi.String(string(org.CredentialType))
		expiries[plan.key] = org.SecretExpiresAt
		paying[plan.key] = pulumi.String(org.PayingOrgID)
		entries[plan.key] = pulumi.Int(org.AccessListEntries)
		if org.credential != nil {
			credentials[plan.key] = org.credential
		}
		teams[plan.key] = org.TeamIDs
	}
	m.TeamIDs = teams.ToStringMapMapOutput()
	m.OrgIDs = ids.ToStringMapOutput()
	m.OrgNames = names.ToStringMapOutput()
	m.CredentialTypes = types.ToStringMapOutput()
	m.Credentials = pulumi.ToSecret(credentials).(pulumi.StringMapMapOutput)
	m.SecretExpiresAt = expiries.ToStringMapOutput()
	m.PayingOrgIDs = paying.ToStringMapOutput()
	m.AccessListEntries = entries.ToIntMapOutput()
	m.PayingOrgID = pulumi.String(args.Spec.PayingOrgID).ToStringOutput()

	if err := ctx.RegisterResourceOutputs(m, pulumi.Map{
		"orgIds":            m.OrgIDs,
		"orgNames":          m.OrgNames,
		"credentialTypes":   m.CredentialTypes,
		"credentials":       m.Credentials,
		"secretExpiresAt":   m.SecretExpiresAt,
		"payingOrgIds":      m.PayingOrgIDs,
		"accessListEntries": m.AccessListEntries,
		"payingOrgId":       m.PayingOrgID,
		"teamIds":           m.TeamIDs,
	}); err != nil {
		return nil, fmt.Errorf("registering outputs of multiorg %q: %w", name, err)
	}
	return m, nil
}

// register registers one organization and everything that acts inside it.
func (m *MultiOrg) register(plan orgPlan) (*Org, error) {
	opts := []pulumi.ResourceOption{pulumi.Parent(m)}
	if plan.protect {
		m.mu.Lock()
		m.protected[plan.key] = true
		m.mu.Unlock()
		// Only ever true: an explicit false would override a protect the
		// caller gave the component, which children otherwise inherit.
		opts = append(opts, pulumi.Protect(true))
	}
	if plan.retain {
		// The stack did not create it, so it never deletes it.
		opts = append(opts, pulumi.RetainOnDelete(true))
	}
	if plan.importID != "" {
		// Import only what the state does not hold yet. The engine compares
		// the import ID with the ID it recorded, and after `pulumi import
		// --file` it recorded none, only the provider's own
		// (b3JnX2lk:<base64 ID>): importing again would plan a replacement.
		if m.managed(plan.key) != plan.importID {
			opts = append(opts, pulumi.Import(pulumi.ID(plan.importID)))
		}
	} else {
		// The owner and the credential matter only at creation; the provider
		// refuses to change them later, so a later edit must not reach it.
		opts = append(opts, pulumi.IgnoreChanges(mongodbatlas.OrganizationCreateOnlyInputs),
			pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeCreate: []*pulumi.ResourceHook{m.guard}}))
	}
	switched, required := m.needsAccessListSwitch(plan), plan.settings.APIAccessListRequired != nil && *plan.settings.APIAccessListRequired
	if switched {
		// The switch sets it; the Organization is created with it off and
		// never changes it after.
		plan.settings.APIAccessListRequired = ptr(false)
		opts = append(opts, pulumi.IgnoreChanges([]string{"apiAccessListRequired"}))
	}
	org := &Org{
		Key:               plan.key,
		CredentialType:    plan.credentialType,
		PayingOrgID:       plan.payingOrgID,
		SecretExpiresAt:   pulumi.String("").ToStringOutput(),
		AccessListEntries: len(plan.accessList),
		adopted:           plan.importID != "",
	}
	taken, takesOver := m.takeOvers[plan.key]
	if takesOver && plan.credentialType == CredentialServiceAccount && !org.adopted {
		// The taken-over credential is known before the Organization, so
		// its provider is made first, and reads and updates the
		// Organization too: the creation credential in the Organization's
		// state is refused, and the provider falls back to its own.
		org.credential = takenOverCredential(taken)
		org.providerCredential = org.credential
		org.providerName, _ = m.providerName(org, plan)
		m.orgs[plan.key] = org
		p, err := m.Provider(plan.key)
		if err != nil {
			return nil, err
		}
		opts = append(opts, pulumi.Provider(p))
	} else {
		takesOver = false
	}
	res, err := mongodbatlas.NewOrganization(m.ctx, OrgResourceName(m.name, plan.key), plan.args(), opts...)
	if err != nil {
		return nil, err
	}
	org.Resource = res
	switch {
	case takesOver:
		org.SecretExpiresAt = pulumi.String(taken.expiresAt).ToStringOutput()
		m.announceTakeOver(org, taken, plan.rotateEvery > 0)
	case plan.credentialType == CredentialServiceAccount && plan.importID != "":
		if err := m.registerServiceAccount(org, plan); err != nil {
			return nil, err
		}
	case plan.credentialType == CredentialServiceAccount:
		secret := res.ServiceAccount.Secrets().Index(pulumi.Int(0))
		org.credential = pulumi.StringMap{
			"clientId":     m.credentialField(org, "clientId", res.ServiceAccount.ClientId().Elem()),
			"clientSecret": m.credentialField(org, "clientSecret", secret.Secret().Elem()),
		}
		org.SecretExpiresAt = secret.ExpiresAt().Elem()
	case plan.credentialType == CredentialAPIKey:
		org.credential = pulumi.StringMap{
			"publicKey":  m.credentialField(org, "publicKey", res.PublicKey),
			"privateKey": m.credentialField(org, "privateKey", res.PrivateKey),
		}
	}
	if !takesOver {
		org.providerCredential = m.providerCredential(org)
		org.providerName, org.pinsSecret = m.providerName(org, plan)
		m.orgs[plan.key] = org
	}
	if err := m.registerRotation(org, plan); err != nil {
		return nil, err
	}
	if org.CredentialType == CredentialServiceAccount {
		// The engine marks the whole serviceAccount block secret; the expiry
		// is not, and consumers must be able to read it to plan rotation.
		expiresAt := m.normalizeExpiry(org, pulumi.Unsecret(org.SecretExpiresAt).(pulumi.StringOutput))
		org.SecretExpiresAt = m.warnOnExpiry(org, expiresAt)
	}
	entries, err := m.registerAccessList(org, plan.accessList)
	if err != nil {
		return nil, err
	}
	if switched {
		if err := m.registerAccessListSwitch(org, plan, required, entries); err != nil {
			return nil, err
		}
	}
	if err := m.registerPolicies(org, plan.policies); err != nil {
		return nil, err
	}
	if err := m.registerOrganizationSettings(org, plan); err != nil {
		return nil, err
	}
	if org.TeamIDs, err = m.registerMembership(org, plan); err != nil {
		return nil, err
	}
	if plan.protect {
		if err := m.registerDestroyGuard(org); err != nil {
			return nil, err
		}
	}
	return org, nil
}

// registerServiceAccount gives an adopted organization the service account
// its entry asks for. The caller's provider, which adopted the organization,
// creates it: the organization has no other credential yet.
func (m *MultiOrg) registerServiceAccount(org *Org, plan orgPlan) error {
	spec := plan.serviceAccount
	sa, err := mongodbatlas.NewServiceAccount(m.ctx, ServiceAccountResourceName(m.name, org.Key), &mongodbatlas.ServiceAccountArgs{
		OrgId:                   org.Resource.OrgId,
		Name:                    pulumi.String(spec.Name),
		Description:             pulumi.String(spec.Description),
		Roles:                   pulumi.ToStringArray(spec.Roles),
		SecretExpiresAfterHours: pulumi.Int(*spec.SecretExpiresAfterHours),
	}, pulumi.Parent(m), pulumi.IgnoreChanges([]string{"secretExpiresAfterHours"}))
	if err != nil {
		return fmt.Errorf("creating the service account: %w", err)
	}
	org.track(sa)
	secret := sa.Secrets.Index(pulumi.Int(0))
	org.ServiceAccount = sa
	org.credential = pulumi.StringMap{
		"clientId":     m.credentialField(org, "clientId", sa.ClientId),
		"clientSecret": m.credentialField(org, "clientSecret", secret.Secret().Elem()),
	}
	org.SecretExpiresAt = secret.ExpiresAt().Elem()
	return nil
}

// actingIn are the options of a resource that acts inside the organization.
// Inside a created organization it acts through the organization's own
// provider. Inside an adopted one it acts through the caller's, which
// adopted it; a resource of the adopted organization's own service account
// goes with that service account.
func (m *MultiOrg) actingIn(org *Org, ofCredential bool) ([]pulumi.ResourceOption, error) {
	if org.adopted {
		opts := []pulumi.ResourceOption{pulumi.Parent(m)}
		if ofCredential && org.ServiceAccount != nil {
			opts = append(opts, pulumi.DeletedWith(org.ServiceAccount))
		}
		return opts, nil
	}
	p, err := m.Provider(org.Key)
	if err != nil {
		return nil, err
	}
	return m.inside(org, p), nil
}

// registerPolicies registers an organization's resource policies as one
// Atlas resource policy (PolicySetName) with a Cedar policy per rule, in
// the rules' stable order. One resource instead of one per rule: a prod
// organization had seven, each a step of the engine and about 3.5 KB of the
// stack's state, which the file backend writes whole after every step.
func (m *MultiOrg) registerPolicies(org *Org, policies []policy) error {
	if len(policies) == 0 {
		return nil
	}
	opts, err := m.actingIn(org, false)
	if err != nil {
		return err
	}
	bodies := make(mongodbatlas.ResourcePolicyPolicyArray, len(policies))
	for i, pol := range policies {
		bodies[i] = mongodbatlas.ResourcePolicyPolicyArgs{Body: pulumi.String(pol.body)}
	}
	res, err := mongodbatlas.NewResourcePolicy(m.ctx, PolicyResourceName(m.name, org.Key), &mongodbatlas.ResourcePolicyArgs{
		OrgId:       org.Resource.OrgId,
		Name:        pulumi.String(PolicySetName),
		Description: pulumi.String(policySetDescription(policies)),
		Policies:    bodies,
	}, opts...)
	if err != nil {
		return fmt.Errorf("creating the resource policy: %w", err)
	}
	org.track(res)
	return nil
}

// inside are the options of a resource that acts inside a created
// organization through that organization's own provider. It is deleted with
// the organization: Atlas deletes it then anyway, and deleting it first can
// lock the organization's credential out (measured: with
// apiAccessListRequired, a destroy that deleted the access list entry first
// was refused every later call, 403 IP_ADDRESS_NOT_ON_ACCESS_LIST).
func (m *MultiOrg) inside(org *Org, p *mongodbatlas.Provider) []pulumi.ResourceOption {
	return []pulumi.ResourceOption{pulumi.Parent(m), pulumi.Provider(p), pulumi.DeletedWith(org.Resource)}
}

// credentialField returns one field of an organization's credential as a
// secret. When Atlas returned the organization without it, the provider
// silently manages the organization with the caller's credentials and every
// consumer of the export breaks later, so the run says so now. The warning
// names the field, never a value.
func (m *MultiOrg) credentialField(org *Org, field string, value pulumi.StringOutput) pulumi.StringOutput {
	checked := value.ApplyT(func(v string) string {
		if v == "" {
			msg := fmt.Sprintf("organization %q was created but Atlas returned no %s for its %s: "+
				"the provider now manages it with the caller's credentials, and the exported credential is empty; "+
				"issue a new credential for it in Atlas", org.Key, field, org.CredentialType)
			_ = m.ctx.Log.Warn(msg, &pulumi.LogArgs{Resource: org.Resource})
		}
		return v
	}).(pulumi.StringOutput)
	return pulumi.ToSecret(checked).(pulumi.StringOutput)
}

// Keys returns the org keys, sorted.
func (m *MultiOrg) Keys() []string { return slices.Sorted(maps.Keys(m.orgs)) }

// Org returns the organization with the given key.
func (m *MultiOrg) Org(key string) (*Org, bool) {
	org, ok := m.orgs[key]
	return org, ok
}

// Provider returns an explicit mongodbatlas provider that acts inside the
// organization key with that organization's own credential (as secret inputs).
// It is registered on the first call and reused after, so a stack that never
// asks pays for no extra provider plugin process. An adopted organization has
// a credential of its own only when its entry has a serviceAccount block;
// without one, use the caller's provider for it.
func (m *MultiOrg) Provider(key string) (*mongodbatlas.Provider, error) {
	org, ok := m.orgs[key]
	if !ok {
		return nil, fmt.Errorf("multiorg %q has no organization with key %q; keys are %v", m.name, key, m.Keys())
	}
	if org.credential == nil {
		return nil, fmt.Errorf("organization %q is adopted (importId) and has no credential of its own; "+
			"give orgs.%s a serviceAccount block, or act inside it with the provider that adopted it", key, key)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.providers[key]; ok {
		return p, nil
	}
	args := &mongodbatlas.ProviderArgs{BaseUrl: m.baseURL}
	cred := org.providerCredential
	switch org.CredentialType {
	case CredentialServiceAccount:
		args.ClientId, args.ClientSecret = cred["clientId"], cred["clientSecret"]
	case CredentialAPIKey:
		args.PublicKey, args.PrivateKey = cred["publicKey"], cred["privateKey"]
	}
	// Never protected, whatever the caller gave the component: a rotating
	// organization's provider is replaced every period, and a protected one
	// would fail every run after the first rotation. It holds nothing of the
	// user's.
	opts := []pulumi.ResourceOption{pulumi.Parent(m), pulumi.Protect(false)}
	if org.pinsSecret {
		opts = append(opts, pulumi.IgnoreChanges([]string{"clientSecret"}))
	}
	p, err := mongodbatlas.NewProvider(m.ctx, org.providerName, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating provider for organization %q: %w", key, err)
	}
	m.providers[key] = p
	return p, nil
}
