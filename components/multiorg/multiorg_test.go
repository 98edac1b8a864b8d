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

// run registers a MultiOrg named "orgs" for spec, then calls inspect inside the
// program so it can await outputs.
func run(t *testing.T, mon *atlasmock.Monitor, spec Spec, inspect func(*pulumi.Context, *MultiOrg) error, opts ...pulumi.ResourceOption) {
	t.Helper()
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		m, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec}, opts...)
		if err != nil {
			return err
		}
		if inspect != nil {
			return inspect(ctx, m)
		}
		return nil
	})
	require.NoError(t, err)
}

func await(t *testing.T, o pulumi.Output) atlasmock.Resolved {
	t.Helper()
	r, err := atlasmock.Await(o)
	require.NoError(t, err)
	return r
}

func TestCredentialKindsSendExactProviderInputs(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	spec.Orgs["custom"] = OrgSpec{
		Name:       "acme-custom",
		OrgOwnerID: "7b1c2d3e4f5a6b7c8d9e0f1a",
		ServiceAccount: &ServiceAccountSpec{
			Name: "deployer", Description: "deploys things", Roles: []string{RoleOrgOwner, RoleOrgReadOnly},
			SecretExpiresAfterHours: ptr(48),
		},
		Settings: Settings{GenAIFeaturesEnabled: ptr(true), SecurityContact: ptr("sec@example.com")},
	}
	// A block that says only what differs: the rest is the default's.
	spec.Orgs["partial"] = OrgSpec{Name: "acme-partial", ServiceAccount: &ServiceAccountSpec{SecretExpiresAfterHours: ptr(48)}}
	mon := &atlasmock.Monitor{}
	run(t, mon, spec, nil)
	orgs := mon.ByType(mongodbatlas.OrganizationType)

	secureDefaults := resource.PropertyMap{
		"apiAccessListRequired":     resource.NewProperty(false),
		"multiFactorAuthRequired":   resource.NewProperty(true),
		"restrictEmployeeAccess":    resource.NewProperty(true),
		"genAiFeaturesEnabled":      resource.NewProperty(false),
		"securityContact":           resource.NewProperty(""),
		"skipDefaultAlertsSettings": resource.NewProperty(false), // Atlas' default alerts stay on: nothing here declares alerts
	}
	with := func(extra resource.PropertyMap) resource.PropertyMap {
		m := secureDefaults.Copy()
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	strings := func(vs ...string) resource.PropertyValue {
		arr := make([]resource.PropertyValue, len(vs))
		for i, v := range vs {
			arr[i] = resource.NewProperty(v)
		}
		return resource.NewProperty(arr)
	}
	tests := map[string]resource.PropertyMap{
		"orgs-analytics": with(resource.PropertyMap{
			"name":       resource.NewProperty("acme-analytics"),
			"orgOwnerId": resource.NewProperty(ownerID),
			"serviceAccount": resource.NewProperty(resource.PropertyMap{
				"name":                    resource.NewProperty("atlas-multiorg-analytics"),
				"description":             resource.NewProperty("atlas-multiorg credential of org analytics"),
				"roles":                   strings(RoleOrgOwner),
				"secretExpiresAfterHours": resource.NewProperty(float64(DefaultSecretExpiresAfterHours)),
			}),
		}),
		"orgs-billing": with(resource.PropertyMap{
			"name":        resource.NewProperty("acme-billing"),
			"orgOwnerId":  resource.NewProperty(ownerID),
			"description": resource.NewProperty("billing automation"),
			"roleNames":   strings(RoleOrgOwner, RoleOrgBillingAdmin),
		}),
		"orgs-partial": with(resource.PropertyMap{
			"name":       resource.NewProperty("acme-partial"),
			"orgOwnerId": resource.NewProperty(ownerID),
			"serviceAccount": resource.NewProperty(resource.PropertyMap{
				"name":                    resource.NewProperty("atlas-multiorg-partial"),
				"description":             resource.NewProperty("atlas-multiorg credential of org partial"),
				"roles":                   strings(RoleOrgOwner),
				"secretExpiresAfterHours": resource.NewProperty(48.0),
			}),
		}),
		"orgs-custom": with(resource.PropertyMap{
			"name":                 resource.NewProperty("acme-custom"),
			"orgOwnerId":           resource.NewProperty("7b1c2d3e4f5a6b7c8d9e0f1a"),
			"genAiFeaturesEnabled": resource.NewProperty(true),
			"securityContact":      resource.NewProperty("sec@example.com"),
			"serviceAccount": resource.NewProperty(resource.PropertyMap{
				"name":                    resource.NewProperty("deployer"),
				"description":             resource.NewProperty("deploys things"),
				"roles":                   strings(RoleOrgOwner, RoleOrgReadOnly),
				"secretExpiresAfterHours": resource.NewProperty(48.0),
			}),
		}),
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := orgs[name]
			require.True(t, ok, "organization %s registered", name)
			assert.Equal(t, want, got.Inputs)
			assert.ElementsMatch(t, mongodbatlas.OrganizationCreateOnlyInputs, got.RegisterRPC.GetIgnoreChanges(),
				"owner and credential are never sent after creation")
			assert.Empty(t, got.ID, "created, not imported")
		})
	}
}

