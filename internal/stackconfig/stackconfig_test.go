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

// TestASecretInsideAnObjectIsMasked: a secret set with --path inside an
// object (a takeover's clientSecret) leaves the object readable, the secret
// Masked, its ciphertext nowhere.
func TestASecretInsideAnObjectIsMasked(t *testing.T) {
	t.Parallel()
	config, encrypted, err := parse([]byte("config:\n  atlas-multiorg:orgs:\n    a:\n      name: n\n      serviceAccount:\n        takeOver:\n" +
		"          clientId: mdb_sa_id_1\n          clientSecret:\n            secure: v1:AAABAKxq\n        accessList:\n" +
		"          - cidrBlock: 10.0.0.0/8\n"))
	require.NoError(t, err)
	assert.Empty(t, encrypted, "the object is read, not left out")
	assert.JSONEq(t, `{"a":{"name":"n","serviceAccount":{"takeOver":{"clientId":"mdb_sa_id_1","clientSecret":"[secret]"},`+
		`"accessList":[{"cidrBlock":"10.0.0.0/8"}]}}}`, config["atlas-multiorg:orgs"])
	assert.NotContains(t, config["atlas-multiorg:orgs"], "AAABAKxq")
}
