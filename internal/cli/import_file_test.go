package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// adoptingConfig holds an encrypted provider credential, as every stack file
// that followed the guides does.
const adoptingConfig = `config:
  mongodbatlas:clientId: mdb_sa_id_0123
  mongodbatlas:clientSecret:
    secure: v1:c2FsdA==:Y2lwaGVydGV4dA==
  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e
  atlas-multiorg:orgOwnerId: 6a1b2c3d4e5f6a7b8c9d0e1f
  atlas-multiorg:orgs:
    made-here:
      name: acme-new
    old:
      name: acme-old
      importId: 64b1c2d3e4f5a6b7c8d9e0f1
      apiAccessListRequired: false
      multiFactorAuthRequired: true
      restrictEmployeeAccess: true
      genAiFeaturesEnabled: false
      securityContact: ""
      skipDefaultAlertsSettings: true
`

func writeConfig(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func TestImportFile(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "Pulumi.prod.yaml", adoptingConfig)
	out := filepath.Join(t.TempDir(), "import.json")
	r := run(t, "", "import-file", "--config", path, "--out", out, "--existing-component")
	require.Equal(t, ExitOK, r.code, r.stderr)
	assert.Empty(t, r.stdout, "written to --out")
	assert.Contains(t, r.stderr, "--stack prod --generate-code=false --protect=true", "the import protects what it imports")
	assert.Contains(t, r.stderr, "then: pulumi up --stack prod --yes", "until an up, the state lacks the program's retainOnDelete")

	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	var file ImportFile
	require.NoError(t, json.Unmarshal(raw, &file))
	assert.Equal(t, ImportFile{
		NameTable: map[string]string{"multiorg": "urn:pulumi:prod::atlas-multiorg::atlas-multiorg:index:MultiOrg::multiorg"},
		Resources: []ImportResource{{
			Type: "mongodbatlas:index/organization:Organization", Name: "multiorg-old", ID: "64b1c2d3e4f5a6b7c8d9e0f1",
			Parent: "multiorg", Version: "4.14.0",
		}},
	}, file, "only the adopted org, under the existing component")
}

// TestImportFileAdoptsThePeople: an adopted organization's members, its
// adopted teams and their members are imported with it, under the
// program's names and with the provider's import IDs; a new team is not.
func TestImportFileAdoptsThePeople(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, "Pulumi.dev.yaml", adoptingConfig+`      members:
        ada@example.com:
          roles: [ORG_OWNER]
        grace@example.com:
          roles: [ORG_MEMBER]
      teams:
        platform:
          name: Platform Team
          importId: 6b2c3d4e5f6a7b8c9d0e1f2a
          members: [grace@example.com]
        fresh:
          name: Fresh Team
          members: [ada@example.com]
`)
	r := run(t, "", "import-file", "--config", path)
	require.Equal(t, ExitOK, r.code, r.stderr)
	var file ImportFile
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &file))
	got := map[string]string{}
	for _, res := range file.Resources[1:] {
		assert.Equal(t, "multiorg", res.Parent)
		assert.Equal(t, "4.14.0", res.Version)
		got[res.Type+" "+res.Name] = res.ID
	}
	const org, team = "64b1c2d3e4f5a6b7c8d9e0f1", "6b2c3d4e5f6a7b8c9d0e1f2a"
	assert.Equal(t, map[string]string{
		"mongodbatlas:index/organization:Organization multiorg-old":                                                       org,
		"mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment multiorg-old-member-ada@example.com":            org + "/ada@example.com",
		"mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment multiorg-old-member-grace@example.com":          org + "/grace@example.com",
		"mongodbatlas:index/team:Team multiorg-old-team-platform":                                                         org + "-" + team,
		"mongodbatlas:index/cloudUserTeamAssignment:CloudUserTeamAssignment multiorg-old-team-platform-grace@example.com": org + "/" + team + "/grace@example.com",
	}, got)
}

func TestImportFileErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		config string
		stderr string
	}{
		"no adopted orgs": {`config:
  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e
  atlas-multiorg:orgOwnerId: 6a1b2c3d4e5f6a7b8c9d0e1f
  atlas-multiorg:orgs:
    a:
      name: acme-a
`, "has no adopted organizations (importId); nothing to import"},
		"adopted org missing settings": {`config:
  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e
  atlas-multiorg:orgs:
    old:
      name: acme-old
      importId: 64b1c2d3e4f5a6b7c8d9e0f1
      multiFactorAuthRequired: true
`, "orgs.old: an adopted organization must state every setting"},
		"not yaml":    {"config: [", "parsing"},
		"unknown key": {"config:\n  atlas-multiorg:orgz: {}\n", `atlas-multiorg:orgz: unknown config key; did you mean "orgs"?`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := run(t, "", "import-file", "--config", writeConfig(t, "Pulumi.dev.yaml", tc.config))
			assert.Equal(t, ExitUsage, r.code)
			assert.Contains(t, r.stderr, tc.stderr)
			assert.Empty(t, r.stdout)
		})
	}
	r := run(t, "", "import-file", "--config", "does-not-exist.yaml")
	assert.Equal(t, ExitUsage, r.code)
	assert.Contains(t, r.stderr, "does-not-exist.yaml")
}
