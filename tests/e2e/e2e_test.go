//go:build e2e

// Package e2e runs the workflows of README.md and docs/ with the real tools: the Pulumi CLI,
// its Go language host and the mongodbatlas provider plugin 4.14.0, against
// atlas-local. `make e2e` runs it; without the tools it skips with the reason.
//
// It works on a scratch copy of the working tree, with its own PULUMI_HOME and
// a file backend inside the copy, so the checkout, the user's Pulumi login
// and their plugins stay as they were.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

const (
	stack      = "local"
	passphrase = "atlas-multiorg-local"
)

// workspace is the scratch copy and the environment every command runs in.
type workspace struct {
	t    testing.TB
	repo string
	env  []string
}

func TestReadmeWorkflows(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newWorkspace(t)
	before := w.localState(repoRoot(t))
	t.Cleanup(func() {
		// What the provider asked for and did not get is the first thing to read.
		if raw, err := os.ReadFile(filepath.Join(w.repo, ".atlas-local", "access.log")); err == nil && t.Failed() {
			for _, line := range strings.Split(string(raw), "\n") {
				if f := strings.Fields(line); len(f) >= 4 && f[3] >= "400" && f[3] != "401" {
					t.Log("atlas-local:", line)
				}
			}
		}
	})

	seed := map[string]string{}
	t.Run("make up on a fresh copy", func(t *testing.T) {
		w := w.with(t)
		out := w.run("", "make", "up")
		assert.Contains(t, out, "11 created", "stack, component, three orgs, analytics' own provider, its two members, its team and the team's two members")
		w.run("", "make", "build") // the command-line tool and the consumer program
		// The Go language host's own build (pulumi-language-go's
		// compileProgram) to Pulumi.yaml's buildTarget finds make's binary
		// up to date: no link step runs.
		hostBuild := w.runIn(filepath.Join(w.repo, "cmd", "multiorg"), nil, "go", "build", "-x", "-buildvcs=false",
			"-o", "../../bin/multiorg", "-trimpath", "-ldflags", "-w -s")
		assert.NotRegexp(t, `(?m)/link( |$)`, hostBuild, "pulumi up after make relinks the program")
		w.readJSON(filepath.Join(w.repo, ".atlas-local", "credentials.json"), &seed)
		_, err := os.Stat(filepath.Join(w.env0("PULUMI_HOME"), "credentials.json"))
		assert.True(t, errors.Is(err, os.ErrNotExist), "make up logs nobody in: the user's login stays as it was")
	})
	if t.Failed() {
		return
	}

	t.Run("outputs: RFC 3339 expiries and secret credentials", func(t *testing.T) {
		w := w.with(t)
		var outputs map[string]any
		require.NoError(t, json.Unmarshal([]byte(w.pulumi("stack", "output", "--json")), &outputs))
		assert.Equal(t, "[secret]", outputs["credentials"])
		orgs := outputs["orgs"].(map[string]any)
		require.Len(t, orgs, 3)
		teams, _ := orgs["analytics"].(map[string]any)["teams"].(map[string]any)
		assert.Len(t, teams["data"], 24, "the dev config's team is exported by its key")
		var state struct {
			Orgs map[string]struct {
				Name  string
				Users map[string]struct{ Username string }
				Teams map[string]struct{ Name string }
			} `json:"orgs"`
		}
		w.readJSON(filepath.Join(w.repo, ".atlas-local", "state.json"), &state)
		for _, o := range state.Orgs {
			if o.Name == "acme-dev-analytics" {
				assert.Len(t, o.Users, 2, "make up invited the dev config's two members")
				assert.Len(t, o.Teams, 1)
			}
		}
		for key, raw := range orgs {
			org := raw.(map[string]any)
			at := org["secretExpiresAt"].(string)
			if org["credentialType"] == "apiKey" {
				assert.Empty(t, at, key)
				continue
			}
			_, err := time.Parse(time.RFC3339, at)
			assert.NoError(t, err, "%s: the provider's Go time layout is exported as RFC 3339", key)
		}
	})

	t.Run("no drift after up", func(t *testing.T) {
		w := w.with(t)
		w.pulumi("preview", "--expect-no-changes")
		w.pulumi("refresh", "--expect-no-changes", "--yes")
	})

	t.Run("an accidental replacement fails before anything is deleted", func(t *testing.T) {
		w := w.with(t)
		urn := "urn:pulumi:" + stack + "::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-sandbox"
		orgs := w.atlasOrgs()
		for _, args := range [][]string{{"preview", "--replace", urn}, {"up", "--replace", urn, "--yes"}} {
			out, code := w.command(w.backend(), "", "pulumi", append(args, "--stack", stack, "--non-interactive")...)
			assert.NotEqual(t, 0, code, "pulumi %s must fail", args[0])
			assert.Contains(t, out, `organization "sandbox" (orgId `, "pulumi %s: %s", args[0], tail(out))
			assert.Contains(t, out, "this run would create it again")
		}
		assert.Equal(t, orgs, w.atlasOrgs(), "no organization was created or deleted")
		w.pulumi("preview", "--expect-no-changes")
	})

	t.Run("check-expiry on real outputs", func(t *testing.T) {
		w := w.with(t)
		outputs := w.pulumi("stack", "output", "--json")
		out, code := w.runCode(outputs, "bin/atlas-multiorg", "check-expiry")
		assert.Equal(t, 0, code, out)
		out, code = w.runCode(outputs, "bin/atlas-multiorg", "check-expiry", "--window", "1000h")
		assert.Equal(t, 1, code, "analytics (720 h) is inside a 1000 h window: %s", out)
		assert.Regexp(t, `analytics\s+\S+Z\s+\S+\s+expiring`, out)
	})

	t.Run("an expiry warning in the run", func(t *testing.T) {
		w := w.with(t)
		w.pulumi("config", "set", "atlas-multiorg:expiryWarningHours", "1000")
		out := w.pulumi("up", "--yes")
		w.pulumi("config", "rm", "atlas-multiorg:expiryWarningHours")
		assert.Regexp(t, `organization "analytics": its service account secret expires at \S+Z, in 7\d\dh`, out)
		assert.NotContains(t, out, `organization "sandbox": its service account secret expires`, "2160 h is outside the window")
	})

	t.Run("inside the organizations: policies, both access lists and the API access list switch, in one run", func(t *testing.T) {
		w := w.with(t)
		w.pulumi("config", "set", "--path", "atlas-multiorg:orgs.analytics.resourcePolicies.blockWildcardIp", "true")
		w.pulumi("config", "set", "--path", "atlas-multiorg:orgs.analytics.serviceAccount.accessList[0].ipAddress", "127.0.0.1")
		w.pulumi("config", "set", "--path", "atlas-multiorg:orgs.analytics.apiAccessListRequired", "true")
		w.pulumi("config", "set", "--path", "atlas-multiorg:orgs.payments.apiKey.accessList[0].cidrBlock", "127.0.0.0/8")
		out := w.pulumi("up", "--yes")
		assert.Contains(t, out, "6 created", "a policy, two access list entries, their switches and payments' own provider (analytics' came with its members)")
		assert.True(t, w.accessListRequired("acme-dev-analytics"), "the same run switched it on, once the access list existed")
		assert.False(t, w.accessListRequired("acme-dev-payments"))
		w.pulumi("preview", "--expect-no-changes")
	})

	t.Run("the API access list switch holds through an update of the other settings", func(t *testing.T) {
		w := w.with(t)
		// The provider sends apiAccessListRequired with every settings
		// update, as the Organization last had it (off): the switch sets it
		// again after.
		w.pulumi("config", "set", "--path", "atlas-multiorg:orgs.analytics.securityContact", "soc@example.com")
		w.pulumi("up", "--yes")
		assert.True(t, w.accessListRequired("acme-dev-analytics"))
		w.pulumi("preview", "--expect-no-changes")
	})

	t.Run("rotation: a new secret, then the provider signs in with it", func(t *testing.T) {
		w := w.with(t)
		w.pulumi("config", "set", "--path", "atlas-multiorg:orgs.analytics.serviceAccount.rotateEveryHours", "240")
		out := w.pulumi("up", "--yes")
		assert.Contains(t, out, "ServiceAccountSecret", "the rotated secret")
		// One up converges: the provider of the period keeps the secret it
		// was created with, though the export is now the rotated one.
		w.pulumi("preview", "--expect-no-changes")
		var outputs struct {
			Credentials map[string]map[string]string `json:"credentials"`
		}
		require.NoError(t, json.Unmarshal([]byte(w.pulumi("stack", "output", "--json", "--show-secrets")), &outputs))
		rotated := outputs.Credentials["analytics"]["clientSecret"]
		require.NotEmpty(t, rotated)
		assert.NotContains(t, w.read(filepath.Join(w.repo, ".atlas-local", "access.log")), rotated)
	})

	t.Run("the consumer stack: projects and grants", func(t *testing.T) {
		w := w.with(t)
		dir := filepath.Join(w.repo, "stacks", "projects")
		consumer := strings.Replace(w.read(filepath.Join(dir, "Pulumi.dev.yaml")),
			"orgStack: organization/atlas-multiorg/dev", "orgStack: organization/atlas-multiorg/"+stack, 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.local.yaml"), []byte(consumer), 0o600))
		in := func(args ...string) string {
			return w.runIn(dir, w.backend(), "pulumi", append(args, "--stack", stack, "--non-interactive")...)
		}
		in("stack", "select", "--create")
		in("config", "set", "mongodbatlas:baseUrl", strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url"))))
		out := in("up", "--yes")
		assert.Contains(t, out, "TeamProjectAssignment analytics-app-team-data created", "the dev team gets its project")
		var projects map[string]map[string]any
		require.NoError(t, json.Unmarshal([]byte(in("stack", "output", "projects", "--json")), &projects))
		assert.Len(t, projects, 3)
		in("preview", "--expect-no-changes")
		in("destroy", "--yes")
	})

	t.Run("discover and import-file read a stack file that holds a secret", func(t *testing.T) {
		w := w.with(t)
		stackFile := filepath.Join(w.repo, "Pulumi.local.yaml")
		require.Contains(t, w.read(stackFile), "secure:", "make up stored the provider's secret encrypted")
		out := w.runEnv([]string{
			"MONGODB_ATLAS_BASE_URL=" + strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url"))),
			"MONGODB_ATLAS_CLIENT_ID=" + seed["clientId"], "MONGODB_ATLAS_CLIENT_SECRET=" + seed["clientSecret"],
		}, "bin/atlas-multiorg", "discover", "--config", stackFile)
		assert.Contains(t, out, "importId: "+seed["payingOrgId"])
		assert.NotContains(t, out, seed["clientSecret"])
		w.addOrgs(stackFile, out)
		w.run("", "bin/atlas-multiorg", "import-file", "--config", stackFile, "--existing-component", "--out", "import.json")
		assert.Contains(t, w.read(filepath.Join(w.repo, "import.json")), seed["payingOrgId"])
	})

	t.Run("pulumi import, then no changes", func(t *testing.T) {
		w := w.with(t)
		w.pulumi("import", "--file", "import.json", "--yes", "--generate-code=false", "--protect=true")
		// CLI 3.259's import records no import ID, and the provider keeps the
		// organization under b3JnX2lk:<base64 ID>: were the program to
		// register it with its importId again, this preview would plan a
		// replacement (measured). It reads its state and does not.
		w.pulumi("preview", "--expect-no-changes")
		out := w.pulumi("up", "--yes")
		assert.NotContains(t, out, "replace")
	})

	t.Run("adoption through importId and pulumi up, then no changes", func(t *testing.T) {
		w := w.with(t)
		urn := "urn:pulumi:" + stack + "::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-local-paying-org"
		// The paying organization lists its owner, whom discover adopted
		// as a member: both leave the state, and both are imported again.
		w.pulumi("state", "delete", urn, "--target-dependents", "--yes")
		out := w.pulumi("up", "--yes")
		assert.Contains(t, out, "2 imported", "the organization and its owner's membership")
		w.pulumi("preview", "--expect-no-changes")
	})

	t.Run("access log: every call, no credential", func(t *testing.T) {
		w := w.with(t)
		log := w.read(filepath.Join(w.repo, ".atlas-local", "access.log"))
		assert.Regexp(t, `POST /api/atlas/v2/orgs 20[01]`, log)
		assert.Regexp(t, `PATCH /api/atlas/v2/orgs/[0-9a-f]{24}/settings 200`, log)
		assert.NotContains(t, log, seed["clientSecret"])
		assert.NotRegexp(t, regexp.MustCompile(`(?i)bearer|digest|secret=`), log)
	})

	t.Run("billing after make up: every organization's cost, and the HTML report", func(t *testing.T) {
		w := w.with(t)
		outputs := filepath.Join(w.repo, "outputs.json")
		require.NoError(t, os.WriteFile(outputs, []byte(w.pulumi("stack", "output", "--json")), 0o600))
		env := []string{
			"MONGODB_ATLAS_BASE_URL=" + strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url"))),
			"MONGODB_ATLAS_CLIENT_ID=" + seed["clientId"], "MONGODB_ATLAS_CLIENT_SECRET=" + seed["clientSecret"],
		}
		out := w.runEnv(env, "bin/atlas-multiorg", "billing", "--stack-outputs", outputs, "--html", "report.html")
		for _, key := range []string{"analytics (acme-dev-analytics)", "payments (acme-dev-payments)", "sandbox (acme-dev-sandbox)", "TOTAL (invoices)"} {
			assert.Contains(t, out, key)
		}
		assert.Contains(t, w.read(filepath.Join(w.repo, "report.html")), "data:image/png;base64,")
	})

	t.Run("component package: pulumi package get-schema prints the schema", func(t *testing.T) {
		w := w.with(t)
		var got, want map[string]any
		require.NoError(t, json.Unmarshal([]byte(w.run("", "pulumi", "package", "get-schema", "./bin/pulumi-resource-atlas-multiorg")), &got))
		w.readJSON(filepath.Join(w.repo, "sdk", "schema.json"), &want)
		assert.Equal(t, map[string]any{}, got["config"], "the CLI adds the package's (empty) provider config")
		delete(got, "config")
		assert.Equal(t, want, got)
	})

	for _, example := range exampleLanguages {
		t.Run("component package from "+example+": the dev organizations, secret credentials, Go's validation", func(t *testing.T) {
			w := w.with(t)
			w.requireLanguage(t, example)
			w.exampleWorkflow(t, example)
		})
	}

	t.Run("deploy: shards in parallel, environments in order, a failure stops what follows, no secret printed", func(t *testing.T) {
		w.with(t).deployWorkflow(t, localSeed(seed))
	})

	t.Run("a team on PostgreSQL: two runners, four shards, the lock, no plaintext secret in the table", func(t *testing.T) {
		w.with(t).teamWorkflow(t, localSeed(seed))
	})

	t.Run("make down leaves nothing behind", func(t *testing.T) {
		w := w.with(t)
		w.run("", "make", "down")
		for _, r := range stateResources(t, w.pulumi("stack", "export")) {
			assert.Contains(t, []string{"pulumi:pulumi:Stack", "pulumi:providers:mongodbatlas"}, r.Type, "left in the state")
		}
		assert.Equal(t, []string{"local-paying-org"}, w.atlasOrgs(), "only the seeded paying organization is left in Atlas: adopted, so released, not deleted")
		var state struct {
			Projects map[string]any `json:"projects"`
		}
		w.readJSON(filepath.Join(w.repo, ".atlas-local", "state.json"), &state)
		assert.Empty(t, state.Projects)
	})

	assert.Equal(t, before, w.localState(repoRoot(t)), "the checkout's local state is as it was: everything ran in the copy")
}

// exampleWorkflow follows docs/component-package.md's steps for one component package
// example, checks what it made, that its validation is the Go program's,
// and that the replacement guard and the import-once state work across the
// language boundary, then destroys it.
func (w *workspace) exampleWorkflow(t testing.TB, example string) {
	dir := filepath.Join(w.repo, "examples", example)
	in := func(args ...string) string {
		return w.runIn(dir, w.backend(), "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	before := w.atlasOrgs()
	out := w.run("", "make", "example-"+example)
	assert.Contains(t, out, "6 created", "what the example created before issue 35, and the analytics organization's OrganizationSettings")
	if example == "typescript" {
		// npm's install compiled the SDK with tsc (its postinstall); the
		// program type-checks against it.
		_, err := os.Stat(filepath.Join(dir, "node_modules", "@atlas-multiorg", "atlas-multiorg", "bin", "multiOrg.d.ts"))
		assert.NoError(t, err, "the SDK was compiled")
		w.runIn(dir, nil, "npx", "--no-install", "tsc", "--noEmit")
		w.typesCatchMistakes(t, dir)
	}
	if example == "python" {
		w.pythonTypesCatchMistakes(t, dir)
	}

	var outputs struct {
		OrgIDs          map[string]string `json:"orgIds"`
		CredentialTypes map[string]string `json:"credentialTypes"`
		Credentials     any               `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal([]byte(in("stack", "output", "--json")), &outputs))
	assert.Equal(t, "[secret]", outputs.Credentials, "credentials arrive as a secret")
	assert.Equal(t, map[string]string{"analytics": "serviceAccount", "payments": "apiKey", "sandbox": "serviceAccount"}, outputs.CredentialTypes)
	var state struct {
		Orgs map[string]struct{ Name string } `json:"orgs"`
	}
	w.readJSON(filepath.Join(w.repo, ".atlas-local", "state.json"), &state)
	for key, id := range outputs.OrgIDs {
		assert.Contains(t, state.Orgs, id, "organization %s exists in Atlas", key)
	}
	assert.Len(t, w.atlasOrgs(), len(before)+3)
	var credentials map[string]map[string]string
	require.NoError(t, json.Unmarshal([]byte(in("stack", "output", "credentials", "--json", "--show-secrets")), &credentials))
	assert.NotEmpty(t, credentials["analytics"]["clientSecret"])
	assert.NotEmpty(t, credentials["payments"]["privateKey"])
	exampleSessionTimeoutIsSet(t, strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url"))), outputs.OrgIDs["analytics"], credentials["analytics"])
	for _, secret := range []string{credentials["analytics"]["clientSecret"], credentials["payments"]["privateKey"]} {
		assert.NotContains(t, out, secret, "no secret in the run's output")
	}

	in("preview", "--expect-no-changes")
	urn := "urn:pulumi:" + stack + "::atlas-multiorg-" + example + "::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::dev-analytics"
	guarded, code := w.command(w.backend(), "", "sh", "-c", "cd "+dir+" && pulumi preview --non-interactive --stack "+stack+" --replace '"+urn+"'")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, guarded, `organization "analytics" (orgId `+outputs.OrgIDs["analytics"]+`) exists, and this run would create it again`)

	if example == "yaml" {
		w.lifecycleAcrossTheBoundary(t, dir, in, credentials["analytics"]["clientSecret"])
	}

	// A broken config: every problem with its path, in the Go program's words.
	in("config", "set", "payingOrgId", "acme")
	in("config", "set", "orgOwnerId", "nobody")
	broken, code := w.command(w.backend(), "", "sh", "-c", "cd "+dir+" && pulumi preview --non-interactive --stack "+stack)
	assert.NotEqual(t, 0, code)
	_, goErr := multiorg.SpecFromConfig(map[string]string{
		"atlas-multiorg:payingOrgId": "acme", "atlas-multiorg:orgOwnerId": "nobody", "atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs": `{"analytics": {"name": "acme-dev-analytics"}}`,
	}, stack)
	require.Error(t, goErr)
	assert.Contains(t, broken, "invalid configuration (2 problems)")
	for _, line := range strings.Split(goErr.Error(), "\n")[1:] {
		assert.Contains(t, broken, strings.TrimSpace(line))
	}
	seed := map[string]string{}
	w.readJSON(filepath.Join(w.repo, ".atlas-local", "credentials.json"), &seed)
	in("config", "set", "payingOrgId", seed["payingOrgId"])
	in("config", "set", "orgOwnerId", seed["orgOwnerId"])
	in("preview", "--expect-no-changes")

	w.run("", "make", "example-down", "EXAMPLE="+example)
	assert.Equal(t, before, w.atlasOrgs(), "the example's organizations are gone")
}

// exampleSessionTimeout is the absolute session timeout every component
// package example sets on its analytics organization.
const exampleSessionTimeout = 28800.0

// exampleSessionTimeoutIsSet asks atlas-local's Admin API, signed in with the
// analytics organization's own credential, for its session timeouts: the
// example's absolute one, set by the package plugin's OrganizationSettings
// in the same up that created the organization; the idle one is Atlas'.
func exampleSessionTimeoutIsSet(t testing.TB, baseURL, orgID string, credential map[string]string) {
	t.Helper()
	require.NotEmpty(t, orgID, "the analytics organization's ID")
	settings := newAdminClient(t, baseURL, credential).call(http.MethodGet, "/orgs/"+orgID+"/settings", "2023-01-01", nil)
	timeouts, ok := settings["customSessionTimeouts"].(map[string]any)
	require.True(t, ok, "the organization has session timeouts: %v", settings)
	assert.Equal(t, exampleSessionTimeout, timeouts["absoluteSessionTimeoutInSeconds"])
}

// typesCatchMistakes type-checks programs of a user's own against the
// installed SDK: the schema's enums turn a typo into a compile error, and a
// serviceAccount block may leave out what has a default.
func (w *workspace) typesCatchMistakes(t testing.TB, dir string) {
	program := func(file, orgs string) []string {
		source := `import { MultiOrg } from "@atlas-multiorg/atlas-multiorg";
new MultiOrg("mine", {
    payingOrgId: "5f1a2b3c4d5e6f7a8b9c0d1e",
    environment: ` + orgs + `,
});
`
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(source), 0o600))
		return []string{"-c", "cd " + dir + " && npx --no-install tsc --noEmit --strict --target ES2022 --module commonjs --moduleResolution node " + file}
	}
	good := program("good.ts", `"staging",
    orgs: { a: { name: "acme-a", serviceAccount: { secretExpiresAfterHours: 48 } }, b: { name: "acme-b", apiKey: { description: "b", roles: ["ORG_OWNER"] } } }`)
	out, code := w.command(nil, "", "sh", good...)
	assert.Equal(t, 0, code, "a serviceAccount block without name, description and roles type-checks: %s", out)

	mistakes := program("mistakes.ts", `"qa",
    orgs: { a: { name: "acme-a", apiKey: { description: "a", roles: ["ORG_OWNR"] } } }`)
	out, code = w.command(nil, "", "sh", mistakes...)
	assert.NotEqual(t, 0, code, "typos do not compile")
	assert.Regexp(t, `mistakes\.ts\(4,\d+\): error TS\d+: Type '"qa"' is not assignable`, out, "the environment is one of the profiles")
	assert.Regexp(t, `mistakes\.ts\(5,\d+\): error TS\d+: Type '"ORG_OWNR"' is not assignable`, out, "a role is one of Atlas' organization roles")
}

// pythonTypesCatchMistakes runs mypy in strict mode on the Python example
// and on programs of a user's own against the SDK installed in its
// virtualenv: a program type-checks with the right values, and not with a
// typo in either closed set.
func (w *workspace) pythonTypesCatchMistakes(t testing.TB, dir string) {
	w.runIn(dir, nil, "venv/bin/pip", "install", "--quiet", "mypy==2.4.1")
	w.runIn(dir, nil, "venv/bin/mypy", "--strict", "__main__.py")
	check := func(environment, role string) (string, int) {
		source := `from atlas_multiorg import Environment, MultiOrg, OrgRole

MultiOrg("mine", paying_org_id="5f1a2b3c4d5e6f7a8b9c0d1e", environment=` + environment + `,
         orgs={"a": {"name": "acme-a", "api_key": {"description": "a", "roles": [` + role + `]}},
               "b": {"name": "acme-b", "service_account": {"secret_expires_after_hours": 48}}})
`
		require.NoError(t, os.WriteFile(filepath.Join(dir, "mine.py"), []byte(source), 0o600))
		return w.command(nil, "", "sh", "-c", "cd "+dir+" && venv/bin/mypy --strict mine.py")
	}
	out, code := check("Environment.STAGING", "OrgRole.ORG_OWNER")
	assert.Equal(t, 0, code, "the right values, and a serviceAccount block without name, description and roles: %s", out)
	for mistake, values := range map[string][2]string{"environment": {`"qa"`, "OrgRole.ORG_OWNER"}, "role": {"Environment.STAGING", `"ORG_OWNR"`}} {
		out, code := check(values[0], values[1])
		assert.NotEqual(t, 0, code, "a typo in the %s fails the type check", mistake)
		assert.Regexp(t, `mine\.py:[345]: error:`, out, mistake)
	}
}

// lifecycleAcrossTheBoundary edits the YAML example as a user would:
// rotation, an API access list and apiAccessListRequired for analytics in one
// edit, then the setting off and the list gone in another. Rotation depends
// on what the component's last deployment left in the state, read by the
// plugin through the real engine; the switch runs as a hook in the plugin.
func (w *workspace) lifecycleAcrossTheBoundary(t testing.TB, dir string, in func(...string) string, firstSecret string) {
	program := filepath.Join(dir, "Pulumi.yaml")
	edit := func(old, replacement string) {
		text := w.read(program)
		require.Contains(t, text, old)
		require.NoError(t, os.WriteFile(program, []byte(strings.Replace(text, old, replacement, 1)), 0o600))
	}
	edit("            secretExpiresAfterHours: 720\n", "            secretExpiresAfterHours: 720\n"+
		"            rotateEveryHours: 240\n            accessList:\n              - ipAddress: 127.0.0.1\n")
	edit("          securityContact: security@example.com\n", "          securityContact: security@example.com\n          apiAccessListRequired: true\n")
	out := in("up", "--yes")
	assert.Contains(t, out, "ServiceAccountSecret", "the rotated secret")
	assert.Contains(t, out, "ServiceAccountAccessListEntry", "the access list entry")
	assert.NotContains(t, out, "replace")
	assert.True(t, w.accessListRequired("acme-yaml-analytics"), "the switch, run by the plugin, set it in the same run")
	in("preview", "--expect-no-changes")

	// Off again, and the list taken away in the same edit: the switch, which
	// stays, sets it off before the entry is deleted.
	edit("          apiAccessListRequired: true\n", "")
	edit("            accessList:\n              - ipAddress: 127.0.0.1\n", "")
	in("up", "--yes")
	assert.False(t, w.accessListRequired("acme-yaml-analytics"))
	in("preview", "--expect-no-changes")
	var credentials map[string]map[string]string
	require.NoError(t, json.Unmarshal([]byte(in("stack", "output", "credentials", "--json", "--show-secrets")), &credentials))
	assert.NotEqual(t, firstSecret, credentials["analytics"]["clientSecret"], "the exported credential is the rotated one")

	// The caller protects the component, which its children inherit, and
	// then the next rotation period begins: the period's provider and the
	// rotated secret are replaced anyway, and the organizations stay
	// protected. (Without explicit protect: false on both, the second up
	// fails: the protected provider of the period before cannot be deleted.)
	edit("    type: atlas-multiorg:index:MultiOrg\n", "    type: atlas-multiorg:index:MultiOrg\n    options:\n      protect: true\n")
	in("up", "--yes")
	nextPeriod := "ATLAS_MULTIORG_NOW=" + time.Now().Add(240*time.Hour).UTC().Format(time.RFC3339)
	later := func(args ...string) string {
		return w.runIn(dir, append(w.backend(), nextPeriod), "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	out = later("up", "--yes")
	assert.Contains(t, out, "ServiceAccountSecret", "the secret of the new period")
	later("preview", "--expect-no-changes")
	protected := 0
	for _, r := range stateResources(t, later("stack", "export")) {
		if r.Type == "mongodbatlas:index/organization:Organization" {
			assert.True(t, r.Protect, "%s is still protected", r.URN)
			protected++
		}
	}
	assert.Equal(t, 3, protected)
	edit("    options:\n      protect: true\n", "")
	in("up", "--yes") // unprotected, and back to this period
	in("preview", "--expect-no-changes")
}

// stateResource is a resource of the state `pulumi stack export` prints.
type stateResource struct {
	URN     string         `json:"urn"`
	Type    string         `json:"type"`
	Protect bool           `json:"protect"`
	Inputs  map[string]any `json:"inputs"`
}

// stateResources are the resources of a `pulumi stack export`.
func stateResources(t testing.TB, export string) []stateResource {
	t.Helper()
	var exported struct {
		Deployment struct {
			Resources []stateResource `json:"resources"`
		} `json:"deployment"`
	}
	require.NoError(t, json.Unmarshal([]byte(export), &exported))
	return exported.Deployment.Resources
}

// realTools are what every real-tool test needs on PATH.
var realTools = []string{"pulumi", "pulumi-language-go", "pulumi-resource-mongodbatlas"}

// requireRealTools skips the test, with the one-line reason, where the real
// tools and the extra ones named are not on PATH.
func requireRealTools(t testing.TB, extra ...string) {
	t.Helper()
	for _, tool := range append(slices.Clone(realTools), extra...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH (eval \"$(../shared/tools/activate)\" puts the real tools there)", tool)
		}
	}
}

// newBuiltWorkspace is a scratch copy of the repository with the run's one
// build of bin/ (sharedBin) copied in after the sources, so that make finds
// every binary up to date, and a file backend folder.
func newBuiltWorkspace(t testing.TB) *workspace {
	t.Helper()
	bin := sharedBin(t)
	w := newWorkspace(t)
	require.NoError(t, copyFiles(bin, filepath.Join(w.repo, "bin")))
	require.NoError(t, os.MkdirAll(filepath.Join(w.repo, ".pulumi"), 0o750))
	return w
}

func repoRoot(t testing.TB) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

// newWorkspace copies the working tree as a fresh clone would have it (tracked
// and untracked files, nothing git ignores) and gives it a PULUMI_HOME of its
// own. The Go build cache is kept: it is a cache, not the user's state.
func newWorkspace(t testing.TB) *workspace {
	t.Helper()
	scratch := t.TempDir()
	repo := filepath.Join(scratch, "atlas-multiorg")
	require.NoError(t, copyWorkingTree(t.Context(), repoRoot(t), repo))
	w := &workspace{t: t, repo: repo, env: scratchEnv(filepath.Join(scratch, "pulumi-home"))}
	t.Cleanup(func() {
		// atlas-local outlives a failed test otherwise.
		if pid, err := os.ReadFile(filepath.Join(repo, ".atlas-local", "pid")); err == nil {
			_ = exec.CommandContext(context.Background(), "kill", strings.TrimSpace(string(pid))).Run() //nolint:gosec // G204: the pid atlas-local wrote in the scratch copy
		}
	})
	return w
}

// copyWorkingTree copies root's files as a fresh clone would have them
// (tracked and untracked, nothing git ignores) into repo.
func copyWorkingTree(ctx context.Context, root, repo string) error {
	files, err := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output() //nolint:gosec // G204: the repository's own root
	if err != nil {
		return fmt.Errorf("listing the files of %s: %w", root, err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		info, err := os.Stat(src)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			return fmt.Errorf("copying %s: %w", name, err)
		}
		if err := copyFile(src, filepath.Join(repo, name), info.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// copyFiles copies the files of the folder src into dst, each with its mode
// and a fresh modification time.
func copyFiles(src, dst string) error {
	entries, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("copying %s: %w", e.Name(), err)
		}
		if info.Mode().IsRegular() {
			if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), info.Mode().Perm()); err != nil {
				return err
			}
		}
	}
	return nil
}

func copyFile(src, dst string, mode os.FileMode) error {
	raw, err := os.ReadFile(src) //nolint:gosec // G304: the repository's own files, or the run's build
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if err := os.WriteFile(dst, raw, mode); err != nil { //nolint:gosec // G703: inside the scratch copy
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return nil
}

// scratchEnv is this process's environment without the user's Pulumi login,
// backend, passphrase and Atlas credentials, with the PULUMI_HOME given.
func scratchEnv(pulumiHome string) []string {
	env := []string{"PULUMI_HOME=" + pulumiHome, "PULUMI_SKIP_UPDATE_CHECK=true"}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "PULUMI_HOME", "PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE",
			"MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_BASE_URL":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// with is the workspace for the (sub)test t, so that a failed check stops t.
func (w *workspace) with(t testing.TB) *workspace {
	c := *w
	c.t = t
	return &c
}

func (w *workspace) env0(name string) string {
	for _, kv := range w.env {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// pulumi runs the CLI on the org stack, in the copy's own file backend.
func (w *workspace) pulumi(args ...string) string {
	w.t.Helper()
	return w.runEnv(w.backend(), "pulumi", append(args, "--stack", stack, "--non-interactive")...)
}

func (w *workspace) backend() []string {
	return []string{"PULUMI_BACKEND_URL=file://" + filepath.Join(w.repo, ".pulumi") + "?metadata=skip", "PULUMI_CONFIG_PASSPHRASE=" + passphrase}
}

func (w *workspace) run(stdin string, name string, args ...string) string {
	w.t.Helper()
	out, code := w.runCode(stdin, name, args...)
	require.Equal(w.t, 0, code, "%s %s:\n%s", name, strings.Join(args, " "), tail(out))
	return out
}

// tail is the end of a failed command's output, without the CLI's warning
// about the plugin on PATH, which it repeats for every provider.
func tail(out string) string {
	var kept []string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "using pulumi-resource-mongodbatlas from $PATH") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept[max(0, len(kept)-60):], "\n")
}

func (w *workspace) runIn(dir string, extra []string, name string, args ...string) string {
	w.t.Helper()
	c := *w
	c.repo = dir
	return c.runEnv(extra, name, args...)
}

func (w *workspace) runEnv(extra []string, name string, args ...string) string {
	w.t.Helper()
	out, code := w.command(extra, "", name, args...)
	require.Equal(w.t, 0, code, "%s %s:\n%s", name, strings.Join(args, " "), tail(out))
	return out
}

func (w *workspace) runCode(stdin string, name string, args ...string) (string, int) {
	w.t.Helper()
	return w.command(nil, stdin, name, args...)
}

func (w *workspace) command(extra []string, stdin string, name string, args ...string) (string, int) {
	w.t.Helper()
	cmd := exec.CommandContext(w.t.Context(), name, args...) //nolint:gosec // G204: the test's own commands
	cmd.Dir = w.repo
	cmd.Env = append(append([]string{}, w.env...), extra...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	require.NoError(w.t, err, "%s", name)
	return "", -1
}

func (w *workspace) read(path string) string {
	w.t.Helper()
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the test's own scratch files
	require.NoError(w.t, err)
	return string(raw)
}

func (w *workspace) readJSON(path string, v any) {
	w.t.Helper()
	require.NoError(w.t, json.Unmarshal([]byte(w.read(path)), v))
}

// atlasOrgs are the names of the organizations make up's atlas-local
// holds, sorted.
func (w *workspace) atlasOrgs() []string {
	w.t.Helper()
	return w.atlasOrgsIn(filepath.Join(w.repo, ".atlas-local"))
}

// atlasOrgsIn are the names of the organizations the atlas-local with this
// data folder holds, sorted.
func (w *workspace) atlasOrgsIn(dataDir string) []string {
	w.t.Helper()
	names := []string{}
	for _, o := range w.atlasState(dataDir) {
		names = append(names, o.Name)
	}
	slices.Sort(names)
	return names
}

// addOrgs pastes entries discover printed under atlas-multiorg:orgs, as the
// adoption guide tells the user to.
func (w *workspace) addOrgs(stackFile, entries string) {
	w.t.Helper()
	var file map[string]any // encryptionsalt beside config
	require.NoError(w.t, yaml.Unmarshal([]byte(w.read(stackFile)), &file))
	var found map[string]any
	require.NoError(w.t, yaml.Unmarshal([]byte(entries), &found))
	orgs := file["config"].(map[string]any)["atlas-multiorg:orgs"].(map[string]any)
	for key, entry := range found {
		orgs[key] = entry
	}
	raw, err := yaml.Marshal(file)
	require.NoError(w.t, err)
	require.NoError(w.t, os.WriteFile(stackFile, raw, 0o600))
}

// localState is what make up and the workflows write into a checkout, with
// each file's size and time: none of it may change in the real checkout.
func (w *workspace) localState(root string) map[string]string {
	w.t.Helper()
	state := map[string]string{}
	for _, name := range []string{".pulumi", ".atlas-local", "Pulumi.local.yaml", "import.json", "stacks/projects/Pulumi.local.yaml",
		"examples/yaml/Pulumi.local.yaml", "examples/typescript/Pulumi.local.yaml"} {
		_ = filepath.WalkDir(filepath.Join(root, name), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return nil //nolint:nilerr // absent is a state too
			}
			if info, err := d.Info(); err == nil && !d.IsDir() {
				state[path] = fmt.Sprint(info.Size(), info.ModTime())
			}
			return nil
		})
	}
	return state
}
