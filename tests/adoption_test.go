package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi/atlasapitest"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

// TestThirtyHandMadeOrgsAdoptedWithoutChanges follows the README's adoption
// workflow for 30 hand-made organizations: discover, paste, import-file. The
// program then registers exactly the import file's resources, each with the
// settings Atlas holds now, so the import and the next preview change nothing.
func TestThirtyHandMadeOrgsAdoptedWithoutChanges(t *testing.T) {
	var handMade []atlasapitest.Org
	for i := range 30 {
		handMade = append(handMade, atlasapitest.Org{
			ID: fmt.Sprintf("%024x", 0xa0000+i), Name: fmt.Sprintf("Team %02d (legacy)", i),
			MultiFactorAuthRequired: i%3 != 0, RestrictEmployeeAccess: i%2 == 0, GenAIFeaturesEnabled: i%5 == 0,
			SecurityContact: map[bool]string{true: fmt.Sprintf("team%02d@example.com", i)}[i%4 == 0], SkipDefaultAlertsSettings: i%7 == 0,
		})
	}
	srv := atlasapitest.NewServer(handMade...)
	defer srv.Close()
	srv.MaxPageSize = 8
	t.Setenv("MONGODB_ATLAS_BASE_URL", srv.URL)
	t.Setenv("MONGODB_ATLAS_CLIENT_ID", srv.ClientID)
	t.Setenv("MONGODB_ATLAS_CLIENT_SECRET", srv.ClientSecret)

	dir := t.TempDir()
	configPath := filepath.Join(dir, "Pulumi.dev.yaml")
	header := "config:\n  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e\n  atlas-multiorg:orgs:\n"

	// 1. discover
	var discovered, stderr bytes.Buffer
	require.Equal(t, cli.ExitOK, cli.Execute([]string{"discover"}, strings.NewReader(""), &discovered, &stderr), stderr.String())
	// 2. paste under atlas-multiorg:orgs
	require.NoError(t, os.WriteFile(configPath, []byte(header+discovered.String()), 0o600))
	// 3. import-file
	var importJSON bytes.Buffer
	require.Equal(t, cli.ExitOK, cli.Execute([]string{"import-file", "--config", configPath}, strings.NewReader(""), &importJSON, &stderr), stderr.String())
	var file cli.ImportFile
	require.NoError(t, json.Unmarshal(importJSON.Bytes(), &file))
	require.Len(t, file.Resources, 31, "the component and all 30 organizations")

	// The program over the same config registers exactly those resources...
	config, err := stackconfig.Read(configPath)
	require.NoError(t, err)
	mon := &atlasmock.Monitor{}
	require.NoError(t, atlasmock.Run(t, mon, config, stacks.Program))
	orgs := mon.ByType(mongodbatlas.OrganizationType)
	require.Len(t, orgs, 30)
	byID := map[string]atlasapitest.Org{}
	for _, o := range handMade {
		byID[o.ID] = o
	}
	for _, entry := range file.Resources[1:] {
		reg, ok := orgs[entry.Name]
		require.True(t, ok, "the program registers %s", entry.Name)
		assert.Equal(t, entry.ID, reg.RegisterRPC.GetImportId())
		// ...each with exactly what Atlas holds, and nothing creation-only.
		atlas := byID[entry.ID]
		assert.Equal(t, resource.PropertyMap{
			"name":                      resource.NewProperty(atlas.Name),
			"apiAccessListRequired":     resource.NewProperty(atlas.APIAccessListRequired),
			"multiFactorAuthRequired":   resource.NewProperty(atlas.MultiFactorAuthRequired),
			"restrictEmployeeAccess":    resource.NewProperty(atlas.RestrictEmployeeAccess),
			"genAiFeaturesEnabled":      resource.NewProperty(atlas.GenAIFeaturesEnabled),
			"securityContact":           resource.NewProperty(atlas.SecurityContact),
			"skipDefaultAlertsSettings": resource.NewProperty(atlas.SkipDefaultAlertsSettings),
		}, reg.Inputs, "%s is adopted as it is", atlas.Name)
	}

	// Running discover again finds nothing left to adopt.
	var again bytes.Buffer
	require.Equal(t, cli.ExitOK, cli.Execute([]string{"discover", "--config", configPath}, strings.NewReader(""), &again, &stderr))
	assert.Equal(t, "# every organization these credentials can see is already in the stack\n", again.String())
	var parsed map[string]any
	require.NoError(t, yaml.Unmarshal(discovered.Bytes(), &parsed))
	assert.Len(t, parsed, 30)
}
