package multiorg

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
)

// TestPluginSettingRules: each value Atlas would refuse, and each rule
// across fields, is a problem at its config path that says the fix, and the
// only one.
func TestPluginSettingRules(t *testing.T) {
	t.Parallel()
	analytics := func(mut func(*OrgSpec)) func(*Spec) {
		return func(s *Spec) { setOrg(s, "analytics", mut) }
	}
	rotating := func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{SecretExpiresAfterHours: ptr(720), RotateEveryHours: ptr(240)}
	}
	tests := map[string]struct {
		env     string
		mutate  func(*Spec)
		path    string
		message string
	}{
		"absolute timeout under an hour": {"dev", analytics(func(o *OrgSpec) { o.AbsoluteSessionTimeoutInSeconds = ptr(60) }),
			"orgs.analytics.absoluteSessionTimeoutInSeconds", "must be between 3600 and 43200 seconds (Atlas' bounds), got 60"},
		"absolute timeout over 12 hours": {"dev", analytics(func(o *OrgSpec) { o.AbsoluteSessionTimeoutInSeconds = ptr(43201) }),
			"orgs.analytics.absoluteSessionTimeoutInSeconds", "must be between 3600 and 43200 seconds (Atlas' bounds), got 43201"},
		"idle timeout under 5 minutes": {"dev", analytics(func(o *OrgSpec) { o.IdleSessionTimeoutInSeconds = ptr(299) }),
			"orgs.analytics.idleSessionTimeoutInSeconds", "must be between 300 and 43200 seconds (Atlas' bounds), got 299"},
		"idle longer than absolute": {"dev", analytics(func(o *OrgSpec) {
			o.AbsoluteSessionTimeoutInSeconds, o.IdleSessionTimeoutInSeconds = ptr(3600), ptr(7200)
		}), "orgs.analytics.idleSessionTimeoutInSeconds", "7200 seconds is longer than the absolute session timeout, 3600 seconds: " +
			"Atlas refuses an idle timeout above the absolute one; lower idleSessionTimeoutInSeconds or raise absoluteSessionTimeoutInSeconds"},
		"idle longer than the profile's absolute": {"prod", analytics(func(o *OrgSpec) { o.IdleSessionTimeoutInSeconds = ptr(36000) }),
			"orgs.analytics.idleSessionTimeoutInSeconds", "36000 seconds is longer than the absolute session timeout, 28800 seconds (the prod profile's default)"},
		"secret-validity cap under 8 hours": {"dev", analytics(func(o *OrgSpec) { o.MaxServiceAccountSecretValidityInHours = ptr(7) }),
			"orgs.analytics.maxServiceAccountSecretValidityInHours", "must be between 8 and 8760 hours (Atlas' bounds), got 7"},
		"secret-validity cap over a year": {"dev", analytics(func(o *OrgSpec) { o.MaxServiceAccountSecretValidityInHours = ptr(8761) }),
			"orgs.analytics.maxServiceAccountSecretValidityInHours", "got 8761"},
		"cap shorter than the default secret": {"dev", analytics(func(o *OrgSpec) { o.MaxServiceAccountSecretValidityInHours = ptr(720) }),
			"orgs.analytics.maxServiceAccountSecretValidityInHours", "720 hours is shorter than the organization's own service-account secret lives " +
				"(serviceAccount.secretExpiresAfterHours: 2160 hours): Atlas refuses a new secret that would outlive the cap, so the stack could not " +
				"issue its next one; raise the cap to at least 2160 hours, or shorten serviceAccount.secretExpiresAfterHours"},
		"cap shorter than a rotated secret": {"dev", analytics(func(o *OrgSpec) {
			rotating(o)
			o.MaxServiceAccountSecretValidityInHours = ptr(480)
		}), "orgs.analytics.maxServiceAccountSecretValidityInHours", "(serviceAccount.secretExpiresAfterHours: 720 hours, rotated every 240 hours)"},
		"cap shorter than an adopted organization's new secret": {"dev", func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) {
				o.ServiceAccount = &ServiceAccountSpec{SecretExpiresAfterHours: ptr(100)}
				o.MaxServiceAccountSecretValidityInHours = ptr(99)
			})
		}, "orgs.legacy.maxServiceAccountSecretValidityInHours", "raise the cap to at least 100 hours"},
		"empty operations contact": {"dev", analytics(func(o *OrgSpec) { o.OperationsContact = ptr("") }),
			"orgs.analytics.operationsContact", `"" is refused by Atlas; give one address such as ops@example.com, or leave operationsContact out for none`},
		"operations contact no address": {"dev", analytics(func(o *OrgSpec) { o.OperationsContact = ptr("Ops <ops@example.com>") }),
			"orgs.analytics.operationsContact", `"Ops <ops@example.com>" is not an email address`},
		"MCP access in lower case": {"dev", analytics(func(o *OrgSpec) { o.DelegatedMcpAccess = ptr("read_only") }),
			"orgs.analytics.delegatedMcpAccess", `"read_only" is not one of DISALLOWED, READ_ONLY, READ_WRITE; use one of them (upper case)`},
		"partner access has no read-only": {"dev", analytics(func(o *OrgSpec) { o.DelegatedPartnerAccess = ptr("READ_ONLY") }),
			"orgs.analytics.delegatedPartnerAccess", `"READ_ONLY" is not one of DISALLOWED, READ_WRITE`},
		"idle refresh token of 0 seconds": {"dev", analytics(func(o *OrgSpec) { o.IdleRefreshTokenLifetime = ptr(0) }),
			"orgs.analytics.idleRefreshTokenLifetime", "must be between 1 and 31536000 seconds (Atlas' bounds), got 0"},
		"refresh token over a year": {"dev", analytics(func(o *OrgSpec) { o.MaximumRefreshTokenLifetime = ptr(31536001) }),
			"orgs.analytics.maximumRefreshTokenLifetime", "got 31536001"},
		"prod caps MCP access at read-only": {"prod", analytics(func(o *OrgSpec) { o.DelegatedMcpAccess = ptr("READ_WRITE") }),
			"orgs.analytics.delegatedMcpAccess", "READ_WRITE is wider than allowed in the prod profile (production organizations hold production data); use DISALLOWED or READ_ONLY"},
		"prod refuses partner access": {"prod", analytics(func(o *OrgSpec) { o.DelegatedPartnerAccess = ptr("READ_WRITE") }),
			"orgs.analytics.delegatedPartnerAccess", "READ_WRITE is wider than allowed in the prod profile (production organizations hold production data); use DISALLOWED"},
		"prod caps an adopted organization's stated access too": {"prod", func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.DelegatedMcpAccess = ptr("READ_WRITE") })
		}, "orgs.legacy.delegatedMcpAccess", "READ_WRITE is wider than allowed in the prod profile"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := envSpec(tc.env)
			tc.mutate(&spec)
			requireOnlyProblem(t, spec, tc.path, tc.message)
		})
	}
}

