package projects

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

const (
	orgStack     = "organization/atlas-multiorg/dev"
	analyticsOrg = "aaaaaaaaaaaaaaaaaaaaaaaa"
	billingOrg   = "bbbbbbbbbbbbbbbbbbbbbbbb"
	legacyOrg    = "cccccccccccccccccccccccc"
)

func orgStackOutputs() resource.PropertyMap {
	org := func(id, kind string) map[string]any {
		return map[string]any{"orgId": id, "name": "n", "credentialType": kind, "secretExpiresAt": "", "payingOrgId": ""}
	}
	return atlasmock.StackOutputs(map[string]atlasmock.Resolved{
		"orgs": {Value: map[string]any{
			"analytics": withTeams(org(analyticsOrg, "serviceAccount")),
			"billing":   org(billingOrg, "apiKey"),
			"legacy":    org(legacyOrg, "none"),
			"idle":      org("dddddddddddddddddddddddd", "serviceAccount"),
		}},
		"credentials": {Secret: true, Value: map[string]any{
			"analytics": map[string]any{"clientId": "mdb_sa_id_a", "clientSecret": "mdb_sa_sk_SECRET_a"},
			"billing":   map[string]any{"publicKey": "pubkeyb", "privateKey": "PRIVATE-KEY-SECRET-b"},
			"idle":      map[string]any{"clientId": "mdb_sa_id_i", "clientSecret": "mdb_sa_sk_SECRET_i"},
		}},
	})
}

// withTeams gives an org stack entry a team, as the org stack exports it.
func withTeams(entry map[string]any) map[string]any {
	entry["teams"] = map[string]any{"platform": "eeeeeeeeeeeeeeeeeeeeeeee"}
	return entry
}

func config(projects string) map[string]string {
	return map[string]string{
		"atlas-multiorg-projects:orgStack": orgStack,
		"atlas-multiorg-projects:projects": projects,
	}
}

const validProjects = `{
	"app":     {"org": "analytics", "name": "app", "roles": ["GROUP_OWNER"], "tags": {"team": "data"}},
	"etl":     {"org": "analytics", "name": "etl", "roles": ["GROUP_CLUSTER_MANAGER", "GROUP_DATA_ACCESS_READ_WRITE"]},
	"billing": {"org": "billing", "name": "billing-api", "roles": ["GROUP_READ_ONLY"]}
}`

func newMonitor() *atlasmock.Monitor {
	return &atlasmock.Monitor{
		Stacks:  map[string]resource.PropertyMap{orgStack: orgStackOutputs()},
		APIKeys: map[string][]string{billingOrg: {"pubkeyb"}},
	}
}

func TestProjectsLandInTheirOrgsWithGrants(t *testing.T) {
	mon := newMonitor()
	var exports atlasmock.Resolved
	err := atlasmock.Run(t, mon, config(validProjects), func(ctx *pulumi.Context) error {
		if err := Program(ctx); err != nil {
			return err
		}
		var err error
		exports, err = atlasmock.Await(pulumi.ToOutput(ctx.GetCurrentExportMap()["projects"]))
		return err
	})
	require.NoError(t, err)

	providers := mon.ByType(mongodbatlas.ProviderType)
	assert.ElementsMatch(t, []string{"org-analytics", "org-billing"}, keys(providers), "a provider only for orgs with projects")
	assert.True(t, providers["org-analytics"].Inputs["clientSecret"].IsSecret())
	assert.True(t, providers["org-billing"].Inputs["privateKey"].IsSecret())

	projects := mon.ByType(mongodbatlas.ProjectType)
	require.Len(t, projects, 3)
	for key, org := range map[string]string{"app": analyticsOrg, "etl": analyticsOrg, "billing": billingOrg} {
		assert.Equal(t, resource.NewProperty(org), projects[key].Inputs["orgId"], "%s in its org", key)
	}
	assert.Contains(t, projects["app"].Provider, "::org-analytics::")
	assert.Contains(t, projects["billing"].Provider, "::org-billing::")
	assert.Equal(t, resource.NewProperty(resource.PropertyMap{"team": resource.NewProperty("data")}), projects["app"].Inputs["tags"])

	strings := func(vs ...string) resource.PropertyValue {
		arr := make([]resource.PropertyValue, len(vs))
		for i, v := range vs {
			arr[i] = resource.NewProperty(v)
		}
		return resource.NewProperty(arr)
	}
	sa := mon.ByType(mongodbatlas.ServiceAccountProjectAssignmentType)
	require.Len(t, sa, 2)
	assert.Equal(t, resource.PropertyMap{
		"clientId":  resource.MakeSecret(resource.NewProperty("mdb_sa_id_a")),
		"projectId": resource.NewProperty("etl-id"),
		"roles":     strings("GROUP_CLUSTER_MANAGER", "GROUP_DATA_ACCESS_READ_WRITE"),
	}, sa["etl-access"].Inputs)
	assert.Contains(t, sa["app-access"].Provider, "::org-analytics::")

	ak := mon.ByType(mongodbatlas.ApiKeyProjectAssignmentType)
	require.Len(t, ak, 1)
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.APIKeyID("pubkeyb"))), ak["billing-access"].Inputs["apiKeyId"],
		"the key's ID, found by its public key (a secret), not the decoy's")
	assert.Equal(t, resource.NewProperty("billing-id"), ak["billing-access"].Inputs["projectId"])
	assert.Equal(t, strings("GROUP_READ_ONLY"), ak["billing-access"].Inputs["roles"])
	assert.Contains(t, ak["billing-access"].Provider, "::org-billing::")
	calls := mon.Calls()
	require.Len(t, calls, 1)
	assert.Contains(t, calls[0].Provider, "::org-billing::", "the key is looked up with the org's own credential")

	assert.Equal(t, map[string]any{
		"app":     map[string]any{"projectId": "app-id", "name": "app", "org": "analytics", "orgId": analyticsOrg},
		"etl":     map[string]any{"projectId": "etl-id", "name": "etl", "org": "analytics", "orgId": analyticsOrg},
		"billing": map[string]any{"projectId": "billing-id", "name": "billing-api", "org": "billing", "orgId": billingOrg},
	}, exports.Value)
}

