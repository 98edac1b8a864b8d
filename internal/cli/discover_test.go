package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

// handMade are five organizations made by hand: one already adopted in the
// config, one the stack created itself, three to discover.
var handMade = []localapitest.Org{
	{ID: "64b1c2d3e4f5a6b7c8d9e0f1", Name: "acme-legacy", MultiFactorAuthRequired: true},
	{ID: "e03d91632a857b72d075fd7d", Name: "acme-created-by-stack"},
	{ID: "111111111111111111111111", Name: "Acme Data Lake", GenAIFeaturesEnabled: true, SecurityContact: "sec@example.com", SkipDefaultAlertsSettings: true},
	{ID: "222222222222222222222222", Name: "acme-legacy", RestrictEmployeeAccess: true}, // same name as an adopted one
	{ID: "333333333333333333333333", Name: "ops: the (old) one", MultiFactorAuthRequired: true, APIAccessListRequired: true},
}

const discoverConfig = `config:
  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e
  atlas-multiorg:orgs:
    acme-legacy:
      name: acme-legacy
      importId: 64b1c2d3e4f5a6b7c8d9e0f1
`

const discoverOutputs = `{"orgs": {"made": {"orgId": "e03d91632a857b72d075fd7d", "secretExpiresAt": ""}}, "credentials": "[secret]"}`

func runDiscover(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := execute(append([]string{"discover"}, args...), strings.NewReader(""), &stdout, &stderr,
		time.Now, func(k string) string { return env[k] })
	return result{code, stdout.String(), stderr.String()}
}

func envFor(srv *localapitest.Atlas, kind string) map[string]string {
	env := map[string]string{"MONGODB_ATLAS_BASE_URL": srv.URL}
	if kind == "serviceAccount" {
		env["MONGODB_ATLAS_CLIENT_ID"], env["MONGODB_ATLAS_CLIENT_SECRET"] = srv.Caller.ClientID, srv.Caller.ClientSecret
	} else {
		env["MONGODB_ATLAS_PUBLIC_KEY"], env["MONGODB_ATLAS_PRIVATE_KEY"] = srv.Caller.PublicKey, srv.Caller.PrivateKey
	}
	return env
}

func TestDiscoverPrintsEntriesThatAdoptWithoutChanges(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"serviceAccount", "apiKey"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			srv := localapitest.StartWith(t, localapitest.Options{Orgs: handMade, Faults: localapi.Faults{MaxItemsPerPage: 2}})
			config := writeConfig(t, "Pulumi.dev.yaml", discoverConfig)
			outputs := writeConfig(t, "outputs.json", discoverOutputs)

			r := runDiscover(t, envFor(srv, kind), "--config", config, "--stack-outputs", outputs)
			require.Equal(t, ExitOK, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			assert.True(t, strings.HasPrefix(r.stdout, "# 3 organization(s) not in the stack yet; paste under atlas-multiorg:orgs:\n"))
			for _, secret := range []string{srv.Caller.ClientSecret, srv.Caller.PrivateKey} {
				assert.NotContains(t, r.stdout, secret)
			}
			assert.Contains(t, r.stdout, "\n    acme-data-lake:\n      name: Acme Data Lake\n      importId: \"111111111111111111111111\"\n")
			assert.Contains(t, r.stdout, "\n    acme-legacy-2:\n", "the adopted org's key is taken")
			assert.Contains(t, r.stdout, "\n    ops-the-old-one:\n      name: 'ops: the (old) one'\n")

			// Pasted into the config, the entries are valid and state Atlas' values.
			var pasted map[string]map[string]any
			require.NoError(t, yaml.Unmarshal([]byte(r.stdout), &pasted))
			orgs := map[string]any{"acme-legacy": map[string]any{"name": "acme-legacy", "importId": "64b1c2d3e4f5a6b7c8d9e0f1",
				"apiAccessListRequired": false, "multiFactorAuthRequired": true, "restrictEmployeeAccess": false,
				"genAiFeaturesEnabled": false, "securityContact": "", "skipDefaultAlertsSettings": false}}
			for key, entry := range pasted {
				orgs[key] = entry
			}
			raw, _ := json.Marshal(orgs)
			spec, err := multiorg.SpecFromConfig(map[string]string{
				"atlas-multiorg:payingOrgId": "5f1a2b3c4d5e6f7a8b9c0d1e",
				"atlas-multiorg:orgs":        string(raw),
			}, "dev")
			require.NoError(t, err, "discovered entries validate as adopted orgs that state every setting")
			lake := spec.Orgs["acme-data-lake"]
			assert.Equal(t, "111111111111111111111111", lake.ImportID)
			assert.True(t, *lake.GenAIFeaturesEnabled)
			assert.True(t, *lake.SkipDefaultAlertsSettings)
			assert.Equal(t, "sec@example.com", *lake.SecurityContact)
			assert.True(t, *spec.Orgs["ops-the-old-one"].APIAccessListRequired)
			assert.True(t, *spec.Orgs["acme-legacy-2"].RestrictEmployeeAccess)
		})
	}
}

