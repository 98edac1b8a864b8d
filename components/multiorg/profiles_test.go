package multiorg

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// envSpec is validSpec in an environment, made valid for every profile: the
// adopted org states the settings prod requires and the API key is accepted.
func envSpec(env string) Spec {
	s := validSpec()
	s.Environment = env
	setOrg(&s, "legacy", func(o *OrgSpec) {
		o.MultiFactorAuthRequired, o.RestrictEmployeeAccess = ptr(true), ptr(true)
	})
	setOrg(&s, "billing", func(o *OrgSpec) { o.AllowAPIKeyCredential = true })
	return s
}

func TestProfileDefaults(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		protect  bool
		hours    float64
		policies []string // the rules of every organization's policy set
	}{
		"dev":     {false, 2160, nil},
		"staging": {false, 2160, []string{"block-wildcard-ip"}},
		"prod":    {true, 2160, []string{"block-wildcard-ip", "require-maintenance-window"}},
	}
	for env, want := range tests {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			mon := &atlasmock.Monitor{}
			run(t, mon, envSpec(env), nil)
			orgs := mon.ByType(mongodbatlas.OrganizationType)
			for name, org := range orgs {
				assert.Equal(t, want.protect, org.RegisterRPC.GetProtect(), "%s protect", name)
			}
			sa := orgs["orgs-analytics"].Inputs["serviceAccount"].ObjectValue()
			assert.Equal(t, want.hours, sa["secretExpiresAfterHours"].NumberValue())

			policies := mon.ByType(mongodbatlas.ResourcePolicyType)
			for name, p := range policies {
				assert.False(t, p.RegisterRPC.GetProtect(), "only organizations are protected")
				assert.Equal(t, resource.NewProperty("Managed by atlas-multiorg: "+strings.Join(want.policies, ", ")), p.Inputs["description"], name)
			}
			if len(want.policies) > 0 {
				assert.ElementsMatch(t, []string{"orgs-analytics-policies", "orgs-billing-policies", "orgs-legacy-policies"}, keysOf(policies))
			} else {
				assert.Empty(t, policies)
			}
			providers := mon.ByType(mongodbatlas.ProviderType)
			if len(want.policies) == 0 {
				assert.Empty(t, providers, "no policies, no per-org provider")
				return
			}
			assert.ElementsMatch(t, []string{"orgs-analytics", "orgs-billing"}, keysOf(providers),
				"created orgs get their own provider for their policies; the adopted one uses the caller's")
			assert.Contains(t, policies["orgs-analytics-policies"].Provider, "::orgs-analytics::")
			assert.Empty(t, policies["orgs-legacy-policies"].Provider, "adopted org: the default provider")
		})
	}
}

func TestProfileRules(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		env     string
		mutate  func(*Spec)
		path    string
		message string
	}{
		"unknown environment": {"qa", nil, "environment", `"qa" is not an environment; use one of dev, prod, staging`},
		"staging requires MFA": {"staging", func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.MultiFactorAuthRequired = ptr(false) }) },
			"orgs.analytics.multiFactorAuthRequired", "must be true in the staging profile"},
		"prod requires MFA": {"prod", func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.MultiFactorAuthRequired = ptr(false) }) },
			"orgs.analytics.multiFactorAuthRequired", "must be true in the prod profile"},
		"prod requires restricted employee access": {"prod", func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.RestrictEmployeeAccess = ptr(false) }) },
			"orgs.analytics.restrictEmployeeAccess", "must be true in the prod profile"},
		"prod adopted org must have required settings true": {"prod", func(s *Spec) { setOrg(s, "legacy", func(o *OrgSpec) { o.RestrictEmployeeAccess = ptr(false) }) },
			"orgs.legacy.restrictEmployeeAccess", "must be true in the prod profile"},
		"prod refuses API keys without the override": {"prod", func(s *Spec) { setOrg(s, "billing", func(o *OrgSpec) { o.AllowAPIKeyCredential = false }) },
			"orgs.billing.apiKey", "API-key credentials are refused in the prod profile"},
		"prod caps secret lifetime": {"prod", func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) {
				o.ServiceAccount = &ServiceAccountSpec{Name: "a", Description: "a", Roles: []string{RoleOrgOwner}, SecretExpiresAfterHours: ptr(2161)}
			})
		}, "orgs.analytics.serviceAccount.secretExpiresAfterHours", "2161 hours is above the cap of 2160 hours in the prod profile"},
		"staging caps secret lifetime": {"staging", func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) {
				o.ServiceAccount = &ServiceAccountSpec{Name: "a", Description: "a", Roles: []string{RoleOrgOwner}, SecretExpiresAfterHours: ptr(5000)}
			})
		}, "orgs.analytics.serviceAccount.secretExpiresAfterHours", "above the cap of 4380 hours in the staging profile"},
		"prod keeps the wildcard IP policy": {"prod", func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.ResourcePolicies = &ResourcePolicies{BlockWildcardIP: ptr(false)} })
		}, "orgs.analytics.resourcePolicies.blockWildcardIp", "cannot be switched off in the prod profile"},
		"prod keeps the maintenance window policy": {"prod", func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.ResourcePolicies = &ResourcePolicies{RequireMaintenanceWindow: ptr(false)} })
		}, "orgs.analytics.resourcePolicies.requireMaintenanceWindow", "cannot be switched off in the prod profile"},
		"dev still refuses an access list lock-out": {"dev", func(s *Spec) { setOrg(s, "analytics", func(o *OrgSpec) { o.APIAccessListRequired = ptr(true) }) },
			"orgs.analytics.apiAccessListRequired", "true with an empty access list would lock the organization's own credential out"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := envSpec(tc.env)
			if tc.mutate != nil {
				tc.mutate(&spec)
			}
			requireOnlyProblem(t, spec, tc.path, tc.message)
		})
	}
}

