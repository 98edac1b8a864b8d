package tests

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

const repoRoot = ".."

func TestShippedOrgStackConfigsRun(t *testing.T) {
	files, err := stackconfig.Files(repoRoot)
	require.NoError(t, err)
	var stacksShipped []string
	for _, file := range files {
		stacksShipped = append(stacksShipped, stackconfig.StackName(file))
	}
	require.Equal(t, []string{"dev", "prod", "staging"}, stacksShipped, "one org stack per environment")

	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			config, err := stackconfig.Read(file)
			require.NoError(t, err)
			stack := stackconfig.StackName(file)
			spec := decodedSpec(t, stack, config)
			assert.Equal(t, stack, spec.Environment, "the environment is the stack name")

			mon := &atlasmock.Monitor{EngineSecrets: true, Stack: stack}
			var exports map[string]atlasmock.Resolved
			err = atlasmock.Run(t, mon, config, func(ctx *pulumi.Context) error {
				if err := stacks.Program(ctx); err != nil {
					return err
				}
				exports = awaitExports(t, ctx)
				return nil
			})
			require.NoError(t, err)

			orgs := mon.ByType(mongodbatlas.OrganizationType)
			assert.Len(t, orgs, len(spec.Orgs), "one Organization per org key")
			for key, org := range spec.Orgs {
				reg, ok := orgs[stacks.ComponentName+"-"+key]
				require.True(t, ok, "org %s registered under its key", key)
				assert.Equal(t, org.Name, reg.Inputs["name"].StringValue())
				assert.Equal(t, mongodbatlas.PluginVersion, reg.RegisterRPC.GetVersion())
				assert.Equal(t, stack == "prod", reg.RegisterRPC.GetProtect(), "only prod orgs are protected")
			}
			for key, org := range spec.Orgs {
				if org.ServiceAccount != nil && org.ServiceAccount.RotateEveryHours != nil {
					secret := mon.ByType(mongodbatlas.ServiceAccountSecretType)[stacks.ComponentName+"-"+key+"-secret"]
					assert.True(t, secret.RegisterRPC.GetRetainOnDelete(), "%s rotates", key)
				}
			}
			assert.True(t, exports["credentials"].Secret)
			assert.False(t, exports["orgs"].Secret)
			assert.Len(t, exports["orgs"].Value, len(spec.Orgs))
		})
	}
}

func TestDevConfigHasBothCredentialKinds(t *testing.T) {
	config, err := stackconfig.Read(filepath.Join(repoRoot, "Pulumi.dev.yaml"))
	require.NoError(t, err)
	kinds := map[string]bool{}
	for _, org := range decodedSpec(t, "dev", config).Orgs {
		switch {
		case org.APIKey != nil:
			kinds["apiKey"] = true
		case org.ImportID == "":
			kinds["serviceAccount"] = true
		}
	}
	assert.Equal(t, map[string]bool{"apiKey": true, "serviceAccount": true}, kinds)
	for key, value := range config {
		assert.False(t, strings.HasPrefix(key, "mongodbatlas:") && strings.Contains(strings.ToLower(key), "secret"),
			"%s: credentials never live in a shipped config (%d characters)", key, len(value))
	}
}

func TestStackConfigRefusesEncryptedValues(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Pulumi.x.yaml")
	require.NoError(t, os.WriteFile(path, []byte("config:\n  mongodbatlas:clientSecret:\n    secure: AAABAJ==\n"), 0o600))
	_, err := stackconfig.Read(path)
	assert.ErrorContains(t, err, "encrypted value")
}

// decodedSpec runs the same decoding the program runs, outside a deployment.
func decodedSpec(t *testing.T, stack string, config map[string]string) multiorg.Spec {
	t.Helper()
	var spec multiorg.Spec
	err := atlasmock.Run(t, &atlasmock.Monitor{Stack: stack}, config, func(ctx *pulumi.Context) error {
		var err error
		spec, err = stacks.LoadSpec(ctx)
		return err
	})
	require.NoError(t, err)
	return spec
}

func awaitExports(t *testing.T, ctx *pulumi.Context) map[string]atlasmock.Resolved {
	t.Helper()
	exports := map[string]atlasmock.Resolved{}
	for name, value := range ctx.GetCurrentExportMap() {
		r, err := atlasmock.Await(pulumi.ToOutput(value))
		require.NoError(t, err)
		exports[name] = r
	}
	return exports
}
