package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgprovider"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
	"github.com/atlas-multiorg/atlas-multiorg/stacks/projects"
)

// devStackOutputs runs the org program over Pulumi.dev.yaml and returns its
// exports as a stack reference would see them.
func devStackOutputs(t *testing.T) resource.PropertyMap {
	t.Helper()
	config, err := stackconfig.Read(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	var exports map[string]atlasmock.Resolved
	err = atlasmock.Run(t, &atlasmock.Monitor{EngineSecrets: true}, config, func(ctx *pulumi.Context) error {
		if err := stacks.Program(ctx); err != nil {
			return err
		}
		exports = awaitExports(t, ctx)
		return nil
	})
	require.NoError(t, err)
	return atlasmock.StackOutputs(exports)
}

// TestStackReferenceExample runs the consumer guide's three-line orgprovider
// example against the dev org stack's exports. The guide's lines are this
// test's own: a change to either fails it.
func TestStackReferenceExample(t *testing.T) {
	source, err := os.ReadFile("consumer_test.go")
	require.NoError(t, err)
	examples := fencedBlocks(readDoc(t, "docs/consumer-stack.md"), "go")
	require.NotEmpty(t, examples, "docs/consumer-stack.md shows the example")
	for _, line := range strings.Split(examples[0], "\n") {
		assert.Contains(t, string(source), "\t\t"+line+"\n", "the guide's line is the one this test runs")
	}

	mon := &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{"acme/atlas-multiorg/dev": devStackOutputs(t)}}
	err = atlasmock.Run(t, mon, map[string]string{}, func(ctx *pulumi.Context) error {
		// The guide's example, with errors checked.
		ref, err := pulumi.NewStackReference(ctx, "acme/atlas-multiorg/dev", nil)
		if err != nil {
			return err
		}
		org, err := orgprovider.New(ctx, "analytics", &orgprovider.Args{Stack: ref, OrgKey: "analytics"})
		if err != nil {
			return err
		}
		project, err := mongodbatlas.NewProject(ctx, "app", &mongodbatlas.ProjectArgs{OrgId: org.OrgID, Name: pulumi.String("app")}, pulumi.Provider(org.Provider))
		_ = project // the guide's program goes on with it
		return err
	})
	require.NoError(t, err)
	p := mon.ByType(mongodbatlas.ProviderType)["analytics"]
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientSecret("multiorg-analytics"))), p.Inputs["clientSecret"])
	assert.True(t, p.Inputs["clientId"].IsSecret(), "derived from the secret credentials export")
	project := mon.ByType(mongodbatlas.ProjectType)["app"]
	assert.Equal(t, resource.NewProperty(atlasmock.FakeID("multiorg-analytics")), project.Inputs["orgId"])
	assert.Contains(t, project.Provider, "::analytics::")
}

// TestShippedConsumerConfigRuns runs the consumer stack's shipped config
// against the dev org stack's exports, as `pulumi up` on both would.
func TestShippedConsumerConfigRuns(t *testing.T) {
	config, err := stackconfig.Read(filepath.Join(repoRoot, "stacks", "projects", "Pulumi.dev.yaml"))
	require.NoError(t, err)
	payments := atlasmock.FakeID("multiorg-payments")
	mon := &atlasmock.Monitor{
		Stacks:  map[string]resource.PropertyMap{config["atlas-multiorg-projects:orgStack"]: devStackOutputs(t)},
		APIKeys: map[string][]string{payments: {atlasmock.PublicKey("multiorg-payments")}},
	}
	require.NoError(t, atlasmock.Run(t, mon, config, projects.Program))

	assert.ElementsMatch(t, []string{"analytics-app", "analytics-etl", "payments-api"}, names(mon.ByType(mongodbatlas.ProjectType)))
	assert.ElementsMatch(t, []string{"org-analytics", "org-payments"}, names(mon.ByType(mongodbatlas.ProviderType)),
		"the sandbox org has no projects, so no provider")
	sa := mon.ByType(mongodbatlas.ServiceAccountProjectAssignmentType)
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientID("multiorg-analytics"))), sa["analytics-app-access"].Inputs["clientId"])
	ak := mon.ByType(mongodbatlas.ApiKeyProjectAssignmentType)
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.APIKeyID(atlasmock.PublicKey("multiorg-payments")))), ak["payments-api-access"].Inputs["apiKeyId"])
	assert.Equal(t, resource.NewProperty(payments), mon.ByType(mongodbatlas.ProjectType)["payments-api"].Inputs["orgId"])
}

func names[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
