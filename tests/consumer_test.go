package tests

import (
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

// devStackOutputs runs the org program over Pulumi.dev.yaml and returns its
// exports as a stack reference would see them.
func devStackOutputs(t *testing.T) resource.PropertyMap {
	t.Helper()
	config, err := StackConfig(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
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

// TestReadmeStackReferenceExample runs the README's consumer snippet against
// the dev org stack's real exports.
func TestReadmeStackReferenceExample(t *testing.T) {
	mon := &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{"acme/atlas-multiorg/dev": devStackOutputs(t)}}
	err := atlasmock.Run(t, mon, map[string]string{}, func(ctx *pulumi.Context) error {
		// The README's snippet, with its provider assigned to _.
		org, err := pulumi.NewStackReference(ctx, "acme/atlas-multiorg/dev", nil)
		if err != nil {
			return err
		}
		cred := org.GetOutput(pulumi.String("credentials")).ApplyT(func(all any) map[string]string {
			fields := map[string]string{}
			for k, v := range all.(map[string]any)["analytics"].(map[string]any) {
				fields[k] = v.(string)
			}
			return fields
		}).(pulumi.StringMapOutput) // secret, because the export is
		_, err = mongodbatlas.NewProvider(ctx, "analytics", &mongodbatlas.ProviderArgs{
			ClientId:     cred.MapIndex(pulumi.String("clientId")),
			ClientSecret: cred.MapIndex(pulumi.String("clientSecret")),
		})
		return err
	})
	require.NoError(t, err)
	p := mon.ByType(mongodbatlas.ProviderType)["analytics"]
	assert.Equal(t, resource.MakeSecret(resource.NewProperty(atlasmock.ClientSecret("multiorg-analytics"))), p.Inputs["clientSecret"])
	assert.True(t, p.Inputs["clientId"].IsSecret(), "derived from the secret credentials export")
}
