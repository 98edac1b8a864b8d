package tests

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

// TestImportFileMatchesWhatTheProgramRegisters writes the import file for the
// shipped staging config (which adopts an org) and checks every entry against
// the program's own registration of the same config: type, name, parent and
// import ID, so that `pulumi import --file` then `pulumi up` changes nothing.
func TestImportFileMatchesWhatTheProgramRegisters(t *testing.T) {
	path := filepath.Join(repoRoot, "Pulumi.staging.yaml")
	var stdout, stderr bytes.Buffer
	code := cli.Execute([]string{"import-file", "--config", path}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, cli.ExitOK, code, stderr.String())
	var file cli.ImportFile
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &file))
	assert.Contains(t, stderr.String(), "next: pulumi import --file - --stack staging --generate-code=false --protect=true --yes")

	config, err := stackconfig.Read(path)
	require.NoError(t, err)
	mon := &atlasmock.Monitor{Stack: "staging"}
	require.NoError(t, atlasmock.Run(t, mon, config, stacks.Program))

	// The import file's names resolve to URNs the way the engine resolves them.
	urns := map[string]string{}
	for _, r := range file.Resources {
		parent := ""
		if r.Parent != "" {
			parent = urns[r.Parent]
			require.NotEmpty(t, parent, "%s's parent %s comes earlier in the file", r.Name, r.Parent)
		}
		urns[r.Name] = urnOf(parent, r.Type, r.Name)
	}

	adopted := 0
	for _, reg := range mon.Registrations() {
		rpc := reg.RegisterRPC
		if rpc == nil || rpc.GetImportId() == "" {
			continue
		}
		adopted++
		entry := findEntry(t, file, reg.Name)
		assert.Equal(t, reg.TypeToken, entry.Type)
		assert.Equal(t, rpc.GetImportId(), entry.ID)
		assert.Equal(t, rpc.GetParent(), urns[entry.Parent], "same parent")
		assert.Equal(t, rpc.GetVersion(), entry.Version, "same provider version")
		assert.Empty(t, rpc.GetProvider(), "the default provider, which the import file leaves implicit too")
	}
	assert.Equal(t, 5, adopted, "the organization, its two members, its adopted team and the team's member")
	assert.Len(t, file.Resources, 1+adopted, "the component and what adoption imports, nothing else")
	component := file.Resources[0]
	assert.True(t, component.Component)
	registered, ok := mon.ByType(multiorg.Type)[component.Name]
	require.True(t, ok, "the program registers the component under the import file's name")
	assert.Equal(t, registered.TypeToken, component.Type)
}

func findEntry(t *testing.T, file cli.ImportFile, name string) cli.ImportResource {
	t.Helper()
	for _, r := range file.Resources {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no import entry named %s", name)
	return cli.ImportResource{}
}

// urnOf builds a URN the way the engine does for the mocked stack.
func urnOf(parentURN, typ, name string) string {
	qualified := typ
	if parentURN != "" {
		parentType := strings.Split(parentURN, "::")[2]
		if !strings.HasPrefix(parentType, "pulumi:pulumi:Stack") {
			qualified = parentType + "$" + typ
		}
	}
	return "urn:pulumi:staging::" + atlasmock.Project + "::" + qualified + "::" + name
}
