package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// stackExport is a pulumi stack export of an org stack holding orgs (org
// key -> ID), with creates of pending (org key -> name) left by an
// interrupted update.
func stackExport(stack string, held map[string]string, pending map[string]string) string {
	urn := func(key string) string {
		return "urn:pulumi:" + stack + "::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-" + key
	}
	var resources, ops []map[string]any
	resources = append(resources, map[string]any{"urn": "urn:pulumi:" + stack + "::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-" + stack, "type": "pulumi:pulumi:Stack"})
	for key, id := range held {
		resources = append(resources, map[string]any{"urn": urn(key), "type": mongodbatlas.OrganizationType,
			"inputs": map[string]any{"name": key}, "outputs": map[string]any{"orgId": id, "privateKey": map[string]any{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}}})
	}
	for key, name := range pending {
		ops = append(ops, map[string]any{"type": "creating", "resource": map[string]any{"urn": urn(key), "type": mongodbatlas.OrganizationType, "inputs": map[string]any{"name": name}}})
	}
	raw, _ := json.Marshal(map[string]any{"version": 3, "deployment": map[string]any{"resources": resources, "pending_operations": ops}})
	return string(raw)
}

func TestFindOrphans(t *testing.T) {
	t.Parallel()
	states := []StackState{
		{Stack: "dev-0", Held: map[string]bool{"held0": true}, Pending: map[string]string{"acme-dev-0-c": "c"},
			Entries: map[string]string{"acme-dev-0-a": "a", "acme-dev-0-b": "b", "acme-dev-0-c": "c"}},
		{Stack: "dev-1", Held: map[string]bool{"held1": true}, Pending: map[string]string{}, Entries: map[string]string{"acme-dev-1-a": "a"}},
	}
	tests := map[string]struct {
		linked   atlasapi.LinkedOrganization
		orphan   bool
		stack    string
		key      string
		probably string
	}{
		"held by the first stack":  {atlasapi.LinkedOrganization{ID: "held0", Name: "acme-dev-0-a"}, false, "", "", ""},
		"held by the second stack": {atlasapi.LinkedOrganization{ID: "held1", Name: "acme-dev-1-a"}, false, "", "", ""},
		"left pending by an interrupted update": {atlasapi.LinkedOrganization{ID: "p", Name: "acme-dev-0-c"}, true, "dev-0", "c",
			"created by an update of dev-0 that did not finish: orgs.c was left pending creation"},
		"named like an entry the stack lacks: a lost answer": {atlasapi.LinkedOrganization{ID: "l", Name: "acme-dev-0-b"}, true, "dev-0", "b",
			"same name as orgs.b of dev-0, which dev-0 does not hold: the answer to its create was lost"},
		"a twin of an entry the stack holds": {atlasapi.LinkedOrganization{ID: "twin", Name: "acme-dev-1-a"}, true, "dev-1", "a", "same name as orgs.a of dev-1"},
		"made outside the stacks":            {atlasapi.LinkedOrganization{ID: "o", Name: "hand-made"}, true, "", "", "made outside the stacks given"},
		"unreadable":                         {atlasapi.LinkedOrganization{ID: "u"}, true, "", "", "this credential may not read its name"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			found := FindOrphans([]atlasapi.LinkedOrganization{tc.linked}, states)
			if !tc.orphan {
				assert.Empty(t, found)
				return
			}
			require.Len(t, found, 1)
			o := found[0]
			assert.Equal(t, tc.linked.ID, o.OrgID)
			assert.Equal(t, tc.stack, o.Stack)
			assert.Equal(t, tc.key, o.OrgKey)
			assert.Contains(t, o.Probably, tc.probably)
			assert.Contains(t, o.Delete, "against atlas-local: bin/atlas-local console delete-org "+tc.linked.ID)
			assert.Contains(t, o.Adopt, "importId: "+tc.linked.ID)
			if tc.stack != "" {
				assert.Contains(t, o.Adopt, "orgs."+tc.key+".importId")
				for _, hint := range []string{o.Delete, o.Adopt} {
					assert.Contains(t, hint, "then pulumi refresh --yes --clear-pending-creates --stack "+tc.stack+", then pulumi up --yes --stack "+tc.stack,
						"the guide's step 4, refresh first")
				}
			}
		})
	}
}