func TestAdoptedOrgFallsBackToTheDefaultProvider(t *testing.T) {
	mon := newMonitor()
	logs := &atlasmock.Log{}
	err := atlasmock.Run(t, mon, config(`{"old": {"org": "legacy", "name": "old", "roles": ["GROUP_OWNER"]}}`), func(ctx *pulumi.Context) error {
		ctx.Log = logs.Wrap(ctx.Log)
		return Program(ctx)
	})
	require.NoError(t, err)
	project := mon.ByType(mongodbatlas.ProjectType)["old"]
	assert.Empty(t, project.Provider, "the stack's default provider")
	assert.Equal(t, resource.NewProperty(legacyOrg), project.Inputs["orgId"])
	assert.Empty(t, mon.ByType(mongodbatlas.ProviderType))
	assert.Empty(t, mon.ByType(mongodbatlas.ServiceAccountProjectAssignmentType))
	assert.Empty(t, mon.ByType(mongodbatlas.ApiKeyProjectAssignmentType))
	require.Len(t, logs.Warnings(), 1)
	assert.Contains(t, logs.Warnings()[0], `organization "legacy" was adopted and has no credential of its own`)
}

func TestOrgStackErrors(t *testing.T) {
	withoutCredentials := orgStackOutputs()
	delete(withoutCredentials, "credentials")
	tests := map[string]struct {
		outputs resource.PropertyMap
		message string
	}{
		"unknown org key":            {orgStackOutputs(), `projects.x.org: stack "organization/atlas-multiorg/dev" has no organization "nope"; its org keys are [analytics billing idle legacy]`},
		"org stack never deployed":   {resource.PropertyMap{}, `projects.x.org: stack "organization/atlas-multiorg/dev" has no "orgs" output`},
		"credentials output missing": {withoutCredentials, `has no "credentials" output`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mon := &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{orgStack: tc.outputs}}
			org := "nope"
			if name != "unknown org key" {
				org = "analytics"
			}
			err := atlasmock.Run(t, mon, config(`{"x": {"org": "`+org+`", "name": "x", "roles": ["GROUP_OWNER"]}}`), Program)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
			assert.Empty(t, mon.ByType(mongodbatlas.ProjectType))
			assert.Empty(t, mon.ByType(mongodbatlas.ProviderType))
		})
	}
}

