package multiorg

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

const (
	payingOrg = "5f1a2b3c4d5e6f7a8b9c0d1e"
	ownerID   = "6a1b2c3d4e5f6a7b8c9d0e1f"
	adoptID   = "64b1c2d3e4f5a6b7c8d9e0f1"
)

// validSpec has one organization of each kind: a service account with the
// default credential, an API key, and an adopted one.
func validSpec() Spec {
	return Spec{
		PayingOrgID: payingOrg,
		OrgOwnerID:  ownerID,
		Orgs: map[string]OrgSpec{
			"analytics": {Name: "acme-analytics"},
			"billing": {Name: "acme-billing", APIKey: &APIKeySpec{
				Description: "billing automation", Roles: []string{RoleOrgOwner, RoleOrgBillingAdmin},
			}},
			"legacy": {Name: "acme-legacy", ImportID: adoptID, Settings: legacySettings()},
		},
	}
}

// legacySettings are the adopted org's current settings, all stated.
func legacySettings() Settings {
	return Settings{
		APIAccessListRequired: ptr(false), MultiFactorAuthRequired: ptr(true), RestrictEmployeeAccess: ptr(false),
		GenAIFeaturesEnabled: ptr(true), SecurityContact: ptr("ops@example.com"), SkipDefaultAlertsSettings: ptr(false),
	}
}

func TestValidSpecHasNoProblems(t *testing.T) {
	t.Parallel()
	require.NoError(t, validSpec().Validate())
}

