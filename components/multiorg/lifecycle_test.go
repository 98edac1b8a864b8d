package multiorg

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// rotatingSpec is validSpec whose analytics org rotates its 720-hour secret
// every 240 hours.
func rotatingSpec() Spec {
	s := validSpec()
	setOrg(&s, "analytics", func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{Name: "ci", Description: "ci", Roles: []string{RoleOrgOwner},
			SecretExpiresAfterHours: ptr(720), RotateEveryHours: ptr(240)}
	})
	return s
}

type runResult struct {
	mon         *atlasmock.Monitor
	credentials map[string]map[string]string
	expiries    map[string]string
	warnings    []string
	infos       []string
}

// runAt runs the component at a given time, with what a last deployment left.
func runAt(t *testing.T, spec Spec, now time.Time, previous *Previous, mon *atlasmock.Monitor) runResult {
	t.Helper()
	if mon == nil {
		mon = &atlasmock.Monitor{}
	}
	logs := &atlasmock.Log{}
	res := runResult{mon: mon}
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		ctx.Log = logs.Wrap(ctx.Log)
		m, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec, Previous: previous, Now: func() time.Time { return now }})
		if err != nil {
			return err
		}
		creds := await(t, m.Credentials)
		assert.True(t, creds.Secret)
		res.credentials = creds.Value.(map[string]map[string]string)
		res.expiries = await(t, m.SecretExpiresAt).Value.(map[string]string)
		return nil
	})
	require.NoError(t, err)
	res.warnings = logs.Warnings()
	for _, e := range logs.Entries() {
		if e.Severity == "info" {
			res.infos = append(res.infos, e.Message)
		}
	}
	return res
}

func TestRotationReplacesTheSecretOncePerPeriod(t *testing.T) {
	t.Parallel()
	period := 240 * time.Hour
	start := time.Unix(0, 0).Add(period * 2000) // the start of period 2000
	trigger := func(r runResult) string {
		s := r.mon.ByType(mongodbatlas.ServiceAccountSecretType)["orgs-analytics-secret"]
		return s.RegisterRPC.GetReplacementTrigger().GetStringValue()
	}

	early := runAt(t, rotatingSpec(), start.Add(time.Hour), nil, nil)
	late := runAt(t, rotatingSpec(), start.Add(period-time.Second), nil, nil)
	next := runAt(t, rotatingSpec(), start.Add(period), nil, nil)

	assert.Equal(t, "every-240h-period-2000", trigger(early))
	assert.Equal(t, trigger(early), trigger(late), "inside a period nothing changes")
	assert.Equal(t, "every-240h-period-2001", trigger(next), "a new period replaces the secret")

	secret := early.mon.ByType(mongodbatlas.ServiceAccountSecretType)["orgs-analytics-secret"]
	assert.True(t, secret.RegisterRPC.GetRetainOnDelete(), "a replaced secret is left to expire, never deleted")
	assert.False(t, secret.RegisterRPC.GetDeleteBeforeReplace(), "the new secret exists before the old one leaves the state")
	assert.Contains(t, secret.Provider, "pulumi:providers:mongodbatlas::orgs-analytics-period-2000::", "through the org's own provider of the period")
	assert.Equal(t, resource.PropertyMap{
		"clientId":                resource.MakeSecret(resource.NewProperty(atlasmock.ClientID("orgs-analytics"))),
		"orgId":                   resource.NewProperty(atlasmock.FakeID("orgs-analytics")),
		"secretExpiresAfterHours": resource.NewProperty(720.0),
	}, secret.Inputs)
	assert.Contains(t, secret.RegisterRPC.GetAdditionalSecretOutputs(), "secret")

	assert.Equal(t, atlasmock.RotatedSecret("orgs-analytics-secret", "every-240h-period-2000"), early.credentials["analytics"]["clientSecret"],
		"the export is the rotated secret")
	assert.Equal(t, atlasmock.RotatedSecret("orgs-analytics-secret", "every-240h-period-2001"), next.credentials["analytics"]["clientSecret"],
		"and follows it into the next period")
	assert.Equal(t, atlasmock.RotatedAt.Add(720*time.Hour).Format(time.RFC3339), early.expiries["analytics"], "with the rotated secret's expiry")
	assert.Empty(t, runAt(t, validSpec(), start, nil, nil).mon.ByType(mongodbatlas.ServiceAccountSecretType), "no rotation, no secret resource")
}