func TestAdoptedOrgIsImportedWithoutCreationOnlyInputs(t *testing.T) {
	t.Parallel()
	spec := validSpec()
	mon := &atlasmock.Monitor{}
	var orgID, credType, expiry, paying atlasmock.Resolved
	var providerErr error
	run(t, mon, spec, func(_ *pulumi.Context, m *MultiOrg) error {
		orgID = await(t, m.OrgIDs.MapIndex(pulumi.String("legacy")))
		credType = await(t, m.CredentialTypes.MapIndex(pulumi.String("legacy")))
		expiry = await(t, m.SecretExpiresAt.MapIndex(pulumi.String("legacy")))
		paying = await(t, m.PayingOrgIDs.MapIndex(pulumi.String("legacy")))
		_, providerErr = m.Provider("legacy")
		return nil
	})

	legacy := mon.ByType(mongodbatlas.OrganizationType)["orgs-legacy"]
	assert.Equal(t, adoptID, legacy.RegisterRPC.GetImportId())
	assert.Equal(t, adoptID, legacy.ID)
	for _, input := range mongodbatlas.OrganizationCreateOnlyInputs {
		assert.NotContains(t, legacy.Inputs, resource.PropertyKey(input))
	}
	assert.Equal(t, resource.PropertyMap{
		"name":                      resource.NewProperty("acme-legacy"),
		"apiAccessListRequired":     resource.NewProperty(false),
		"multiFactorAuthRequired":   resource.NewProperty(true),
		"restrictEmployeeAccess":    resource.NewProperty(false),
		"genAiFeaturesEnabled":      resource.NewProperty(true),
		"securityContact":           resource.NewProperty("ops@example.com"),
		"skipDefaultAlertsSettings": resource.NewProperty(false),
	}, legacy.Inputs, "an adopted org gets exactly the settings its entry states, no secure default")
	assert.Empty(t, legacy.RegisterRPC.GetIgnoreChanges())

	assert.Equal(t, adoptID, orgID.Value, "orgId is populated for an adopted org")
	assert.Equal(t, string(CredentialNone), credType.Value)
	assert.Equal(t, "", expiry.Value)
	assert.Equal(t, "", paying.Value, "adoption does not link an org to the paying org")
	require.Error(t, providerErr)
	assert.Contains(t, providerErr.Error(), "adopted")
	assert.Empty(t, mon.ByType(mongodbatlas.ProviderType), "no provider for an adopted org")
}

func TestChildrenAreParentedAndPinned(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	run(t, mon, validSpec(), func(_ *pulumi.Context, m *MultiOrg) error {
		_, err := m.Provider("analytics")
		return err
	})
	regs := mon.Registrations()
	require.NotEmpty(t, regs)
	component := regs[0]
	assert.Equal(t, Type, component.TypeToken)
	assert.False(t, component.Custom)
	componentURN := "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + Type + "::orgs"
	for _, r := range regs[1:] {
		assert.Equal(t, componentURN, r.RegisterRPC.GetParent(), "%s is parented to the component", r.Name)
		assert.Equal(t, mongodbatlas.PluginVersion, r.RegisterRPC.GetVersion(), "%s is pinned", r.Name)
	}
	assert.Len(t, regs, 1+3+1, "component, three orgs, one provider")
}