func TestConfigProblems(t *testing.T) {
	tests := map[string]struct {
		config map[string]string
		want   []string
	}{
		"org stack missing": {map[string]string{"atlas-multiorg-projects:projects": `{"a": {"org": "o", "name": "a", "roles": ["GROUP_OWNER"]}}`},
			[]string{"orgStack: required"}},
		"org stack not qualified": {map[string]string{"atlas-multiorg-projects:orgStack": "dev", "atlas-multiorg-projects:projects": `{"a": {"org": "o", "name": "a", "roles": ["GROUP_OWNER"]}}`},
			[]string{`orgStack: "dev" is not <organization>/<project>/<stack>`}},
		"projects missing": {map[string]string{"atlas-multiorg-projects:orgStack": orgStack}, []string{"projects: required"}},
		"everything wrong with one project": {config(`{"a": {"name": "a b", "roles": ["ORG_OWNER", "GROUP_OWNER", "GROUP_OWNER"], "tag": {"team": "x"}}}`), []string{
			"projects.a.org: required",
			`projects.a.name: "a b" is not a project name Atlas accepts`,
			`projects.a.roles: unknown project role "ORG_OWNER"`,
			`projects.a.roles: role "GROUP_OWNER" is listed twice`,
			`projects.a.tag: unknown field; did you mean "tags"?`,
		}},
		"no roles": {config(`{"a": {"org": "o", "name": "a"}}`), []string{"projects.a.roles: required"}},
		"team roles wrong": {config(`{"a": {"org": "o", "name": "a", "roles": ["GROUP_OWNER"], "teams": {"x": [], "y": ["ORG_OWNER"], "z": ["GROUP_READ_ONLY", "GROUP_READ_ONLY"]}}}`), []string{
			"projects.a.teams.x: required",
			`projects.a.teams.y: unknown project role "ORG_OWNER"`,
			`projects.a.teams.z: role "GROUP_READ_ONLY" is listed twice`,
		}},
		"same name in one org": {config(`{"a": {"org": "o", "name": "App", "roles": ["GROUP_OWNER"]}, "b": {"org": "o", "name": "app", "roles": ["GROUP_OWNER"]}}`),
			[]string{`projects.b.name: "app" is already the name of projects.a in the same organization`}},
		"unknown top-level key": {func() map[string]string {
			c := config(`{"a": {"org": "o", "name": "a", "roles": ["GROUP_OWNER"]}}`)
			c["atlas-multiorg-projects:orgstack"] = orgStack
			return c
		}(), []string{`atlas-multiorg-projects:orgstack: unknown config key; did you mean "orgStack"? (names are case-sensitive)`}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mon := newMonitor()
			err := atlasmock.Run(t, mon, tc.config, Program)
			var verr *multiorg.ValidationError
			require.ErrorAs(t, err, &verr)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), "\n  - "+want)
			}
			assert.Len(t, verr.Problems, len(tc.want), "%v", err)
			assert.Empty(t, mon.Registrations(), "nothing registered, not even the stack reference")
		})
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestTeamsGetProjectRoles: a team of the org stack gets its roles in the
// project through the organization's provider; an unknown team key fails,
// with the keys the organization has, before anything is registered.
func TestTeamsGetProjectRoles(t *testing.T) {
	mon := newMonitor()
	require.NoError(t, atlasmock.Run(t, mon, config(`{"app": {"org": "analytics", "name": "app", "roles": ["GROUP_OWNER"], "teams": {"platform": ["GROUP_READ_ONLY"]}}}`), Program))
	grants := mon.ByType(mongodbatlas.TeamProjectAssignmentType)
	require.Len(t, grants, 1)
	grant := grants["app-team-platform"]
	assert.Equal(t, resource.NewProperty("eeeeeeeeeeeeeeeeeeeeeeee"), grant.Inputs["teamId"])
	assert.Equal(t, resource.NewProperty([]resource.PropertyValue{resource.NewProperty("GROUP_READ_ONLY")}), grant.Inputs["roleNames"])
	assert.Contains(t, grant.Provider, "org-analytics")
	project := mon.ByType(mongodbatlas.ProjectType)["app"]
	assert.Contains(t, project.RegisterRPC.GetIgnoreChanges(), "teams", "the project's own teams block is left to the assignments")

	mon = newMonitor()
	err := atlasmock.Run(t, mon, config(`{"app": {"org": "analytics", "name": "app", "roles": ["GROUP_OWNER"], "teams": {"nosuch": ["GROUP_READ_ONLY"]}}}`), Program)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `projects.app.teams.nosuch: organization "analytics" of stack organization/atlas-multiorg/dev has no team "nosuch"; its team keys are [platform]`)
	assert.Empty(t, mon.ByType(mongodbatlas.ProjectType))
}