func TestProviderSignsInWithTheNewestValidSecret(t *testing.T) {
	t.Parallel()
	now := atlasmock.RotatedAt.Add(24 * time.Hour)
	lastCredentials := pulumi.ToSecret(pulumi.StringMapMap{
		"analytics": pulumi.StringMap{"clientId": pulumi.String("id"), "clientSecret": pulumi.String("mdb_sa_sk_LAST_SECRET")},
	}).(pulumi.StringMapMapOutput)
	previous := func(expires time.Time) *Previous {
		return &Previous{
			Orgs:        map[string]PreviousOrg{"analytics": {CredentialType: CredentialServiceAccount, SecretExpiresAt: expires}},
			Credentials: lastCredentials,
			Managed:     map[string]string{"analytics": "64b1c2d3e4f5a6b7c8d9e0aa"},
		}
	}
	forgotten := previous(now.Add(time.Hour))
	forgotten.Managed = map[string]string{}
	tests := map[string]struct {
		previous *Previous
		secret   string
	}{
		"first deployment: the creation secret":    {nil, atlasmock.ClientSecret("orgs-analytics")},
		"last secret still valid: that one":        {previous(now.Add(time.Hour)), "mdb_sa_sk_LAST_SECRET"},
		"last secret expired: the creation secret": {previous(now.Add(-time.Hour)), atlasmock.ClientSecret("orgs-analytics")},
		// Deleted in Atlas, forgotten by the stack, and created again now:
		// the last export is the deleted organization's.
		"not held by the state any more: the creation secret": {forgotten, atlasmock.ClientSecret("orgs-analytics")},
	}
	providerName := fmt.Sprintf("orgs-analytics-period-%d", rotationPeriod(now, 240))
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := runAt(t, rotatingSpec(), now, tc.previous, nil)
			p := r.mon.ByType(mongodbatlas.ProviderType)[providerName]
			assert.Equal(t, resource.MakeSecret(resource.NewProperty(tc.secret)), p.Inputs["clientSecret"])
		})
	}
}

// TestRotatingProviderIsOnePerPeriodAndKeepsItsSecret: a rotating
// organization's provider must not change on the run after a rotation, so it
// keeps the secret it was created with, and a new period brings a new one.
func TestRotatingProviderIsOnePerPeriodAndKeepsItsSecret(t *testing.T) {
	t.Parallel()
	period := 240 * time.Hour
	start := time.Unix(0, 0).Add(period * 2000)
	tests := map[string]struct {
		spec     Spec
		at       time.Time
		provider string
		pinned   bool
	}{
		"rotating, early in a period":  {rotatingSpec(), start.Add(time.Hour), "orgs-analytics-period-2000", true},
		"rotating, late in the period": {rotatingSpec(), start.Add(period - time.Second), "orgs-analytics-period-2000", true},
		"rotating, the next period":    {rotatingSpec(), start.Add(period), "orgs-analytics-period-2001", true},
		"not rotating":                 {envSpec("prod"), start, "orgs-analytics", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := runAt(t, tc.spec, tc.at, nil, nil)
			providers := r.mon.ByType(mongodbatlas.ProviderType)
			require.Contains(t, providers, tc.provider, "providers: %v", slices.Sorted(maps.Keys(providers)))
			ignored := providers[tc.provider].RegisterRPC.GetIgnoreChanges()
			if tc.pinned {
				assert.Equal(t, []string{"clientSecret"}, ignored)
			} else {
				assert.Empty(t, ignored)
			}
		})
	}
}

func TestExpiryWarnings(t *testing.T) {
	t.Parallel()
	expiry := atlasmock.CreatedAt.Add(DefaultSecretExpiresAfterHours * time.Hour)
	tests := map[string]struct {
		now    time.Time
		window int
		want   string // "" for no warning
	}{
		"far from expiry": {expiry.Add(-15 * 24 * time.Hour), 0, ""},
		"inside the default window": {expiry.Add(-13 * 24 * time.Hour), 0,
			fmt.Sprintf(`organization "analytics": its service account secret expires at %s, in 312h0m0s, within the 336h0m0s warning window`, expiry.Format(time.RFC3339))},
		"inside a configured window": {expiry.Add(-30 * 24 * time.Hour), 31 * 24,
			`organization "analytics": its service account secret expires at ` + expiry.Format(time.RFC3339) + `, in 720h0m0s, within the 744h0m0s warning window`},
		"outside a configured window": {expiry.Add(-13 * 24 * time.Hour), 24, ""},
		"expired":                     {expiry.Add(time.Minute), 0, `organization "analytics": its service account secret expired at ` + expiry.Format(time.RFC3339)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			spec.ExpiryWarningHours = tc.window
			r := runAt(t, spec, tc.now, nil, nil)
			if tc.want == "" {
				assert.Empty(t, r.warnings)
				return
			}
			require.Len(t, r.warnings, 1, "one warning, for the one service account: %v", r.warnings)
			assert.True(t, strings.HasPrefix(r.warnings[0], tc.want), "%q\nstarts with\n%q", r.warnings[0], tc.want)
			assert.NotContains(t, r.warnings[0], "SECRET", "no secret in a log line")
		})
	}
}