// TestDiscoverKeepsThePeople: an organization's people, pending ones too,
// and its teams with their importId and members are printed; pasted into
// the config they validate, and import-file adopts them with it.
func TestDiscoverKeepsThePeople(t *testing.T) {
	t.Parallel()
	org := handMade[2]
	org.Teams = []localapitest.Team{{ID: "6b2c3d4e5f6a7b8c9d0e1f2a", Name: "Data Engineers"}, {ID: "6b2c3d4e5f6a7b8c9d0e1f2b", Name: "Empty (old)"}}
	org.Users = []localapitest.User{
		{ID: "5e1a00000000000000000001", Username: "ada@example.com", Status: "ACTIVE", OrgRoles: []string{"ORG_OWNER"},
			TeamIDs: []string{"6b2c3d4e5f6a7b8c9d0e1f2a"}},
		{ID: "5e1a00000000000000000002", Username: "grace@example.com", Status: "PENDING", OrgRoles: []string{"ORG_READ_ONLY", "ORG_MEMBER"},
			TeamIDs: []string{"6b2c3d4e5f6a7b8c9d0e1f2a"}},
	}
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: []localapitest.Org{org}})
	r := runDiscover(t, envFor(srv, "serviceAccount"))
	require.Equal(t, ExitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, `
      members:
        ada@example.com:
          roles: [ORG_OWNER]
        grace@example.com:
          roles: [ORG_MEMBER, ORG_READ_ONLY]
      teams:
        data-engineers:
          name: Data Engineers
          importId: 6b2c3d4e5f6a7b8c9d0e1f2a
          members: [ada@example.com, grace@example.com]
        empty-old:
          name: Empty (old)
          importId: 6b2c3d4e5f6a7b8c9d0e1f2b
          members: []
`)
	for _, req := range srv.Requests() {
		if strings.HasSuffix(strings.Split(req.Path, "?")[0], "/users") {
			assert.Equal(t, localapi.MediaTypeUsers, req.Accept, "users are read at the provider's version")
		}
	}

	config := writeConfig(t, "Pulumi.dev.yaml", "config:\n  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e\n  atlas-multiorg:orgs:\n"+r.stdout)
	out := run(t, "", "import-file", "--config", config)
	require.Equal(t, ExitOK, out.code, "the pasted entry validates: %s", out.stderr)
	for _, id := range []string{
		org.ID + "/ada@example.com", org.ID + "/grace@example.com", org.ID + "-6b2c3d4e5f6a7b8c9d0e1f2a",
		org.ID + "/6b2c3d4e5f6a7b8c9d0e1f2a/grace@example.com", org.ID + "-6b2c3d4e5f6a7b8c9d0e1f2b",
	} {
		assert.Contains(t, out.stdout, `"id": "`+id+`"`)
	}
}

