package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

// TestThirtyHandMadeOrgsAdoptedWithoutChanges follows the adoption guide's
// walk-through for 30 hand-made organizations: discover, paste, import-file. The
// program then registers exactly the import file's resources, each with the
// settings Atlas holds now, so the import and the next preview change nothing.
func TestThirtyHandMadeOrgsAdoptedWithoutChanges(t *testing.T) {
	var handMade []localapitest.Org
	for i := range 30 {
		handMade = append(handMade, localapitest.Org{
			ID: fmt.Sprintf("%024x", 0xa0000+i), Name: fmt.Sprintf("Team %02d (legacy)", i),
			MultiFactorAuthRequired: i%3 != 0, RestrictEmployeeAccess: i%2 == 0, GenAIFeaturesEnabled: i%5 == 0,
			SecurityContact: map[bool]string{true: fmt.Sprintf("team%02d@example.com", i)}[i%4 == 0], SkipDefaultAlertsSettings: i%7 == 0,
		})
	}
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: handMade, Faults: localapi.Faults{MaxItemsPerPage: 8}})
	t.Setenv("MONGODB_ATLAS_BASE_URL", srv.URL)
	t.Setenv("MONGODB_ATLAS_CLIENT_ID", srv.Caller.ClientID)
	t.Setenv("MONGODB_ATLAS_CLIENT_SECRET", srv.Caller.ClientSecret)

	dir := t.TempDir()
	configPath := filepath.Join(dir, "Pulumi.dev.yaml")
	header := "config:\n  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e\n  atlas-multiorg:orgs:\n"

	importPath := filepath.Join(dir, "import.json")
	commands := walkthroughCommands(t, map[string]string{"Pulumi.prod.yaml": configPath, "import.json": importPath})
	require.Len(t, commands, 2, "the guide's walk-through: discover, then import-file")
	require.Equal(t, "discover", commands[0][0])
	require.Equal(t, "import-file", commands[1][0])

	// 1. discover, as the guide runs it, on the stack's config as it is:
	// no organization yet.
	require.NoError(t, os.WriteFile(configPath, []byte(strings.TrimSuffix(header, "  atlas-multiorg:orgs:\n")), 0o600))
	var discovered, stderr bytes.Buffer
	require.Equal(t, cli.ExitOK, cli.Execute(commands[0], strings.NewReader(""), &discovered, &stderr), stderr.String())
	// 2. paste under atlas-multiorg:orgs
	require.NoError(t, os.WriteFile(configPath, []byte(header+discovered.String()), 0o600))
	// 3. import-file, as the guide runs it.
	require.Equal(t, cli.ExitOK, cli.Execute(commands[1], strings.NewReader(""), io.Discard, &stderr), stderr.String())
	importJSON, err := os.ReadFile(importPath) //nolint:gosec // G304: the test's own file
	require.NoError(t, err)
	var file cli.ImportFile
	require.NoError(t, json.Unmarshal(importJSON, &file))
	require.Len(t, file.Resources, 31, "the component and all 30 organizations")

	// The program over the same config registers exactly those resources...
	config, err := stackconfig.Read(configPath)
	require.NoError(t, err)
	mon := &atlasmock.Monitor{}
	require.NoError(t, atlasmock.Run(t, mon, config, stacks.Program))
	orgs := mon.ByType(mongodbatlas.OrganizationType)
	require.Len(t, orgs, 30)
	byID := map[string]localapitest.Org{}
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

// walkthroughCommands are the atlas-multiorg commands of the adoption
// guide's walk-through, as arguments, with its file names replaced by files
// and its redirections left out.
func walkthroughCommands(t *testing.T, files map[string]string) [][]string {
	t.Helper()
	var walk string
	for _, block := range fencedBlocks(readDoc(t, "docs/adoption.md"), "sh") {
		if strings.Contains(block, "bin/atlas-multiorg import-file") {
			walk = block
			break
		}
	}
	require.NotEmpty(t, walk, "docs/adoption.md shows the walk-through")
	var commands [][]string
	for _, line := range strings.Split(walk, "\n") {
		command, _, _ := strings.Cut(line, "#")
		fields := strings.Fields(command)
		if len(fields) == 0 || fields[0] != "bin/atlas-multiorg" {
			continue
		}
		var args []string
		for i := 1; i < len(fields); i++ {
			switch replacement, ok := files[fields[i]]; {
			case fields[i] == ">":
				i++ // the shell's redirection: the test reads stdout itself
			case ok:
				args = append(args, replacement)
			default:
				args = append(args, fields[i])
			}
		}
		commands = append(commands, args)
	}
	return commands
}