// TestAdoptedOrgsAreReleasedNotDeleted: destroying the stack, or removing an
// adopted entry, must not delete an organization the stack did not create,
// unless the entry opts in by name.
func TestAdoptedOrgsAreReleasedNotDeleted(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		allowDeletion bool
		retained      map[string]bool
	}{
		"adopted orgs are retained":           {false, map[string]bool{"orgs-analytics": false, "orgs-billing": false, "orgs-legacy": true}},
		"allowDeletion lets the stack delete": {true, map[string]bool{"orgs-analytics": false, "orgs-billing": false, "orgs-legacy": false}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec := validSpec()
			setOrg(&spec, "legacy", func(o *OrgSpec) { o.AllowDeletion = tc.allowDeletion })
			mon := &atlasmock.Monitor{}
			run(t, mon, spec, nil)
			got := map[string]bool{}
			for name, reg := range mon.ByType(mongodbatlas.OrganizationType) {
				got[name] = reg.RegisterRPC.GetRetainOnDelete()
			}
			assert.Equal(t, tc.retained, got)
		})
	}
}

func TestResourceNamesFollowKeysNotAtlasNames(t *testing.T) {
	t.Parallel()
	names := func(spec Spec) []string {
		mon := &atlasmock.Monitor{}
		run(t, mon, spec, nil)
		var got []string
		for name := range mon.ByType(mongodbatlas.OrganizationType) {
			got = append(got, name)
		}
		return got
	}
	before := validSpec()
	renamed := validSpec()
	setOrg(&renamed, "analytics", func(o *OrgSpec) { o.Name = "acme-insights" })
	setOrg(&renamed, "billing", func(o *OrgSpec) { o.Name = "acme-finance" })

	assert.ElementsMatch(t, []string{"orgs-analytics", "orgs-billing", "orgs-legacy"}, names(before))
	assert.ElementsMatch(t, names(before), names(renamed), "renaming in Atlas keeps every resource name, so it is an update")
}

func TestCredentialsAreSecret(t *testing.T) {
	t.Parallel()
	for _, engineSecrets := range []bool{false, true} {
		mon := &atlasmock.Monitor{EngineSecrets: engineSecrets}
		results := map[string]atlasmock.Resolved{}
		run(t, mon, validSpec(), func(_ *pulumi.Context, m *MultiOrg) error {
			results["credentials"] = await(t, m.Credentials)
			for _, key := range []string{"analytics", "billing"} {
				for field := range m.orgs[key].credential {
					results[key+"."+field] = await(t, m.orgs[key].credential[field].ToStringOutput())
				}
			}
			results["expiry"] = await(t, m.SecretExpiresAt)
			results["ids"] = await(t, m.OrgIDs)
			return nil
		})
		creds := results["credentials"]
		assert.True(t, creds.Secret, "credentials map is secret (engine secrets %v)", engineSecrets)
		assert.Equal(t, map[string]any{
			"analytics": map[string]string{
				"clientId":     atlasmock.ClientID("orgs-analytics"),
				"clientSecret": atlasmock.ClientSecret("orgs-analytics"),
			},
			"billing": map[string]string{
				"publicKey":  atlasmock.PublicKey("orgs-billing"),
				"privateKey": atlasmock.PrivateKey("orgs-billing"),
			},
		}, toAny(creds.Value))
		for _, field := range []string{"analytics.clientId", "analytics.clientSecret", "billing.publicKey", "billing.privateKey"} {
			assert.True(t, results[field].Secret, "%s is secret (engine secrets %v)", field, engineSecrets)
		}
		assert.False(t, results["expiry"].Secret, "expiry stays readable even where the engine marks serviceAccount secret")
		assert.Equal(t, map[string]string{
			"analytics": atlasmock.CreatedAt.Add(DefaultSecretExpiresAfterHours * 3600e9).Format("2006-01-02T15:04:05Z07:00"),
			"billing":   "",
			"legacy":    "",
		}, results["expiry"].Value)
		assert.False(t, results["ids"].Secret)
	}
}

func TestOrganizationOutputsUpstreamMarksAreSecretOutputs(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	run(t, mon, validSpec(), nil)
	for name, r := range mon.ByType(mongodbatlas.OrganizationType) {
		assert.Subset(t, r.RegisterRPC.GetAdditionalSecretOutputs(), []string{"privateKey", "publicKey", "serviceAccount"}, name)
	}
}

