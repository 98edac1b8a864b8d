// Package httpdigest is the server side of HTTP digest authentication as the
// Atlas Admin API speaks it: MD5, qop=auth, parameters separated by ", ".
package httpdigest

import (
	"crypto/md5" //nolint:gosec // G501: HTTP digest as Atlas speaks it (RFC 2617, algorithm=MD5) is MD5
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// Realm is the realm Atlas challenges with.
const Realm = "MMS Public API"

// Challenge is the WWW-Authenticate value for a nonce.
func Challenge(nonce string) string {
	return fmt.Sprintf(`Digest realm="%s", domain="", nonce="%s", algorithm=MD5, qop="auth", stale=false`, Realm, nonce)
}

// Parse splits an Authorization header's digest parameters; ok is false for
// any other scheme.
func Parse(header string) (params map[string]string, ok bool) {
	rest, ok := strings.CutPrefix(header, "Digest ")
	if !ok {
		return nil, false
	}
	params = map[string]string{}
	for _, part := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(part, "=")
		params[k] = strings.Trim(v, `"`)
	}
	return params, true
}

// Valid reports whether params answer the challenge for a request with the
// given method and request URI, signed with password. The caller checks that
// the nonce is one it issued and looks the user up by params["username"].
func Valid(params map[string]string, method, requestURI, password string) bool {
	return ValidHA1(params, method, requestURI, HA1(params["username"], params["realm"], password))
}

// HA1 is digest's MD5(username:realm:password): what a server needs to keep
// to check a digest, instead of the password.
func HA1(username, realm, password string) string {
	return md5hex(username + ":" + realm + ":" + password)
}

// ValidHA1 is Valid for a server that keeps HA1 instead of the password; the
// caller checks that params["realm"] is the realm HA1 was made with.
func ValidHA1(params map[string]string, method, requestURI, ha1 string) bool {
	if params["uri"] != requestURI || params["qop"] != "auth" {
		return false
	}
	ha2 := md5hex(method + ":" + params["uri"])
	want := md5hex(strings.Join([]string{ha1, params["nonce"], params["nc"], params["cnonce"], params["qop"], ha2}, ":"))
	return subtle.ConstantTimeCompare([]byte(want), []byte(params["response"])) == 1
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s)) //nolint:gosec // G401: digest's MD5, as above
	return hex.EncodeToString(sum[:])
}