// TestPluginSettingsTheRulesAccept: what Atlas and the profiles accept
// passes, and a rule never applies where its other field is not the
// stack's.
func TestPluginSettingsTheRulesAccept(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		env    string
		mutate func(*Spec)
	}{
		"the bounds themselves": {"dev", func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) {
				o.PluginSettings = PluginSettings{
					AbsoluteSessionTimeoutInSeconds: ptr(3600), IdleSessionTimeoutInSeconds: ptr(3600), MaxServiceAccountSecretValidityInHours: ptr(8760),
					OperationsContact: ptr("ops@example.com"), StreamsCrossGroupEnabled: ptr(true), DelegatedMcpAccess: ptr("READ_WRITE"),
					DelegatedPartnerAccess: ptr("READ_WRITE"), IdleRefreshTokenLifetime: ptr(1), MaximumRefreshTokenLifetime: ptr(31536000),
				}
			})
		}},
		"a cap on an API-key organization, whose key never expires": {"dev", func(s *Spec) {
			setOrg(s, "billing", func(o *OrgSpec) { o.MaxServiceAccountSecretValidityInHours = ptr(8) })
		}},
		"a cap on an adopted organization without a service account of the stack's": {"dev", func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.MaxServiceAccountSecretValidityInHours = ptr(8) })
		}},
		"an idle timeout alone on an adopted organization": {"prod", func(s *Spec) {
			setOrg(s, "legacy", func(o *OrgSpec) { o.IdleSessionTimeoutInSeconds = ptr(43200) })
		}},
		"read-only MCP access in prod": {"prod", func(s *Spec) {
			setOrg(s, "analytics", func(o *OrgSpec) { o.DelegatedMcpAccess = ptr("READ_ONLY") })
		}},
		"every profile's own defaults": {"staging", func(*Spec) {}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := envSpec(tc.env)
			tc.mutate(&spec)
			assert.NoError(t, spec.Validate())
		})
	}
}

