package localapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// OAuth2 access tokens are signed, not stored: a token is its client ID and
// expiry, with an HMAC under the state's token key. Nothing per token goes
// into the state, so it does not grow with the tokens issued (the provider
// asks for one per run and never revokes it), and a restart of atlas-local
// keeps every client signed in, as a restart of Atlas behind its load
// balancer would. Revocations are kept in memory until the token expires.

// issueToken signs a token for clientID; call it with s.mu held.
func (s *Server) issueToken(clientID string) string {
	payload := clientID + "|" + strconv.FormatInt(s.now().Add(tokenLifetime).Unix(), 10) + "|" + randomHex(8)
	encoded := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return encoded + "." + s.tokenMAC(encoded)
}

// tokenClient is the client ID of a valid, unexpired, unrevoked token, or "".
func (s *Server) tokenClient(token string) string {
	encoded, mac, ok := strings.Cut(token, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(s.tokenMAC(encoded))) {
		return ""
	}
	if _, revoked := s.revoked[token]; revoked {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return ""
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return ""
	}
	expires, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !s.now().Before(time.Unix(expires, 0)) {
		return ""
	}
	return parts[0]
}

// revokeToken ends a token early; call it with s.mu held.
func (s *Server) revokeToken(token string) {
	for t, until := range s.revoked {
		if !s.now().Before(until) {
			delete(s.revoked, t)
		}
	}
	s.revoked[token] = s.now().Add(tokenLifetime)
}

func (s *Server) tokenMAC(encoded string) string {
	m := hmac.New(sha256.New, []byte(s.state.TokenKey))
	m.Write([]byte(encoded))
	return hex.EncodeToString(m.Sum(nil))
}