func TestProviderIsMadeOnDemandOncePerOrgWithSecretCredentials(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	run(t, mon, validSpec(), nil)
	assert.Empty(t, mon.ByType(mongodbatlas.ProviderType), "no provider unless something asks for one")
	assert.Len(t, mon.Registrations(), 4, "the component and its three orgs, nothing else")

	mon = &atlasmock.Monitor{}
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		m, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: validSpec(), BaseURL: pulumi.String("http://127.0.0.1:8080")})
		if err != nil {
			return err
		}
		first, err := m.Provider("analytics")
		require.NoError(t, err)
		again, err := m.Provider("analytics")
		require.NoError(t, err)
		assert.Same(t, first, again)
		_, err = m.Provider("billing")
		require.NoError(t, err)
		_, err = m.Provider("nope")
		assert.ErrorContains(t, err, `no organization with key "nope"`)
		return nil
	})
	require.NoError(t, err)

	providers := mon.ByType(mongodbatlas.ProviderType)
	require.Len(t, providers, 2)
	sa, ak := providers["orgs-analytics"], providers["orgs-billing"]
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientSecret("orgs-analytics"))), sa.Inputs["clientSecret"])
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientID("orgs-analytics"))), sa.Inputs["clientId"])
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.PrivateKey("orgs-billing"))), ak.Inputs["privateKey"])
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.PublicKey("orgs-billing"))), ak.Inputs["publicKey"])
	assert.Equal(t, resource.NewProperty("http://127.0.0.1:8080"), sa.Inputs["baseUrl"])
	assert.NotContains(t, sa.Inputs, resource.PropertyKey("privateKey"))
	assert.NotContains(t, ak.Inputs, resource.PropertyKey("clientSecret"))
	assert.Subset(t, sa.RegisterRPC.GetAdditionalSecretOutputs(), []string{"clientSecret", "accessToken", "privateKey"})
}

func TestCallerProviderReachesEveryOrganization(t *testing.T) {
	t.Parallel()
	mon := &atlasmock.Monitor{}
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		paying, err := mongodbatlas.NewProvider(ctx, "paying", &mongodbatlas.ProviderArgs{
			ClientId: pulumi.String("mdb_sa_id_paying"), ClientSecret: pulumi.String("paying-secret"),
		})
		if err != nil {
			return err
		}
		_, err = NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: validSpec()}, pulumi.Provider(paying))
		return err
	})
	require.NoError(t, err)
	payingProvider := mon.ByType(mongodbatlas.ProviderType)["paying"]
	assert.True(t, payingProvider.Inputs["clientSecret"].IsSecret(), "a provider's clientSecret input is always secret")
	for name, r := range mon.ByType(mongodbatlas.OrganizationType) {
		assert.Contains(t, r.Provider, "pulumi:providers:mongodbatlas::paying::", "%s uses the paying org's provider", name)
	}
}

func TestPayingOrgIsRecordedForCreatedOrgs(t *testing.T) {
	t.Parallel()
	var paying, top atlasmock.Resolved
	run(t, &atlasmock.Monitor{}, validSpec(), func(_ *pulumi.Context, m *MultiOrg) error {
		paying = await(t, m.PayingOrgIDs)
		top = await(t, m.PayingOrgID)
		return nil
	})
	assert.Equal(t, map[string]string{"analytics": payingOrg, "billing": payingOrg, "legacy": ""}, paying.Value)
	assert.Equal(t, payingOrg, top.Value)
}

func TestMissingCredentialValuesAreWarnedAboutNotInvented(t *testing.T) {
	t.Parallel()
	for _, omit := range []bool{true, false} {
		var creds atlasmock.Resolved
		logs := &atlasmock.Log{}
		err := atlasmock.Run(t, &atlasmock.Monitor{OmitCredentials: omit}, nil, func(ctx *pulumi.Context) error {
			ctx.Log = logs.Wrap(ctx.Log)
			m, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: validSpec()})
			if err != nil {
				return err
			}
			creds = await(t, m.Credentials)
			return nil
		})
		require.NoError(t, err)
		assert.True(t, creds.Secret)
		if !omit {
			assert.Empty(t, logs.Warnings(), "no warning when Atlas returns the credential")
			continue
		}
		assert.Equal(t, map[string]any{
			"analytics": map[string]string{"clientId": "", "clientSecret": ""},
			"billing":   map[string]string{"publicKey": "", "privateKey": ""},
		}, toAny(creds.Value))
		warnings := logs.Warnings()
		require.Len(t, warnings, 4, "one warning per missing field")
		for _, want := range []string{
			`organization "analytics" was created but Atlas returned no clientSecret for its serviceAccount`,
			`organization "analytics" was created but Atlas returned no clientId`,
			`organization "billing" was created but Atlas returned no privateKey for its apiKey`,
			`organization "billing" was created but Atlas returned no publicKey`,
		} {
			assert.True(t, containsPrefix(warnings, want), "warning %q in %v", want, warnings)
		}
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func toAny(v any) any {
	if m, ok := v.(map[string]map[string]string); ok {
		out := map[string]any{}
		for k, inner := range m {
			out[k] = inner
		}
		return out
	}
	return v
}
