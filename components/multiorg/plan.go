package multiorg

import (
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// orgPlan is one organization of a valid Spec with every default resolved:
// everything NewMultiOrg registers for it follows from this value.
type orgPlan struct {
	key      string
	name     string
	importID string
	// retain releases the organization instead of deleting it when its
	// resource is deleted: an adopted one, unless its entry allows deletion.
	retain         bool
	owner          string
	federationID   string
	payingOrgID    string
	credentialType CredentialType
	serviceAccount *ServiceAccountSpec
	apiKey         *APIKeySpec
	settings       Settings
	protect        bool
	policies       []policy
	accessList     []AccessListEntry
	rotateEvery    int // hours; 0 means no rotation
	members        map[string]MemberSpec
	teams          map[string]TeamSpec
}

// plan resolves the defaults of a valid spec, in key order. previous, nil
// when unknown, is what the last deployment left: a deployed organization
// keeps the settings whose default changed since (keepingDeployed).
func (s Spec) plan(previous *Previous) []orgPlan {
	profile, _ := s.profile()
	plans := make([]orgPlan, 0, len(s.Orgs))
	for _, key := range slices.Sorted(maps.Keys(s.Orgs)) {
		o := s.Orgs[key]
		p := orgPlan{key: key, name: o.Name, settings: o.Settings, protect: profile.Protect, members: o.Members, teams: o.Teams}
		var policies ResourcePolicies
		if o.ResourcePolicies != nil {
			policies = *o.ResourcePolicies
		}
		p.policies = policies.withDefaults(profile.Policies).policies()
		if o.Adopted() {
			// An adopted organization gets exactly the settings its entry states,
			// which validation requires to be all of them, and a credential
			// only when its entry asks for one.
			p.importID, p.credentialType, p.retain = o.ImportID, CredentialNone, !o.AllowDeletion
			if o.ServiceAccount != nil {
				p.withServiceAccount(o.ServiceAccount.withDefaults(DefaultServiceAccount(key)), profile)
			}
			plans = append(plans, p)
			continue
		}
		p.owner = o.OrgOwnerID
		if p.owner == "" {
			p.owner = s.OrgOwnerID
		}
		p.federationID, p.payingOrgID = o.FederationSettingsID, s.PayingOrgID
		var deployed map[string]any
		if previous != nil {
			deployed = previous.Deployed[key]
		}
		p.settings = o.keepingDeployed(deployed).withDefaults(DefaultSettings(profile.Name))
		p.accessList = o.accessList()
		switch {
		case o.APIKey != nil:
			p.credentialType, p.apiKey = CredentialAPIKey, o.APIKey
		case o.ServiceAccount != nil:
			p.withServiceAccount(o.ServiceAccount.withDefaults(DefaultServiceAccount(key)), profile)
		default:
			p.withServiceAccount(DefaultServiceAccount(key), profile)
		}
		plans = append(plans, p)
	}
	return plans
}

// withServiceAccount makes sa, with the profile's defaults, the
// organization's credential.
func (p *orgPlan) withServiceAccount(sa ServiceAccountSpec, profile Profile) {
	if sa.SecretExpiresAfterHours == nil {
		sa.SecretExpiresAfterHours = ptr(profile.secretHoursDefault())
	}
	p.credentialType, p.serviceAccount, p.accessList = CredentialServiceAccount, &sa, sa.AccessList
	if sa.RotateEveryHours != nil {
		p.rotateEvery = *sa.RotateEveryHours
	}
}

// args are the provider inputs of the organization. Creation-only inputs are
// set only for an organization the stack creates.
func (p orgPlan) args() *mongodbatlas.OrganizationArgs {
	a := &mongodbatlas.OrganizationArgs{Name: pulumi.String(p.name)}
	p.settings.settingInputs(a, p.importID == "")
	if p.importID != "" {
		return a
	}
	a.OrgOwnerId = pulumi.String(p.owner)
	if p.federationID != "" {
		a.FederationSettingsId = pulumi.String(p.federationID)
	}
	if sa := p.serviceAccount; sa != nil {
		a.ServiceAccount = &mongodbatlas.OrganizationServiceAccountArgs{
			Name:                    pulumi.String(sa.Name),
			Description:             pulumi.String(sa.Description),
			Roles:                   pulumi.ToStringArray(sa.Roles),
			SecretExpiresAfterHours: pulumi.Int(*sa.SecretExpiresAfterHours),
		}
	}
	if ak := p.apiKey; ak != nil {
		a.Description = pulumi.String(ak.Description)
		a.RoleNames = pulumi.ToStringArray(ak.Roles)
	}
	return a
}