func TestAccessListsGoThroughTheOrgProvider(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	setOrg(&spec, "analytics", func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{Name: "ci", Description: "ci", Roles: []string{RoleOrgOwner},
			AccessList: []AccessListEntry{{IPAddress: "203.0.113.7"}, {CIDRBlock: "198.51.100.0/24"}}}
	})
	setOrg(&spec, "billing", func(o *OrgSpec) { o.APIKey.AccessList = []AccessListEntry{{CIDRBlock: "2001:db8::/48"}} })
	billingOrg := atlasmock.FakeID("orgs-billing")
	mon := &atlasmock.Monitor{APIKeys: map[string][]string{billingOrg: {atlasmock.PublicKey("orgs-billing")}}}
	runAt(t, spec, atlasmock.CreatedAt, nil, mon)

	sa := mon.ByType(mongodbatlas.ServiceAccountAccessListEntryType)
	clientID := resource.MakeSecret(resource.NewProperty(atlasmock.ClientID("orgs-analytics")))
	analyticsOrg := resource.NewProperty(atlasmock.FakeID("orgs-analytics"))
	assert.Equal(t, resource.PropertyMap{"orgId": analyticsOrg, "clientId": clientID, "ipAddress": resource.NewProperty("203.0.113.7")},
		sa["orgs-analytics-allow-203.0.113.7"].Inputs)
	assert.Equal(t, resource.PropertyMap{"orgId": analyticsOrg, "clientId": clientID, "cidrBlock": resource.NewProperty("198.51.100.0/24")},
		sa["orgs-analytics-allow-198.51.100.0-24"].Inputs)
	for name, e := range sa {
		assert.Contains(t, e.Provider, "::orgs-analytics::", name)
	}
	ak := mon.ByType(mongodbatlas.AccessListApiKeyType)["orgs-billing-allow-2001_db8__-48"]
	assert.Equal(t, resource.PropertyMap{
		"orgId":     resource.NewProperty(billingOrg),
		"apiKeyId":  resource.MakeSecret(resource.NewProperty(atlasmock.APIKeyID(atlasmock.PublicKey("orgs-billing")))),
		"cidrBlock": resource.NewProperty("2001:db8::/48"),
	}, ak.Inputs)
	assert.Contains(t, ak.Provider, "::orgs-billing::")
	assert.Empty(t, mon.ByType(mongodbatlas.ServiceAccountSecretType))
}