func TestPluginSettingProblemsAllAtOnce(t *testing.T) {
	t.Parallel()
	spec := envSpec("prod")
	setOrg(&spec, "analytics", func(o *OrgSpec) {
		o.IdleSessionTimeoutInSeconds, o.OperationsContact, o.DelegatedMcpAccess = ptr(30000), ptr(""), ptr("READ_WRITE")
		o.MaxServiceAccountSecretValidityInHours = ptr(100)
	})
	setOrg(&spec, "billing", func(o *OrgSpec) { o.DelegatedPartnerAccess = ptr("ALL") })
	var verr *ValidationError
	require.ErrorAs(t, spec.Validate(), &verr)
	var paths []string
	for _, p := range verr.Problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{
		"orgs.analytics.delegatedMcpAccess", "orgs.analytics.idleSessionTimeoutInSeconds",
		"orgs.analytics.maxServiceAccountSecretValidityInHours", "orgs.analytics.operationsContact", "orgs.billing.delegatedPartnerAccess",
	}, paths, "every problem, sorted by path")
}

// TestProfilesStateValidPluginSettings: a profile's defaults pass its own
// rules, its cap is its secret-lifetime cap, and what it caps is an enum
// setting whose default it allows.
func TestProfilesStateValidPluginSettings(t *testing.T) {
	for env, p := range Profiles {
		t.Run(env, func(t *testing.T) {
			defaults := DefaultSettings(env)
			var ps problems
			defaults.settingProblems(&ps, "orgs.a")
			p.pluginSettingProblems(&ps, "orgs.a", OrgSpec{Name: "a", Settings: defaults})
			p.accessProblems(&ps, "orgs.a", "in "+env, OrgSpec{Name: "a", Settings: defaults})
			assert.Empty(t, ps)
			if limit := defaults.MaxServiceAccountSecretValidityInHours; limit != nil {
				assert.Equal(t, p.MaxSecretExpiresAfterHours, *limit, "the organization's cap is the profile's cap of the stack's own secrets")
			}
			for name, widest := range p.MaxAccess {
				st, ok := settingNamed(name)
				require.True(t, ok, "%s is a setting", name)
				assert.Contains(t, st.enum, widest, "%s's cap is one of its values", name)
			}
		})
	}
	assert.Equal(t, PluginSettings{}, DefaultSettings("dev").PluginSettings, "dev leaves every such setting to Atlas")
	prod := DefaultSettings("prod").PluginSettings
	assert.Less(t, *prod.IdleSessionTimeoutInSeconds, *DefaultSettings("staging").IdleSessionTimeoutInSeconds, "prod's timeouts are the shortest")
	assert.Equal(t, "DISALLOWED", *prod.DelegatedMcpAccess, "prod: delegated MCP access off")
}

func TestAProfileCappingNoEnumSettingIsAProblem(t *testing.T) {
	var ps problems
	p := Profile{Name: "test", MaxAccess: map[string]string{"securityContact": "x", "delegatedMcpAccess": "ALL"}}
	p.accessProblems(&ps, "orgs.a", "in the test profile", OrgSpec{Name: "a"})
	require.Len(t, ps, 2)
	assert.Equal(t, "orgs.a.delegatedMcpAccess", ps[0].Path)
	assert.Contains(t, ps[1].Message, `the profile caps "securityContact" at "x", which is no value of an organization setting`)
}

func TestStatesAny(t *testing.T) {
	tests := map[string]struct {
		settings PluginSettings
		want     bool
	}{
		"none":                   {PluginSettings{}, false},
		"a timeout":              {PluginSettings{IdleSessionTimeoutInSeconds: ptr(900)}, true},
		"a false switch":         {PluginSettings{StreamsCrossGroupEnabled: ptr(false)}, true},
		"a delegation setting":   {PluginSettings{MaximumRefreshTokenLifetime: ptr(60)}, true},
		"prod's defaults":        {DefaultSettings("prod").PluginSettings, true},
		"dev's defaults, Atlas'": {DefaultSettings("dev").PluginSettings, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.settings.StatesAny())
		})
	}
}

// TestPluginSettingsByOrg: what each organization's OrganizationSettings
// resource is given. A created organization gets its profile's defaults
// under what it states; an adopted one exactly what it states, so Atlas
// keeps the rest; one that states none gets none.
func TestPluginSettingsByOrg(t *testing.T) {
	dev := envSpec("dev")
	assert.Empty(t, dev.PluginSettingsByOrg(), "a dev stack of the code before these settings states none")

	setOrg(&dev, "legacy", func(o *OrgSpec) { o.OperationsContact = ptr("ops@example.com") })
	assert.Equal(t, map[string]PluginSettings{"legacy": {OperationsContact: ptr("ops@example.com")}}, dev.PluginSettingsByOrg())

	prod := envSpec("prod")
	setOrg(&prod, "analytics", func(o *OrgSpec) { o.IdleSessionTimeoutInSeconds = ptr(600) })
	byOrg := prod.PluginSettingsByOrg()
	assert.Equal(t, []string{"analytics", "billing"}, slices.Sorted(maps.Keys(byOrg)), "the adopted organization states none: no profile default is pushed onto it")
	want := DefaultSettings("prod").PluginSettings
	assert.Equal(t, want, byOrg["billing"])
	want.IdleSessionTimeoutInSeconds = ptr(600)
	assert.Equal(t, want, byOrg["analytics"], "what the entry states wins over the profile")
}

