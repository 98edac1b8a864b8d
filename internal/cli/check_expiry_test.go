package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// now is 2026-11-23 12:00 UTC: analytics' secret (2026-12-01) is 7.5 days
// away, search's (2027-02-21) about 90 days.
var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := execute(args, strings.NewReader(stdin), &stdout, &stderr, func() time.Time { return now }, func(string) string { return "" })
	return result{code, stdout.String(), stderr.String()}
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(raw)
}

func TestCheckExpiry(t *testing.T) {
	t.Parallel()
	output := fixture(t, "stack-output.json")
	tests := map[string]struct {
		stdin  string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		"nothing inside a short window": {output, []string{"check-expiry", "--window", "24h"}, ExitOK,
			[]string{"analytics                2026-12-01T00:00:00Z   180h0m0s     ok", "search                   2027-02-21T12:00:00Z"}, ""},
		"inside the default window": {output, []string{"check-expiry"}, ExitFindings,
			[]string{"analytics                2026-12-01T00:00:00Z   180h0m0s     expiring", "search                   2027-02-21T12:00:00Z   2160h0m0s    ok"},
			"atlas-multiorg: 1 secret expires within 336h0m0s"},
		"a long window catches both": {output, []string{"check-expiry", "--window", "2200h"}, ExitFindings, []string{"expiring"},
			"2 secrets expire"},
		"expired": {strings.Replace(output, "2026-12-01T00:00:00Z", "2026-11-01T00:00:00Z", 1), []string{"check-expiry", "--window", "1h"}, ExitFindings,
			[]string{"analytics                2026-11-01T00:00:00Z   -540h0m0s    expired"}, "1 secret expires"},
		// What stacks deployed before the export was normalized hold: the
		// provider's own layout for an Organization's secret.
		"go's time layout from an older stack": {strings.Replace(output, "2026-12-01T00:00:00Z", "2026-12-01 00:00:00 +0000 UTC", 1), []string{"check-expiry"}, ExitFindings,
			[]string{"analytics                2026-12-01T00:00:00Z   180h0m0s     expiring"}, "1 secret expires"},
		"only api keys and adopted orgs": {`{"orgs": {"p": {"credentialType": "apiKey", "secretExpiresAt": ""}}}`, []string{"check-expiry"}, ExitOK,
			[]string{"no service account secrets in the stack outputs"}, ""},
		"not json":            {"Current stack outputs (3):", []string{"check-expiry"}, ExitUsage, nil, "stack outputs are not a JSON object (pipe in `pulumi stack output --json`)"},
		"empty input":         {"", []string{"check-expiry"}, ExitUsage, nil, "stack outputs are not a JSON object"},
		"a json array":        {`[1, 2]`, []string{"check-expiry"}, ExitUsage, nil, "stack outputs are not a JSON object"},
		"not an org stack":    {`{"projects": {}}`, []string{"check-expiry"}, ExitUsage, nil, `stack outputs have no "orgs" output`},
		"orgs not objects":    {`{"orgs": ["a"]}`, []string{"check-expiry"}, ExitUsage, nil, `the "orgs" output is not an object of organizations`},
		"expiry not a time":   {`{"orgs": {"a": {"secretExpiresAt": "next tuesday"}}}`, []string{"check-expiry"}, ExitUsage, nil, `orgs.a.secretExpiresAt: "next tuesday" is neither an RFC 3339 time nor Go's time layout`},
		"expiry not a string": {`{"orgs": {"a": {"secretExpiresAt": 5}}}`, []string{"check-expiry"}, ExitUsage, nil, "orgs.a.secretExpiresAt is not a string"},
		"bad output flag":     {output, []string{"check-expiry", "-o", "yaml"}, ExitUsage, nil, "--output must be text or json"},
		"bad window":          {output, []string{"check-expiry", "--window", "soon"}, ExitUsage, nil, `invalid argument "soon" for "--window"`},
		"negative window":     {output, []string{"check-expiry", "--window", "-1h"}, ExitUsage, nil, "--window must be positive"},
		"stray argument":      {output, []string{"check-expiry", "prod"}, ExitUsage, nil, `unknown command "prod"`},
		"missing file":        {"", []string{"check-expiry", "--file", "does-not-exist.json"}, ExitUsage, nil, "reading stack outputs: open does-not-exist.json"},
		"file":                {"", []string{"check-expiry", "--file", filepath.Join("testdata", "stack-output.json"), "--window", "24h"}, ExitOK, []string{"analytics"}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := run(t, tc.stdin, tc.args...)
			assert.Equal(t, tc.code, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
			for _, want := range tc.stdout {
				assert.Contains(t, r.stdout, want)
			}
			if tc.stderr == "" {
				assert.Empty(t, r.stderr)
			} else {
				assert.Contains(t, r.stderr, tc.stderr)
			}
		})
	}
}

func TestCheckExpiryJSON(t *testing.T) {
	t.Parallel()
	r := run(t, fixture(t, "stack-output.json"), "check-expiry", "-o", "json")
	assert.Equal(t, ExitFindings, r.code)
	var statuses []ExpiryStatus
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &statuses))
	assert.Equal(t, []ExpiryStatus{
		{Org: "analytics", ExpiresAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Left: "180h0m0s", State: "expiring"},
		{Org: "search", ExpiresAt: time.Date(2027, 2, 21, 12, 0, 0, 0, time.UTC), Left: "2160h0m0s", State: "ok"},
	}, statuses)
}

func TestCheckExpiryNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		r := run(t, fixture(t, "stack-output-show-secrets.json"), "check-expiry", "-o", format)
		assert.Equal(t, ExitFindings, r.code)
		for _, secret := range []string{"mdb_sa_sk_SHOWN_SECRET_VALUE", "SHOWN-PRIVATE-KEY-VALUE", "mdb_sa_id_0123", "abcdefgh"} {
			assert.NotContains(t, r.stdout+r.stderr, secret)
		}
	}
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"check-expiry", "--help"}} {
		r := run(t, "", args...)
		assert.Equal(t, ExitOK, r.code)
		assert.Contains(t, r.stdout, "Exit codes: 0")
	}
}