func TestLifecycleValidation(t *testing.T) {
	t.Parallel()
	sa := func(mut func(*ServiceAccountSpec)) func(*OrgSpec) {
		return func(o *OrgSpec) {
			s := &ServiceAccountSpec{Name: "ci", Description: "ci", Roles: []string{RoleOrgOwner}}
			mut(s)
			o.ServiceAccount = s
		}
	}
	tests := map[string]struct {
		mutate  func(*OrgSpec)
		path    string
		message string
	}{
		"rotation longer than a third of the lifetime": {sa(func(s *ServiceAccountSpec) { s.SecretExpiresAfterHours, s.RotateEveryHours = ptr(720), ptr(241) }),
			"orgs.analytics.serviceAccount.rotateEveryHours", "a third of the secret's lifetime (720/3 = 240 hours), got 241"},
		"rotation against the default lifetime": {sa(func(s *ServiceAccountSpec) { s.RotateEveryHours = ptr(2160) }),
			"orgs.analytics.serviceAccount.rotateEveryHours", "(2160/3 = 720 hours), got 2160"},
		"rotation of zero hours": {sa(func(s *ServiceAccountSpec) { s.RotateEveryHours = ptr(0) }),
			"orgs.analytics.serviceAccount.rotateEveryHours", "must be between 1 and"},
		"entry with both": {sa(func(s *ServiceAccountSpec) {
			s.AccessList = []AccessListEntry{{IPAddress: "1.2.3.4", CIDRBlock: "1.2.3.0/24"}}
		}),
			"orgs.analytics.serviceAccount.accessList[0]", "either ipAddress or cidrBlock, not both"},
		"entry with neither": {sa(func(s *ServiceAccountSpec) { s.AccessList = []AccessListEntry{{}} }),
			"orgs.analytics.serviceAccount.accessList[0]", "give ipAddress or cidrBlock"},
		"bad address": {sa(func(s *ServiceAccountSpec) { s.AccessList = []AccessListEntry{{IPAddress: "1.2.3"}} }),
			"orgs.analytics.serviceAccount.accessList[0].ipAddress", `"1.2.3" is not an IP address`},
		"bad block": {sa(func(s *ServiceAccountSpec) { s.AccessList = []AccessListEntry{{CIDRBlock: "1.2.3.4"}} }),
			"orgs.analytics.serviceAccount.accessList[0].cidrBlock", "is not a CIDR block"},
		"everything": {sa(func(s *ServiceAccountSpec) { s.AccessList = []AccessListEntry{{CIDRBlock: "0.0.0.0/0"}} }),
			"orgs.analytics.serviceAccount.accessList[0].cidrBlock", "allows every address"},
		"host bits": {sa(func(s *ServiceAccountSpec) { s.AccessList = []AccessListEntry{{CIDRBlock: "10.1.2.3/8"}} }),
			"orgs.analytics.serviceAccount.accessList[0].cidrBlock", "did you mean 10.0.0.0/8?"},
		"duplicate entry": {sa(func(s *ServiceAccountSpec) {
			s.AccessList = []AccessListEntry{{IPAddress: "1.2.3.4"}, {IPAddress: "1.2.3.4"}}
		}),
			"orgs.analytics.serviceAccount.accessList[1]", "listed twice"},
		"api key entry": {func(o *OrgSpec) {
			o.APIKey = &APIKeySpec{Description: "d", Roles: []string{RoleOrgOwner}, AccessList: []AccessListEntry{{IPAddress: "x"}}}
		}, "orgs.analytics.apiKey.accessList[0].ipAddress", `"x" is not an IP address`},
		"lock-out": {func(o *OrgSpec) { o.APIAccessListRequired = ptr(true) },
			"orgs.analytics.apiAccessListRequired", "true with an empty access list would lock the organization's own credential out"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			setOrg(&spec, "analytics", tc.mutate)
			var verr *ValidationError
			require.ErrorAs(t, spec.Validate(), &verr)
			problemAt(t, verr, tc.path, tc.message)
			assert.Len(t, verr.Problems, 1, "%v", verr)
		})
	}
	spec := validSpec()
	spec.ExpiryWarningHours = -1
	var verr *ValidationError
	require.ErrorAs(t, spec.Validate(), &verr)
	problemAt(t, verr, "expiryWarningHours", "must be between 1 and 8760 hours, got -1")
}

// TestAdoptedOrgGetsAServiceAccountOfItsOwn: a serviceAccount block on an
// adopted entry becomes a ServiceAccount inside the organization, created
// and looked after by the caller's provider, and exported like a created
// organization's credential.
func TestAdoptedOrgGetsAServiceAccountOfItsOwn(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	setOrg(&spec, "legacy", func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{Name: "legacy-ci", Description: "legacy automation", Roles: []string{RoleOrgOwner},
			SecretExpiresAfterHours: ptr(720), RotateEveryHours: ptr(240), AccessList: []AccessListEntry{{IPAddress: "203.0.113.9"}}}
	})
	start := atlasmock.CreatedAt
	r := runAt(t, spec, start, nil, nil)

	accounts := r.mon.ByType(mongodbatlas.ServiceAccountType)
	require.Len(t, accounts, 1, "only the adopted org needs a ServiceAccount resource")
	sa := accounts["orgs-legacy-service-account"]
	assert.Equal(t, resource.PropertyMap{
		"orgId":                   resource.NewProperty(adoptID),
		"name":                    resource.NewProperty("legacy-ci"),
		"description":             resource.NewProperty("legacy automation"),
		"roles":                   resource.NewProperty([]resource.PropertyValue{resource.NewProperty(RoleOrgOwner)}),
		"secretExpiresAfterHours": resource.NewProperty(720.0),
	}, sa.Inputs)
	assert.Empty(t, sa.Provider, "the caller's provider, which adopted the organization, creates it")
	assert.Equal(t, []string{"secretExpiresAfterHours"}, sa.RegisterRPC.GetIgnoreChanges(), "a changed lifetime never replaces the account")
	assert.Contains(t, sa.RegisterRPC.GetAdditionalSecretOutputs(), "secrets")

	secret := r.mon.ByType(mongodbatlas.ServiceAccountSecretType)["orgs-legacy-secret"]
	entry := r.mon.ByType(mongodbatlas.ServiceAccountAccessListEntryType)["orgs-legacy-allow-203.0.113.9"]
	saURN := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + Type + "$" + mongodbatlas.ServiceAccountType + "::orgs-legacy-service-account"
	for name, child := range map[string]pulumi.MockResourceArgs{"rotated secret": secret, "access list entry": entry} {
		assert.Empty(t, child.Provider, "%s goes through the caller's provider", name)
		assert.Equal(t, saURN, child.RegisterRPC.GetDeletedWith(), "%s goes with the service account", name)
	}
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientID("orgs-legacy-service-account"))), entry.Inputs["clientId"])

	assert.Equal(t, map[string]string{
		"clientId":     atlasmock.ClientID("orgs-legacy-service-account"),
		"clientSecret": atlasmock.RotatedSecret("orgs-legacy-secret", fmt.Sprintf("every-240h-period-%d", rotationPeriod(start, 240))),
	}, r.credentials["legacy"], "the newest secret is exported, as for a created organization")
	assert.NotEmpty(t, r.expiries["legacy"])

	mon := &atlasmock.Monitor{}
	var credType atlasmock.Resolved
	run(t, mon, spec, func(_ *pulumi.Context, m *MultiOrg) error {
		credType = await(t, m.CredentialTypes.MapIndex(pulumi.String("legacy")))
		_, err := m.Provider("legacy")
		return err
	})
	assert.Equal(t, string(CredentialServiceAccount), credType.Value)
	p := mon.ByType(mongodbatlas.ProviderType)["orgs-legacy"]
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientID("orgs-legacy-service-account"))), p.Inputs["clientId"],
		"the adopted organization's own provider signs in with its new service account")
	assert.True(t, p.Inputs["clientSecret"].IsSecret())
}

