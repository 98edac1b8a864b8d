package tests

import (
	"bytes"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
)

// TestDiscoverAgainstTheLocalAPI runs discover, with the local API's seeded
// service account, against the local API itself.
func TestDiscoverAgainstTheLocalAPI(t *testing.T) {
	srv, seed, err := localapi.New(localapi.Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	t.Setenv("MONGODB_ATLAS_BASE_URL", ts.URL)
	t.Setenv("MONGODB_ATLAS_CLIENT_ID", seed.ClientID)
	t.Setenv("MONGODB_ATLAS_CLIENT_SECRET", seed.ClientSecret)
	t.Setenv("MONGODB_ATLAS_PUBLIC_KEY", "")
	t.Setenv("MONGODB_ATLAS_PRIVATE_KEY", "")

	var stdout, stderr bytes.Buffer
	require.Equal(t, cli.ExitOK, cli.Execute([]string{"discover"}, strings.NewReader(""), &stdout, &stderr), stderr.String())
	var found map[string]map[string]any
	require.NoError(t, yaml.Unmarshal(stdout.Bytes(), &found))
	require.Contains(t, found, "local-paying-org")
	assert.Equal(t, seed.PayingOrgID, found["local-paying-org"]["importId"])
	assert.Equal(t, true, found["local-paying-org"]["genAiFeaturesEnabled"])
	assert.NotContains(t, stdout.String()+stderr.String(), seed.ClientSecret)
}

// TestPulumiUpAgainstTheLocalAPI runs the real workflow, make up then make
// down, when the Pulumi CLI and the mongodbatlas 4.14.0 plugin are here.
func TestPulumiUpAgainstTheLocalAPI(t *testing.T) {
	if _, err := exec.LookPath("pulumi"); err != nil {
		t.Skip("the Pulumi CLI is not on PATH")
	}
	plugins, _ := filepath.Glob(filepath.Join(os.Getenv("HOME"), ".pulumi", "plugins", "resource-mongodbatlas-v4.14.0"))
	if len(plugins) == 0 {
		t.Skip("the mongodbatlas 4.14.0 provider plugin is not installed (pulumi plugin install resource mongodbatlas 4.14.0)")
	}
	for _, target := range []string{"up", "down"} {
		cmd := exec.CommandContext(t.Context(), "make", "-C", repoRoot, target) //nolint:gosec // G204: fixed make targets of this repository
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "make %s:\n%s", target, out)
	}
}