func TestParseStackExport(t *testing.T) {
	t.Parallel()
	s, err := ParseStackExport("dev", []byte(stackExport("dev", map[string]string{"a": "64b1c2d3e4f5a6b7c8d9e0a1"}, map[string]string{"b": "acme-b"})))
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"64b1c2d3e4f5a6b7c8d9e0a1": true}, s.Held)
	assert.Equal(t, map[string]string{"acme-b": "b"}, s.Pending)
	// A create that failed after Atlas made the organization: the state
	// keeps it under its provider ID, without an orgId output.
	partial := `{"deployment": {"resources": [{"urn": "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-a",
		"type": "mongodbatlas:index/organization:Organization", "id": "b3JnX2lk:NjRiMWMyZDNlNGY1YTZiN2M4ZDllMGEx", "outputs": {"name": "acme-a"}}]}}`
	s, err = ParseStackExport("dev", []byte(partial))
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"64b1c2d3e4f5a6b7c8d9e0a1": true}, s.Held, "held by its provider ID")
	_, err = ParseStackExport("dev", []byte("Pulumi.dev.yaml"))
	assert.ErrorContains(t, err, "the state of stack dev is not a pulumi stack export")
}

// TestOrphansAgainstTheLocalAPI: the linked organizations come from the
// paying organization's pending invoice, with their names; exit 1 lists
// each orphan with its fix, exit 0 says there is none.
func TestOrphansAgainstTheLocalAPI(t *testing.T) {
	t.Parallel()
	atlas := localapitest.Start(t, time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC))
	held := atlas.Create(t, "acme-dev-a")
	lost := atlas.Create(t, "acme-dev-b")
	pending := atlas.Create(t, "acme-dev-c")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(`config:
  atlas-multiorg:payingOrgId: `+atlas.Seed.PayingOrgID+`
  atlas-multiorg:orgs:
    a:
      name: acme-dev-a
    b:
      name: acme-dev-b
    c:
      name: acme-dev-c
`), 0o600))
	exportFile := filepath.Join(dir, "dev.json")
	require.NoError(t, os.WriteFile(exportFile, []byte(stackExport("dev", map[string]string{"a": held}, map[string]string{"c": "acme-dev-c"})), 0o600))
	orphans := func(args ...string) result {
		var stdout, stderr bytes.Buffer
		code := execute(append([]string{"orphans", "--dir", dir}, args...), strings.NewReader(""), &stdout, &stderr, time.Now,
			func(k string) string { return atlas.Env[k] })
		return result{code, stdout.String(), stderr.String()}
	}

	got := orphans("--state-file", "dev="+exportFile, "-o", "json")
	require.Equal(t, ExitFindings, got.code, got.stderr)
	var found []Orphan
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &found))
	require.Len(t, found, 2)
	byID := map[string]Orphan{found[0].OrgID: found[0], found[1].OrgID: found[1]}
	assert.Equal(t, "b", byID[lost].OrgKey)
	assert.Equal(t, "acme-dev-b", byID[lost].Name, "the paying organization's owner reads the names")
	assert.Contains(t, byID[lost].Probably, "the answer to its create was lost")
	assert.Equal(t, "c", byID[pending].OrgKey)
	assert.Contains(t, byID[pending].Probably, "did not finish")
	assert.Contains(t, got.stderr, "2 organizations linked to paying organization "+atlas.Seed.PayingOrgID+" managed by none of the stacks given")

	text := orphans("--state-file", "dev="+exportFile)
	assert.Equal(t, ExitFindings, text.code)
	assert.Contains(t, text.stdout, "ORG ID")
	assert.Contains(t, text.stdout, lost+":\n  delete: ")
	assert.NotContains(t, text.stdout, held, "a held organization is no orphan")

	all := filepath.Join(dir, "all.json")
	require.NoError(t, os.WriteFile(all, []byte(stackExport("dev", map[string]string{"a": held, "b": lost, "c": pending}, nil)), 0o600))
	none := orphans("--state-file", "dev="+all)
	assert.Equal(t, ExitOK, none.code, none.stderr)
	assert.Contains(t, none.stdout, "No orphans: each of the 3 organizations linked to paying organization")
	assert.NotContains(t, none.stdout+none.stderr, atlas.Seed.ClientSecret)
}

