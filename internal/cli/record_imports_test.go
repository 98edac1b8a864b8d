package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportAfterImport is the shape of `pulumi stack export` after `pulumi
// import --file` with CLI 3.259 and provider 4.14.0 (measured): the ID is the
// provider's b3JnX2lk:<base64 of the org ID>, and no importID is recorded.
const exportAfterImport = `{"version": 3, "deployment": {"manifest": {"time": "2026-12-01T19:31:01Z"}, "resources": [
  {"urn": "urn:pulumi:prod::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-prod", "type": "pulumi:pulumi:Stack"},
  {"urn": "urn:pulumi:prod::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-old",
   "id": "b3JnX2lk:NjRiMWMyZDNlNGY1YTZiN2M4ZDllMGYx", "custom": true, "type": "mongodbatlas:index/organization:Organization",
   "outputs": {"orgId": "64b1c2d3e4f5a6b7c8d9e0f1", "privateKey": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"},
     "skipDefaultAlertsSettings": true, "big": 12345678901234567890}}
]}}`

func TestRecordImports(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "Pulumi.prod.yaml", adoptingConfig)
	tests := map[string]struct {
		stdin  string
		code   int
		stderr string
	}{
		"after pulumi import":  {exportAfterImport, ExitOK, "recorded the import ID of 1 organization"},
		"not imported yet":     {`{"deployment": {"resources": []}}`, ExitUsage, "not in the state, or under another ID: orgs.old (64b1c2d3e4f5a6b7c8d9e0f1)"},
		"another organization": {replaceAll(exportAfterImport, `"orgId": "64b1c2d3e4f5a6b7c8d9e0f1"`, `"orgId": "000000000000000000000000"`), ExitUsage, "under another ID"},
		"not an export":        {`Current stack is prod`, ExitUsage, "not a pulumi stack export"},
		"no deployment":        {`{"version": 3}`, ExitUsage, "has no deployment"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := run(t, tc.stdin, "record-imports", "--config", path)
			require.Equal(t, tc.code, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.stderr)
			if tc.code != ExitOK {
				assert.Empty(t, r.stdout)
				return
			}
			var doc struct {
				Deployment struct {
					Resources []map[string]json.RawMessage `json:"resources"`
				} `json:"deployment"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
			org := doc.Deployment.Resources[1]
			assert.JSONEq(t, `"64b1c2d3e4f5a6b7c8d9e0f1"`, string(org["importID"]), "the ID the program registers")
			assert.JSONEq(t, `"b3JnX2lk:NjRiMWMyZDNlNGY1YTZiN2M4ZDllMGYx"`, string(org["id"]), "the provider's ID stays")
			assert.Contains(t, string(org["outputs"]), `"ciphertext": "v1:abc"`, "secrets pass through encrypted")
			assert.Contains(t, string(org["outputs"]), `12345678901234567890`, "numbers are not rounded")
			assert.NotContains(t, string(doc.Deployment.Resources[0]["urn"]), "importID")
		})
	}
}

func replaceAll(s, old, replacement string) string { return strings.ReplaceAll(s, old, replacement) }
