package tests

import (
	"bytes"
	"net/http/httptest"
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