// TestOrphansCallsTheStacksOwnAdminAPI: with no --base-url, orphans calls
// the Admin API the stack's provider calls: the stack's mongodbatlas:baseUrl
// when the stack config gives the credential (its secret encrypted, so read
// from its variable), else MONGODB_ATLAS_BASE_URL; and a failure names that
// address and where it and the credential came from.
func TestOrphansCallsTheStacksOwnAdminAPI(t *testing.T) {
	t.Parallel()
	atlas := localapitest.Start(t, time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC))
	held := atlas.Create(t, "acme-dev-a")
	exportFile := filepath.Join(t.TempDir(), "local.json")
	require.NoError(t, os.WriteFile(exportFile, []byte(stackExport("local", map[string]string{"a": held}, nil)), 0o600))
	stackCredential := "\n  mongodbatlas:clientId: " + atlas.Env["MONGODB_ATLAS_CLIENT_ID"] + "\n  mongodbatlas:clientSecret:\n    secure: AAABAKxq"
	for name, tc := range map[string]struct {
		baseURL, credential, envBaseURL, flag string
		code                                  int
		stderr                                string
	}{
		"the stack's own, with the stack's credential":      {baseURL: atlas.URL, credential: stackCredential, envBaseURL: "http://127.0.0.1:1", code: ExitOK},
		"the variable's, with the environment's credential": {baseURL: "http://127.0.0.1:1", envBaseURL: atlas.URL, code: ExitOK},
		"--base-url before it":                              {baseURL: "http://127.0.0.1:1", credential: stackCredential, flag: atlas.URL, code: ExitOK},
		"a failure names the URL": {baseURL: "http://127.0.0.1:1", credential: stackCredential, code: ExitAPI,
			stderr: "(Admin API at http://127.0.0.1:1, given by mongodbatlas:baseUrl in Pulumi.local.yaml; signed in with a service account given by Pulumi.local.yaml (its encrypted values from MONGODB_ATLAS_CLIENT_SECRET))"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := func(k string) string {
				if k == "MONGODB_ATLAS_BASE_URL" {
					return tc.envBaseURL
				}
				return atlas.Env[k]
			}
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.local.yaml"), []byte("config:\n  mongodbatlas:baseUrl: "+tc.baseURL+tc.credential+
				"\n  atlas-multiorg:payingOrgId: "+atlas.Seed.PayingOrgID+"\n  atlas-multiorg:orgs:\n    a:\n      name: acme-dev-a\n"), 0o600))
			args := []string{"orphans", "--dir", dir, "--state-file", "local=" + exportFile}
			if tc.flag != "" {
				args = append(args, "--base-url", tc.flag)
			}
			var stdout, stderr bytes.Buffer
			code := execute(args, strings.NewReader(""), &stdout, &stderr, time.Now, env)
			assert.Equal(t, tc.code, code, stderr.String())
			assert.Contains(t, stderr.String(), tc.stderr)
		})
	}
}