func TestValidationRules(t *testing.T) {
	t.Parallel()
	long := func(n int) string { return strings.Repeat("a", n) }
	sa := func(mut func(*ServiceAccountSpec)) *ServiceAccountSpec {
		s := &ServiceAccountSpec{Name: "ci", Description: "ci automation", Roles: []string{RoleOrgOwner}}
		mut(s)
		return s
	}
	tests := map[string]struct {
		mutate  func(*Spec)
		path    string
		message string
	}{
		"paying org missing":    {func(s *Spec) { s.PayingOrgID = "" }, "payingOrgId", "required"},
		"paying org not hex":    {func(s *Spec) { s.PayingOrgID = "not-an-id" }, "payingOrgId", "24-character lowercase hexadecimal"},
		"paying org upper case": {func(s *Spec) { s.PayingOrgID = strings.ToUpper(payingOrg) }, "payingOrgId", "lowercase hexadecimal"},
		"default owner not hex": {func(s *Spec) { s.OrgOwnerID = "123" }, "orgOwnerId", "Atlas user ID"},
		"org owner not hex":     {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.OrgOwnerID = "zz" }) }, "orgs.analytics.orgOwnerId", "Atlas user ID"},
		"federation not hex":    {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.FederationSettingsID = "x" }) }, "orgs.analytics.federationSettingsId", "federation settings ID"},
		"import id not hex":     {func(s *Spec) { setOrg(s, "legacy", func(o *OrgSpec) { o.ImportID = "org-1" }) }, "orgs.legacy.importId", "organization ID"},
		"no orgs":               {func(s *Spec) { s.Orgs = nil }, "orgs", "at least one organization"},
		"budget not dollars": {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.MonthlyBudgetUSD = "$250" }) },
			"orgs.analytics.monthlyBudgetUsd", "US dollars with at most two decimals"},
		"deletion opt-in on a created org": {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.AllowDeletion = true }) },
			"orgs.analytics.allowDeletion", "only an adopted organization (importId) can opt in to deletion"},
		"no owner anywhere":            {func(s *Spec) { s.OrgOwnerID = "" }, "orgs.analytics.orgOwnerId", "refuses to create one without an owner"},
		"empty name":                   {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.Name = "" }) }, "orgs.analytics.name", "required"},
		"name too long":                {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.Name = long(65) }) }, "orgs.analytics.name", "at most 64"},
		"name with space":              {func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.Name = "acme analytics" }) }, "orgs.analytics.name", "characters Atlas refuses"},
		"duplicate name ignoring case": {func(s *Spec) { setOrg(s, "billing", func(o *OrgSpec) { o.Name = "ACME-Analytics" }) }, "orgs.billing.name", "already the name of orgs.analytics"},
		"bad key":                      {func(s *Spec) { s.Orgs["bad key!"] = OrgSpec{Name: "x"} }, "orgs.bad key!", "org key"},
		"both credentials": {func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.ServiceAccount = sa(func(*ServiceAccountSpec) {}) })
		}, "orgs.billing", "either serviceAccount or apiKey, not both"},
		"api key without owner role": {func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.APIKey.Roles = []string{RoleOrgBillingAdmin} })
		}, "orgs.billing.apiKey.roles", "must include ORG_OWNER"},
		"service account without owner role": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) {
				o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.Roles = []string{RoleOrgMember} })
			})
		}, "orgs.analytics.serviceAccount.roles", "must include ORG_OWNER"},
		"unknown role": {func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.APIKey.Roles = []string{RoleOrgOwner, "GROUP_OWNER"} })
		}, "orgs.billing.apiKey.roles", `unknown role "GROUP_OWNER"`},
		"duplicate role": {func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.APIKey.Roles = []string{RoleOrgOwner, RoleOrgOwner} })
		}, "orgs.billing.apiKey.roles", "listed twice"},
		"roles listed empty": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.Roles = []string{} }) })
		}, "orgs.analytics.serviceAccount.roles", "required"},
		"service account name too long": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.Name = long(65) }) })
		}, "orgs.analytics.serviceAccount.name", "at most 64"},
		"service account name characters": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.Name = "ci/cd" }) })
		}, "orgs.analytics.serviceAccount.name", "characters Atlas refuses"},
		"service account description too long": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.Description = long(251) }) })
		}, "orgs.analytics.serviceAccount.description", "at most 250"},
		"api key description empty": {func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.APIKey.Description = "" })
		}, "orgs.billing.apiKey.description", "required"},
		"api key description too long": {func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.APIKey.Description = long(251) })
		}, "orgs.billing.apiKey.description", "at most 250"},
		"secret lifetime too short": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) {
				o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.SecretExpiresAfterHours = ptr(7) })
			})
		}, "orgs.analytics.serviceAccount.secretExpiresAfterHours", "between 8 and 8760 hours, got 7"},
		"secret lifetime too long": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) {
				o.ServiceAccount = sa(func(a *ServiceAccountSpec) { a.SecretExpiresAfterHours = ptr(8761) })
			})
		}, "orgs.analytics.serviceAccount.secretExpiresAfterHours", "got 8761"},
		"security contact not an email": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.SecurityContact = ptr("security team") })
		}, "orgs.analytics.securityContact", "not an email address"},
		"security contact with display name": {func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.SecurityContact = ptr("Sec <sec@example.com>") })
		}, "orgs.analytics.securityContact", "not an email address"},
		"adopted with owner": {func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.OrgOwnerID = ownerID })
		}, "orgs.legacy.orgOwnerId", "cannot be set on an adopted organization"},
		"adopted with federation": {func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.FederationSettingsID = payingOrg })
		}, "orgs.legacy.federationSettingsId", "cannot be set on an adopted organization"},
		"adopted requiring an access list, service account without one": {func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) {
				o.APIAccessListRequired = ptr(true)
				o.ServiceAccount = sa(func(*ServiceAccountSpec) {})
			})
		}, "orgs.legacy.serviceAccount.accessList", "required while apiAccessListRequired is true"},
		"adopted with api key": {func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.APIKey = &APIKeySpec{Description: "x", Roles: []string{RoleOrgOwner}} })
		}, "orgs.legacy.apiKey", "give it a serviceAccount block instead"},
		"adopted twice": {func(s *Spec) {
			s.Orgs["legacy2"] = OrgSpec{Name: "acme-legacy-2", ImportID: adoptID, Settings: legacySettings()}
		}, "orgs.legacy2.importId", "already adopted by orgs.legacy"},
		"adopted without every setting": {func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.GenAIFeaturesEnabled, o.SecurityContact = nil, nil })
		}, "orgs.legacy", "must state every setting, or the first `pulumi up` would change it " +
			"(the provider sends all settings together, a missing one as its default); add genAiFeaturesEnabled, securityContact"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectProblem(t, tc.mutate, tc.path, tc.message)
		})
	}
}