// requireOnlyProblem requires spec's one problem to be at path, its message
// containing message.
func requireOnlyProblem(t *testing.T, spec Spec, path, message string) {
	t.Helper()
	var verr *ValidationError
	require.ErrorAs(t, spec.Validate(), &verr)
	problemAt(t, verr, path, message)
	assert.Len(t, verr.Problems, 1, "only this rule fires:\n%v", verr)
}

func TestProfilePermissions(t *testing.T) {
	t.Parallel()
	devOff := envSpec("dev")
	setOrg(&devOff, "analytics", func(o *OrgSpec) {
		o.MultiFactorAuthRequired, o.RestrictEmployeeAccess = ptr(false), ptr(false)
		o.ServiceAccount = &ServiceAccountSpec{Name: "a", Description: "a", Roles: []string{RoleOrgOwner}, SecretExpiresAfterHours: ptr(8760)}
	})
	setOrg(&devOff, "billing", func(o *OrgSpec) { o.AllowAPIKeyCredential = false })
	assert.NoError(t, devOff.Validate(), "dev accepts MFA off, a year-long secret and API keys")

	prodWithOverride := envSpec("prod")
	assert.NoError(t, prodWithOverride.Validate(), "prod accepts an API key with allowApiKeyCredential")

	stagingOff := envSpec("staging")
	setOrg(&stagingOff, "analytics", func(o *OrgSpec) { o.ResourcePolicies = &ResourcePolicies{BlockWildcardIP: ptr(false)} })
	assert.NoError(t, stagingOff.Validate(), "staging's default policy can be switched off")
	mon := &atlasmock.Monitor{}
	run(t, mon, stagingOff, nil)
	assert.NotContains(t, mon.ByType(mongodbatlas.ResourcePolicyType), "orgs-analytics-policies", "its only default rule is off, so it has no policy set")
}

func TestProdProtectsEvenAdoptedOrgs(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	run(t, mon, envSpec("prod"), nil)
	legacy := mon.ByType(mongodbatlas.OrganizationType)["orgs-legacy"]
	assert.True(t, legacy.RegisterRPC.GetProtect())
	assert.Equal(t, resource.NewProperty(true), legacy.Inputs["restrictEmployeeAccess"])
}

func keysOf[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

func TestCallerProtectReachesOrgsInEveryEnvironment(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	run(t, mon, envSpec("dev"), nil, pulumi.Protect(true))
	for name, org := range mon.ByType(mongodbatlas.OrganizationType) {
		assert.True(t, org.RegisterRPC.GetProtect(), "%s inherits the component's protect", name)
	}
}

// deploy stages the environments in PromotionOrder: one missing from it
// would never be deployed.
func TestPromotionOrderHasEveryEnvironment(t *testing.T) {
	assert.ElementsMatch(t, EnvironmentNames(), PromotionOrder)
}