// TestOrphansDecryptsTheStacksCredential: a stack that keeps its provider's
// secret the way docs/running-against-atlas.md stores it (pulumi config set
// --secret) needs no variable: orphans asks pulumi config get for it in the
// project, and only where that fails reads the variable, or says both ways.
func TestOrphansDecryptsTheStacksCredential(t *testing.T) {
	t.Parallel()
	atlas := localapitest.Start(t, time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC))
	held := atlas.Create(t, "acme-dev-a")
	withoutSecret := func(k string) string {
		if k == "MONGODB_ATLAS_CLIENT_SECRET" {
			return ""
		}
		return atlas.Env[k]
	}
	for name, tc := range map[string]struct {
		project bool
		decrypt configDecrypter
		getenv  func(string) string
		code    int
		stderr  []string
	}{
		"decrypted in the project: no variable needed": {project: true, getenv: withoutSecret, code: ExitOK,
			decrypt: func(_ context.Context, _, stack, key string) (string, error) {
				if stack == "local" && key == "mongodbatlas:clientSecret" {
					return atlas.Seed.ClientSecret, nil
				}
				return "", errors.New("not this key")
			}},
		"decrypted before the variable, which holds another secret": {project: true, code: ExitOK,
			getenv: func(k string) string {
				if k == "MONGODB_ATLAS_CLIENT_SECRET" {
					return "mdb_sa_sk_WRONG"
				}
				return atlas.Env[k]
			},
			decrypt: func(context.Context, string, string, string) (string, error) { return atlas.Seed.ClientSecret, nil }},
		"not decryptable: the variable": {project: true, getenv: func(k string) string { return atlas.Env[k] }, code: ExitOK,
			decrypt: func(context.Context, string, string, string) (string, error) {
				return "", errors.New("pulumi config get: passphrase must be set")
			}},
		"neither: both ways named": {project: true, getenv: withoutSecret, code: ExitUsage,
			decrypt: func(context.Context, string, string, string) (string, error) {
				return "", errors.New("pulumi config get: passphrase must be set\nmore")
			},
			stderr: []string{"Pulumi.local.yaml holds mongodbatlas:clientSecret encrypted, and it could not be decrypted (pulumi config get: passphrase must be set): ",
				"or set MONGODB_ATLAS_CLIENT_SECRET to the same value"}},
		"no project beside the config: not asked": {getenv: withoutSecret, code: ExitUsage,
			decrypt: func(context.Context, string, string, string) (string, error) { panic("asked outside a project") },
			stderr:  []string{"(no Pulumi.yaml beside Pulumi.local.yaml to decrypt it with)"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.local.yaml"), []byte("config:\n  mongodbatlas:baseUrl: "+atlas.URL+
				"\n  mongodbatlas:clientId: "+atlas.Env["MONGODB_ATLAS_CLIENT_ID"]+"\n  mongodbatlas:clientSecret:\n    secure: AAABAKxq"+
				"\n  atlas-multiorg:payingOrgId: "+atlas.Seed.PayingOrgID+"\n  atlas-multiorg:orgs:\n    a:\n      name: acme-dev-a\n"), 0o600))
			if tc.project {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: atlas-multiorg\nruntime: go\n"), 0o600))
			}
			opts := &orphansOptions{stacks: []string{"local"}, dir: dir, output: "text", getenv: tc.getenv, decrypt: tc.decrypt,
				export: func(context.Context, string, string) ([]byte, error) {
					return []byte(stackExport("local", map[string]string{"a": held}, nil)), nil
				},
				connect: func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (linkedReader, error) {
					return atlasapi.New(ctx, baseURL, creds)
				}}
			var stdout bytes.Buffer
			err := opts.run(t.Context(), &stdout)
			assert.Equal(t, tc.code, exitCode(err), "%v", err)
			if tc.code == ExitOK {
				assert.Contains(t, stdout.String(), "No orphans")
			}
			for _, want := range tc.stderr {
				assert.ErrorContains(t, err, want)
			}
			if err != nil {
				assert.NotContains(t, err.Error(), atlas.Seed.ClientSecret)
			}
		})
	}
}

func TestOrphansRefusesBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{}"), 0o600))
	yamlFile := filepath.Join(dir, "Pulumi.dev.yaml")
	require.NoError(t, os.WriteFile(yamlFile, []byte("config: {}\n"), 0o600))
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no stacks":         {nil, "no stacks: give every org stack"},
		"bad output":        {[]string{"--state-file", "dev=" + bad, "-o", "yaml"}, "--output must be text or json"},
		"bad state file":    {[]string{"--state-file", "dev"}, `--state-file "dev": want STACK=FILE`},
		"no paying org":     {[]string{"--state-file", "dev=" + bad, "--dir", dir}, "no paying organization: give --paying-org-id"},
		"missing export":    {[]string{"--state-file", "dev=" + filepath.Join(dir, "missing.json")}, "--state-file dev:"},
		"no credentials":    {[]string{"--state-file", "dev=" + bad, "--paying-org-id", "64b1c2d3e4f5a6b7c8d9e0a1"}, "no Atlas credentials"},
		"not a stack state": {[]string{"--state-file", "dev=" + yamlFile}, "the state of stack dev is not a pulumi stack export"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := run(t, "", append([]string{"orphans"}, tc.args...)...)
			assert.Equal(t, ExitUsage, got.code, got.stdout+got.stderr)
			assert.Contains(t, got.stderr, tc.want)
		})
	}
}
