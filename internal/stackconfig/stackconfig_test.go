package stackconfig

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadWithEncryptedNamesTheSecretsItCannotRead: an encrypted value is
// left out of the config, and its key is listed.
func TestReadWithEncryptedNamesTheSecretsItCannotRead(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "Pulumi.dev.yaml")
	require.NoError(t, os.WriteFile(path, []byte("config:\n  mongodbatlas:clientId: mdb_sa_id_1\n"+
		"  mongodbatlas:clientSecret:\n    secure: AAABAKxq\n  mongodbatlas:accessToken:\n    secure: AAABAKxr\n"), 0o600))
	config, encrypted, err := ReadWithEncrypted(path)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"mongodbatlas:clientId": "mdb_sa_id_1"}, config)
	assert.Equal(t, []string{"mongodbatlas:accessToken", "mongodbatlas:clientSecret"}, encrypted)
}