func TestProfileTableShowsEachProfilesSettings(t *testing.T) {
	table := ProfileTable()
	assert.Contains(t, table, "| `idleSessionTimeoutInSeconds` of a created organization | Atlas' default | `3600` | `900` |")
	assert.Contains(t, table, "| `maxServiceAccountSecretValidityInHours` of a created organization | Atlas' default | `4380` | `2160` |")
	assert.Contains(t, table, "| `delegatedMcpAccess` at most | any | any | `READ_ONLY` |")
	assert.NotContains(t, table, "operationsContact", "no profile states it")
	assert.Equal(t, 1, strings.Count(table, "| `delegatedPartnerAccess` of a created organization | Atlas' default | Atlas' default | `\"DISALLOWED\"` |"))
}

// TestOrganizationSettingsAreRegisteredWhereStated: one OrganizationSettings
// per organization that states a PluginSetting, parented to the component,
// with exactly the stated settings and a secret credential: the
// organization's own in a created one, the caller's in an adopted one,
// whose settings it releases; none in a stack that states none.
func TestOrganizationSettingsAreRegisteredWhereStated(t *testing.T) {
	t.Parallel()
	dev := envSpec("dev")
	mon := &atlasmock.Monitor{}
	run(t, mon, dev, nil)
	assert.Empty(t, mon.ByType(orgsettings.Type), "a dev stack that states none registers nothing new")

	prod := envSpec("prod")
	setOrg(&prod, "legacy", func(o *OrgSpec) { o.OperationsContact = ptr("ops@example.com") })
	mon = &atlasmock.Monitor{}
	caller := &atlasapi.Resolution{BaseURL: "https://atlas.example.com", Credentials: atlasapi.Credentials{ClientID: "caller-id", ClientSecret: "caller-secret"}}
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: prod, Caller: caller})
		return err
	})
	require.NoError(t, err)
	registered := mon.ByType(orgsettings.Type)
	require.ElementsMatch(t, []string{"orgs-analytics-settings", "orgs-billing-settings", "orgs-legacy-settings"}, slices.Collect(maps.Keys(registered)))

	analytics := registered["orgs-analytics-settings"]
	assert.Equal(t, resource.NewProperty(atlasmock.FakeID("orgs-analytics")), analytics.Inputs[orgsettings.OrgID])
	assert.Equal(t, resource.NewProperty(false), analytics.Inputs[orgsettings.ReleaseOnDelete])
	assert.Equal(t, resource.NewProperty(900.0), analytics.Inputs["idleSessionTimeoutInSeconds"], "prod's default")
	assert.Equal(t, resource.NewProperty("DISALLOWED"), analytics.Inputs["delegatedMcpAccess"])
	assert.NotContains(t, analytics.Inputs, resource.PropertyKey("operationsContact"), "only what the code states")
	assert.True(t, analytics.Inputs[orgsettings.ClientSecret].IsSecret(), "the organization's own credential, a secret")
	assert.Equal(t, resource.NewProperty("https://atlas.example.com"), analytics.Inputs[orgsettings.BaseURL])
	assert.True(t, registered["orgs-billing-settings"].Inputs[orgsettings.PrivateKey].IsSecret(), "an API key's, a secret")

	legacy := registered["orgs-legacy-settings"]
	assert.Equal(t, resource.NewProperty(true), legacy.Inputs[orgsettings.ReleaseOnDelete], "an adopted organization's settings are released as they are")
	assert.Equal(t, resource.MakeSecret(resource.NewProperty("caller-secret")), legacy.Inputs[orgsettings.ClientSecret], "the caller's credential, a secret")
	var keys []string
	for k := range legacy.Inputs {
		keys = append(keys, string(k))
	}
	assert.ElementsMatch(t, []string{"baseUrl", "clientId", "clientSecret", "operationsContact", "orgId", "releaseOnDelete"}, keys,
		"no profile default reaches an adopted organization")
	for _, r := range registered {
		assert.Contains(t, r.RegisterRPC.GetParent(), "::orgs", "parented to the component")
	}
}
