package localapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"

	"github.com/atlas-multiorg/atlas-multiorg/internal/httpdigest"
)

// Secrets at rest: the state keeps what verifies a service account's secret
// or an API key's private key, never the secret itself, as Atlas cannot show
// one again after the answer that created it. A secret is 24 random bytes,
// so a salted SHA-256 verifies it as well as a slow hash would; an API key
// is checked by HTTP digest, which needs HA1 and nothing else.

// set makes value the secret: its hash, salt and last four characters are
// kept, and value itself only in memory, for the answer that creates it.
func (sec *Secret) set(value string) {
	sec.Salt = randomHex(16)
	sec.Hash = secretHash(sec.Salt, value)
	sec.Last4 = value[len(value)-4:]
	sec.Value, sec.clear = "", value
}

// verifies reports whether value is the secret.
func (sec *Secret) verifies(value string) bool {
	return sec.Hash != "" && subtle.ConstantTimeCompare([]byte(sec.Hash), []byte(secretHash(sec.Salt, value))) == 1
}

func secretHash(salt, value string) string {
	sum := sha256.Sum256([]byte(salt + ":" + value))
	return hex.EncodeToString(sum[:])
}

// setPrivateKey makes private the key's private key: its HA1 and last twelve
// characters are kept, and private itself only in memory, for the answer
// that creates it.
func (k *APIKey) setPrivateKey(private string) {
	k.HA1 = httpdigest.HA1(k.PublicKey, httpdigest.Realm, private)
	k.PrivateKeyTail = private[len(private)-12:]
	k.PrivateKey, k.clear = "", private
}

// forgetClearSecrets replaces every secret and private key that a state
// saved before kept in clear with what verifies it, and reports whether it
// found any, so that the state is saved again without them.
func forgetClearSecrets(state *State) bool {
	forgot := false
	for _, org := range state.Orgs {
		for _, sa := range org.ServiceAccounts {
			for _, sec := range sa.Secrets {
				if sec.Value != "" {
					sec.set(sec.Value)
					sec.clear, forgot = "", true
				}
			}
		}
		for _, k := range org.APIKeys {
			if k.PrivateKey != "" {
				k.setPrivateKey(k.PrivateKey)
				k.clear, forgot = "", true
			}
		}
	}
	return forgot
}