func TestAdoptedServiceAccountExpiryIsWarnedAbout(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	setOrg(&spec, "legacy", func(o *OrgSpec) {
		o.ServiceAccount = &ServiceAccountSpec{Name: "legacy-ci", Description: "legacy automation", Roles: []string{RoleOrgOwner},
			SecretExpiresAfterHours: ptr(48)}
	})
	r := runAt(t, spec, atlasmock.CreatedAt.Add(40*time.Hour), nil, nil)
	assert.Equal(t, atlasmock.CreatedAt.Add(48*time.Hour).UTC().Format(time.RFC3339), r.expiries["legacy"])
	assert.True(t, slices.ContainsFunc(r.warnings, func(w string) bool {
		return strings.Contains(w, `organization "legacy": its service account secret expires at`)
	}), "warnings: %v", r.warnings)
}

func TestClockFromTheEnvironment(t *testing.T) {
	fixed := time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		env     string
		now     func() time.Time
		want    time.Time
		problem string
	}{
		"the caller's clock wins":    {"2030-01-01T00:00:00Z", func() time.Time { return fixed }, fixed, ""},
		"the environment's time":     {"2027-01-10T00:00:00Z", nil, fixed, ""},
		"not a time: named, and how": {"next tuesday", nil, time.Time{}, `ATLAS_MULTIORG_NOW="next tuesday" is not an RFC 3339 time`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Setenv(ClockEnv, tc.env)
			got, err := clock(tc.now)
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.True(t, tc.want.Equal(got), "%s, want %s", got, tc.want)
		})
	}
	t.Setenv(ClockEnv, "")
	got, err := clock(nil)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), got, time.Minute, "unset: the time")
}

// TestACallersProtectDoesNotRefuseRotation: children inherit the protect a
// caller gives the component, but a rotating organization's provider and
// its rotated secret are replaced every period, which protection would
// refuse; everything else keeps the caller's protect.
func TestACallersProtectDoesNotRefuseRotation(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	require.NoError(t, atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: rotatingSpec(), Now: func() time.Time { return atlasmock.CreatedAt }}, pulumi.Protect(true))
		return err
	}))
	replaced := map[string]bool{}
	for _, reg := range mon.ByType(mongodbatlas.ServiceAccountSecretType) {
		replaced[reg.Name] = true
	}
	for name := range mon.ByType("pulumi:providers:mongodbatlas") {
		replaced[name] = true
	}
	require.Contains(t, replaced, "orgs-analytics-secret")
	for _, reg := range mon.Registrations() {
		if reg.RegisterRPC == nil {
			continue
		}
		assert.Equal(t, !replaced[reg.Name], reg.RegisterRPC.GetProtect(), "%s (%s)", reg.Name, reg.TypeToken)
	}
}