// expectProblem runs validSpec changed by mutate through the component and
// requires a problem at path whose message contains message, with nothing
// registered.
func expectProblem(t *testing.T, mutate func(*Spec), path, message string) {
	t.Helper()
	spec := validSpec()
	mutate(&spec)
	mon := &atlasmock.Monitor{}
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec})
		return err
	})
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, verr.Problems, problemAt(t, verr, path, message))
	assert.Empty(t, mon.Registrations(), "nothing may be registered when the spec is invalid")
}

// problemAt finds the problem at path whose message contains text.
func problemAt(t *testing.T, err *ValidationError, path, text string) Problem {
	t.Helper()
	for _, p := range err.Problems {
		if p.Path == path && strings.Contains(p.Message, text) {
			return p
		}
	}
	t.Fatalf("no problem at %s containing %q in:\n%v", path, text, err)
	return Problem{}
}

func TestAdoptedOrgsKeepTheNamesTheyHave(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	setOrg(&spec, "legacy", func(o *OrgSpec) { o.Name = "Acme Legacy (UI)" })
	spec.Orgs["legacy2"] = OrgSpec{Name: "acme legacy (ui)", ImportID: "64b1c2d3e4f5a6b7c8d9e0f2", Settings: legacySettings()}
	assert.NoError(t, spec.Validate(), "spaces and a shared name are what the adopted orgs have")

	spec.Orgs["fresh"] = OrgSpec{Name: "ACME LEGACY (UI)"}
	var verr *ValidationError
	require.ErrorAs(t, spec.Validate(), &verr)
	problemAt(t, verr, "orgs.fresh.name", "has characters Atlas refuses")
	problemAt(t, verr, "orgs.fresh.name", `is already the name of orgs.legacy`)
}

func TestValidationReportsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	spec.PayingOrgID = "nope"
	setOrg(&spec, "analytics", func(o *OrgSpec) { o.Name = "" })
	setOrg(&spec, "billing", func(o *OrgSpec) { o.APIKey.Roles = []string{RoleOrgMember} })

	var verr *ValidationError
	require.ErrorAs(t, spec.Validate(), &verr)
	paths := []string{}
	for _, p := range verr.Problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{"orgs.analytics.name", "orgs.billing.apiKey.roles", "payingOrgId"}, paths, "sorted by path, all of them")
	assert.Contains(t, verr.Error(), "invalid configuration (3 problems):")
	assert.Contains(t, verr.Error(), "\n  - orgs.billing.apiKey.roles: must include ORG_OWNER")
}

func TestCreationOnlyConfigFieldsCoverEveryCreationOnlyInput(t *testing.T) {
	t.Parallel()
	covered := []string{}
	for input := range creationOnlyConfigFields {
		covered = append(covered, input)
	}
	for _, st := range orgSettings {
		if st.creationOnly {
			covered = append(covered, st.providerInput)
		}
	}
	assert.ElementsMatch(t, mongodbatlas.OrganizationCreateOnlyInputs, covered)
}

func setOrg(s *Spec, key string, mutate func(*OrgSpec)) {
	org := s.Orgs[key]
	if org.APIKey != nil {
		k := *org.APIKey
		org.APIKey = &k
	}
	mutate(&org)
	s.Orgs[key] = org
}