func TestDiscoverJSON(t *testing.T) {
	t.Parallel()
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: handMade[2:3]})
	r := runDiscover(t, envFor(srv, "serviceAccount"), "-o", "json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var found []DiscoveredOrg
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &found))
	assert.Equal(t, []DiscoveredOrg{{
		Key: "acme-data-lake", Name: "Acme Data Lake", ImportID: "111111111111111111111111",
		GenAIFeaturesEnabled: true, SecurityContact: "sec@example.com", SkipDefaultAlertsSettings: true,
	}}, found)
}

func TestDiscoverErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		env func(*localapitest.Atlas) map[string]string
		// accessListRequired is set on the organization, whose
		// credential's access list is empty.
		accessListRequired bool
		failure            *localapi.FaultAnswer
		args               []string
		code               int
		stderr             string
	}{
		"no credentials": {func(s *localapitest.Atlas) map[string]string {
			return map[string]string{"MONGODB_ATLAS_BASE_URL": s.URL}
		},
			false, nil, nil, ExitUsage, "no Atlas credentials: set MONGODB_ATLAS_CLIENT_ID"},
		"refused secret": {func(s *localapitest.Atlas) map[string]string {
			env := envFor(s, "serviceAccount")
			env["MONGODB_ATLAS_CLIENT_SECRET"] = "mdb_sa_sk_WRONG_SECRET"
			return env
		}, false, nil, nil, ExitAPI, "Atlas refused the service account's client ID and secret"},
		"access list": {func(s *localapitest.Atlas) map[string]string { return envFor(s, "apiKey") },
			true, nil, nil, ExitAPI, "this machine's address is not on the credential's API access list"},
		"settings not found": {func(s *localapitest.Atlas) map[string]string { return envFor(s, "apiKey") },
			false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs/", Status: 404, ErrorCode: "ORG_NOT_FOUND", Times: 1},
			nil, ExitAPI, "reading the settings of organization 111111111111111111111111: not found (404 ORG_NOT_FOUND"},
		"rate limited once": {func(s *localapitest.Atlas) map[string]string { return envFor(s, "serviceAccount") },
			false, &localapi.FaultAnswer{PathPrefix: "/api/atlas/v2/orgs", Status: 429, ErrorCode: "RATE_LIMITED", RetryAfter: "0", Times: 1},
			nil, ExitOK, ""},
		"bad output flag": {func(s *localapitest.Atlas) map[string]string { return envFor(s, "apiKey") }, false, nil,
			[]string{"-o", "xml"}, ExitUsage, "--output must be yaml or json"},
		"outputs of another stack": {func(s *localapitest.Atlas) map[string]string { return envFor(s, "apiKey") }, false, nil,
			[]string{"--stack-outputs", "testdata/not-outputs.json"}, ExitUsage, "not `pulumi stack output --json` of an org stack"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			org := handMade[2]
			org.APIAccessListRequired = tc.accessListRequired
			opts := localapitest.Options{Orgs: []localapitest.Org{org}}
			if tc.failure != nil {
				opts.Faults.Answers = []localapi.FaultAnswer{*tc.failure}
			}
			srv := localapitest.StartWith(t, opts)
			r := runDiscover(t, tc.env(srv), tc.args...)
			assert.Equal(t, tc.code, r.code, r.stderr)
			if tc.stderr != "" {
				assert.Contains(t, r.stderr, tc.stderr)
			}
			for _, secret := range []string{srv.Caller.ClientSecret, srv.Caller.PrivateKey, "mdb_sa_sk_WRONG_SECRET"} {
				assert.NotContains(t, r.stdout+r.stderr, secret)
			}
		})
	}
}

func TestUniqueKeys(t *testing.T) {
	t.Parallel()
	taken := map[string]bool{"a": true}
	assert.Equal(t, "a-2", uniqueKey("A", taken))
	assert.Equal(t, "a-3", uniqueKey("a!", taken))
	assert.Equal(t, "org", uniqueKey("!!!", taken))
	long := uniqueKey(strings.Repeat("x", 80), taken)
	assert.LessOrEqual(t, len(long), 40)
}
