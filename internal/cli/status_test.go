package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

const (
	payingOrg = "5f0000000000000000000001"
	ownerID   = "5f00000000000000000000aa"
	orgA      = "5f000000000000000000000a"
	orgB      = "5f000000000000000000000b"
	orphanOrg = "5f00000000000000000000cc"
	// The secrets in the fake states: none may be printed, in any form.
	providerSecretA = "mdb_sa_sk_PROVIDERSECRETA"
	exportedSecretA = "mdb_sa_sk_EXPORTEDSECRETA"
	privateKeyB     = "PRIVATE-KEY-OF-B-0123"
)

// fakeInspector answers Inspect from canned inspections.
type fakeInspector struct {
	stacks []string
	byName map[string]deploy.Inspection
	errs   map[string]error
}

func (f *fakeInspector) ProjectStacks(context.Context) ([]string, error) { return f.stacks, nil }

func (f *fakeInspector) Inspect(_ context.Context, stack string) (deploy.Inspection, error) {
	if err, ok := f.errs[stack]; ok {
		return f.byName[stack], err
	}
	in, ok := f.byName[stack]
	if !ok {
		return deploy.Inspection{}, &deploy.NotFoundError{}
	}
	return in, nil
}

// fakeAtlas is the Admin API: people by organization, the paying
// organization's links, and which credential each call signed in with.
type fakeAtlas struct {
	mu       sync.Mutex
	users    map[string][]atlasapi.OrgUser
	teams    map[string][]atlasapi.Team
	linked   []atlasapi.LinkedOrganization
	linkErr  error
	invoices []atlasapi.Invoice
	// nonCompliant are the resources Atlas reports as breaking resource
	// policies, by organization.
	nonCompliant map[string][]atlasapi.NonCompliantResource
	// signIns are the credentials (client ID or public key) and base URLs used.
	signIns []string
}

type fakeClient struct {
	atlas *fakeAtlas
	creds atlasapi.Credentials
}

func (f *fakeAtlas) connect(_ context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error) {
	if creds == (atlasapi.Credentials{}) {
		return nil, errors.New("no Atlas credentials: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signIns = append(f.signIns, creds.ClientID+creds.PublicKey+"@"+baseURL)
	return &fakeClient{atlas: f, creds: creds}, nil
}

func (c *fakeClient) OrganizationUsers(_ context.Context, orgID string) ([]atlasapi.OrgUser, error) {
	if c.creds.ClientSecret == exportedSecretA {
		return nil, errors.New("the exported credential must not be used while the provider's works")
	}
	return c.atlas.users[orgID], nil
}

func (c *fakeClient) OrganizationTeams(_ context.Context, orgID string) ([]atlasapi.Team, error) {
	return c.atlas.teams[orgID], nil
}

func (c *fakeClient) NonCompliantResources(_ context.Context, orgID string) ([]atlasapi.NonCompliantResource, error) {
	return c.atlas.nonCompliant[orgID], nil
}

func (c *fakeClient) OrganizationAPIKeys(context.Context, string) ([]atlasapi.APIKey, error) {
	return nil, nil
}

func (c *fakeClient) APIKeyAccessList(context.Context, string, string) ([]atlasapi.AccessListEntry, error) {
	return nil, nil
}

func (c *fakeClient) OrganizationServiceAccounts(context.Context, string) ([]atlasapi.ServiceAccount, error) {
	return nil, nil
}

func (c *fakeClient) ServiceAccountAccessList(context.Context, string, string) ([]atlasapi.AccessListEntry, error) {
	return nil, nil
}

func (c *fakeClient) LinkedOrganizations(context.Context, string) ([]atlasapi.LinkedOrganization, error) {
	return c.atlas.linked, c.atlas.linkErr
}

func (c *fakeClient) ListInvoices(context.Context, string) ([]atlasapi.Invoice, error) {
	return c.atlas.invoices, nil
}

func user(id, username string, roles ...string) atlasapi.OrgUser {
	u := atlasapi.OrgUser{ID: id, Username: username, OrgMembershipStatus: "ACTIVE"}
	u.Roles.OrgRoles = roles
	return u
}

// stackConfig is a valid org stack config of two organizations: a with a
// service account, b with an API key, both with ada as their owner.
func stackConfig() map[string]string {
	return map[string]string{
		"mongodbatlas:baseUrl":       "http://atlas.example",
		"atlas-multiorg:payingOrgId": payingOrg,
		"atlas-multiorg:orgOwnerId":  ownerID,
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs": `{"a": {"name": "acme-a", "members": {"ada@example.com": {"roles": ["ORG_OWNER"]}}},
			"b": {"name": "acme-b", "apiKey": {"description": "ci", "roles": ["ORG_OWNER"]}, "members": {"ada@example.com": {"roles": ["ORG_OWNER"]}},
			      "teams": {"platform": {"name": "Platform", "members": ["ada@example.com"]}}}}`,
	}
}

const urnPrefix = "urn:pulumi:dev-0::atlas-multiorg::atlas-multiorg:index:MultiOrg$"

// secretValue is a secret as pulumi stack export --show-secrets prints it.
func secretValue(t *testing.T, v any) map[string]any {
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return map[string]any{wrappedSig: "1b47061264138c4ac30d75fd1eb44270", "plaintext": string(raw)}
}

// deployment is the export of a stack holding a and b, with their
// providers, and a's rotated secret; expiresA is a's secret expiry.
func deployment(t *testing.T, expiresA string) json.RawMessage {
	raw, err := json.Marshal(map[string]any{"version": 3, "deployment": map[string]any{"resources": []map[string]any{
		{"urn": "urn:pulumi:dev-0::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-dev-0", "type": "pulumi:pulumi:Stack",
			"outputs": map[string]any{
				"orgs": map[string]any{
					"a": map[string]any{"orgId": orgA, "name": "acme-a", "credentialType": "serviceAccount", "secretExpiresAt": expiresA},
					"b": map[string]any{"orgId": orgB, "name": "acme-b", "credentialType": "apiKey", "secretExpiresAt": ""},
				},
				"credentials": secretValue(t, map[string]any{"a": map[string]string{"clientId": "mdb_sa_id_a", "clientSecret": exportedSecretA},
					"b": map[string]string{"publicKey": "pubkeyb", "privateKey": privateKeyB}}),
			}},
		{"urn": urnPrefix + "mongodbatlas:index/organization:Organization::multiorg-a", "type": "mongodbatlas:index/organization:Organization",
			"outputs": map[string]any{"orgId": orgA}},
		{"urn": urnPrefix + "mongodbatlas:index/organization:Organization::multiorg-b", "type": "mongodbatlas:index/organization:Organization",
			"outputs": map[string]any{"orgId": orgB}},
		{"urn": urnPrefix + "pulumi:providers:mongodbatlas::multiorg-a-period-7", "type": "pulumi:providers:mongodbatlas",
			"inputs": map[string]any{"clientId": "mdb_sa_id_a", "clientSecret": secretValue(t, "mdb_sa_sk_OLDPERIOD"), "baseUrl": "http://atlas.example"}},
		{"urn": urnPrefix + "pulumi:providers:mongodbatlas::multiorg-a-period-8", "type": "pulumi:providers:mongodbatlas",
			"inputs": map[string]any{"clientId": "mdb_sa_id_a", "clientSecret": secretValue(t, providerSecretA), "baseUrl": "http://atlas.example"}},
		{"urn": urnPrefix + "pulumi:providers:mongodbatlas::multiorg-b", "type": "pulumi:providers:mongodbatlas",
			"inputs": map[string]any{"publicKey": "pubkeyb", "privateKey": secretValue(t, privateKeyB)}},
		{"urn": urnPrefix + "mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret::multiorg-a-secret",
			"type": "mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret"},
	}}})
	require.NoError(t, err)
	return raw
}

// cleanAtlas is an Atlas where every person and team is in the code, and
// every linked organization is held.
func cleanAtlas() *fakeAtlas {
	return &fakeAtlas{
		users: map[string][]atlasapi.OrgUser{
			orgA: {user(ownerID, "owner@example.com", "ORG_OWNER"), user("u1", "ada@example.com", "ORG_OWNER")},
			orgB: {user(ownerID, "owner@example.com", "ORG_OWNER"), user("u1", "Ada@Example.com", "ORG_OWNER")},
		},
		teams:  map[string][]atlasapi.Team{orgB: {{ID: "t1", Name: "platform"}}},
		linked: []atlasapi.LinkedOrganization{{ID: orgA, Name: "acme-a"}, {ID: orgB, Name: "acme-b"}},
	}
}

func statusWith(inspector stackInspector, atlas *fakeAtlas, terminal bool) *statusOptions {
	clock := now
	var mu sync.Mutex // stacks are checked at once
	return &statusOptions{stackRunFlags: stackRunFlags{dir: ".", parallel: 4}, output: "table", window: 336 * time.Hour, timeout: time.Minute,
		now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			clock = clock.Add(1500 * time.Millisecond)
			return clock
		},
		getenv: func(name string) string {
			return map[string]string{"MONGODB_ATLAS_CLIENT_ID": "paying-id", "MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk_PAYINGSECRET"}[name]
		},
		newInspector: func(*statusOptions) stackInspector { return inspector },
		connect:      atlas.connect,
		terminal:     func(io.Writer) bool { return terminal },
	}
}

func runStatus(t *testing.T, opts *statusOptions, names ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := opts.run(t.Context(), names, &stdout, &stderr)
	code := ExitOK
	if err != nil {
		var exit *ExitError
		require.ErrorAs(t, err, &exit)
		code = exit.Code
		stderr.WriteString(err.Error())
	}
	return result{code, stdout.String(), stderr.String()}
}

// driftedStack is dev-0 after four changes outside the code: a's MFA
// switched off, a's rotated secret deleted, an unmanaged person and team
// in b; and a secret input (its provider's) whose values must not show.
func driftedStack(t *testing.T) deploy.Inspection {
	return deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z"), Steps: []deploy.Step{
		{Op: "update", URN: urnPrefix + "mongodbatlas:index/organization:Organization::multiorg-a", Type: "mongodbatlas:index/organization:Organization",
			Diffs: []deploy.PropertyDiff{{Path: "multiFactorAuthRequired", Kind: "update", Atlas: false, Code: true}}},
		{Op: "update", URN: urnPrefix + "pulumi:providers:mongodbatlas::multiorg-a-period-8", Type: mongodbatlas.ProviderType,
			Diffs: []deploy.PropertyDiff{{Path: "clientSecret", Kind: "update", Atlas: "[secret]", Code: "[secret]"}}},
		{Op: "create", URN: urnPrefix + "mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret::multiorg-a-secret",
			Type: "mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret"},
	}}
}

func driftedAtlas() *fakeAtlas {
	atlas := cleanAtlas()
	atlas.users[orgB] = append(atlas.users[orgB], user("u2", "eve@example.com", "ORG_MEMBER"))
	atlas.teams[orgB] = append(atlas.teams[orgB], atlasapi.Team{ID: "t2", Name: "Shadow IT"})
	atlas.linked = append(atlas.linked, atlasapi.LinkedOrganization{ID: orphanOrg, Name: "hand-made"})
	return atlas
}

func TestStatusReportsEachFindingUnderItsOrgKey(t *testing.T) {
	t.Parallel()
	atlas := driftedAtlas()
	opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": driftedStack(t)}}, atlas, false)
	opts.html = filepath.Join(t.TempDir(), "status.html")
	got := runStatus(t, opts, "dev-0")
	assert.Equal(t, ExitFindings, got.code, got.stdout)
	assert.Regexp(t, `(?m)^dev-0 +a +gone +\d+ days left +- +ServiceAccountSecret multiorg-a-secret is gone from Atlas .* \(\+2 more\)$`, got.stdout,
		"a's worst finding first")
	assert.Regexp(t, `(?m)^dev-0 +b +unmanaged +- +- +eve@example.com \(ORG_MEMBER, ACTIVE\) is in the organization`, got.stdout)
	assert.Contains(t, got.stdout, "Organization multiorg-a: multiFactorAuthRequired is false in Atlas, true in the code")
	assert.Contains(t, got.stdout, "mongodbatlas multiorg-a-period-8: clientSecret differs from the code; it holds a secret, so neither value is shown")
	assert.Contains(t, got.stdout, `team "Shadow IT" (t2) is in the organization in Atlas and not in the code (orgs.b.teams); to remove it, `)
	assert.Contains(t, got.stdout, "run: bin/atlas-local console delete-team "+orgB+" 'Shadow IT'\n",
		"b's people are read from http://atlas.example, not Atlas: atlas-local's console stands in for its owner")
	assert.Contains(t, got.stdout, "multiFactorAuthRequired is false in Atlas, true in the code (changed outside the code); to set it back as the code says (or change the code to Atlas' value), run: pulumi up --refresh --stack dev-0\n")
	assert.Contains(t, got.stdout, "paying org "+payingOrg+"  orphan       organization "+orphanOrg+" hand-made is linked")
	assert.Contains(t, got.stdout, "checked 1 of 1 stack and 2 organizations in ")
	assert.Contains(t, got.stdout, ": 6 findings")
	assert.NotContains(t, got.stdout, "owner@example.com", "the owner is the stack's by creation")
	assert.NotContains(t, got.stdout, "ada@example.com", "ada is in the code (in any case)")
	assert.Empty(t, strings.TrimSuffix(got.stderr, statusLineOf(got.stdout)), "no progress line in a CI log")
	assert.Contains(t, atlas.signIns, "mdb_sa_id_a@http://atlas.example", "a's people are read as a's own provider reads them")
	assert.Contains(t, atlas.signIns, "pubkeyb@http://atlas.example", "b's with its API key")
	assert.Contains(t, atlas.signIns, "paying-id@"+atlasapi.DefaultBaseURL,
		"orphans with the caller's credential, from the environment, and so the environment's base URL, as the stack's provider: not mongodbatlas:baseUrl")

	html, err := os.ReadFile(opts.html)
	require.NoError(t, err)
	assert.Contains(t, string(html), "<h1>atlas-multiorg status</h1>")
	assert.Contains(t, string(html), "multiFactorAuthRequired is false in Atlas, true in the code")
	assert.NotContains(t, string(html), "<script", "self-contained and inert")

	opts.output, opts.html = "json", ""
	got = runStatus(t, opts, "dev-0")
	assert.Equal(t, ExitFindings, got.code)
	var report StatusReport
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Equal(t, 1, report.SchemaVersion)
	kinds := map[string][]string{}
	for _, org := range report.Orgs {
		for _, f := range org.Findings {
			kinds[org.Key] = append(kinds[org.Key], f.Kind)
		}
	}
	assert.Equal(t, map[string][]string{"a": {KindGone, KindChanged, KindChanged}, "b": {KindUnmanaged, KindUnmanaged}}, kinds)
	require.Len(t, report.PayingOrgs, 1)
	require.Len(t, report.PayingOrgs[0].Orphans, 1)
	assert.Equal(t, orphanOrg, report.PayingOrgs[0].Orphans[0].OrgID)
	changed := report.Orgs[0].Findings[1]
	assert.Equal(t, Finding{Kind: KindChanged, Resource: "Organization multiorg-a", Field: "multiFactorAuthRequired", Code: "true", Atlas: "false",
		Message: changed.Message, Fix: "pulumi up --refresh --stack dev-0"}, changed)
	assert.True(t, report.Orgs[0].Findings[2].Withheld)
	assert.Equal(t, StatusSummary{Stacks: 1, StacksChecked: 1, Orgs: 2, Findings: 6, ExitCode: ExitFindings}, report.Summary)

	for _, out := range []string{got.stdout, got.stderr, string(html)} {
		for _, secret := range []string{providerSecretA, exportedSecretA, privateKeyB, "mdb_sa_sk_OLDPERIOD", "mdb_sa_sk_PAYINGSECRET", "[secret]", "****", "mdb_sa_sk_"} {
			assert.NotContains(t, out, secret, "a secret, or a masked one, in the output")
		}
	}
}

// statusLineOf is the summary line of a table, which the error repeats.
func statusLineOf(table string) string {
	lines := strings.Split(strings.TrimSpace(table), "\n")
	return lines[len(lines)-1]
}

func TestStatusCleanAndExpiry(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		expires string
		window  time.Duration
		code    int
		want    string
	}{
		"clean":               {"2027-02-21T12:00:00Z", 336 * time.Hour, ExitOK, `(?m)^dev-0 +a +ok +89 days left +- +-$`},
		"inside the window":   {"2026-12-01T00:00:00Z", 336 * time.Hour, ExitFindings, `(?m)^dev-0 +a +expiring +7 days left +- +its service account secret expires at 2026-12-01T00:00:00Z, in 180h0m0s`},
		"outside the window":  {"2026-12-01T00:00:00Z", 24 * time.Hour, ExitOK, `(?m)^dev-0 +a +ok +7 days left`},
		"expired":             {"2026-11-01T00:00:00Z", 336 * time.Hour, ExitFindings, `(?m)^dev-0 +a +expired +expired +- +its service account secret expired at 2026-11-01T00:00:00Z`},
		"go's layout (older)": {"2026-12-01 00:00:00 +0000 UTC", 336 * time.Hour, ExitFindings, `(?m)^dev-0 +a +expiring +7 days left`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, tc.expires)}
			opts := statusWith(&fakeInspector{stacks: []string{"dev-0"}, byName: map[string]deploy.Inspection{"dev-0": in}}, cleanAtlas(), false)
			opts.window = tc.window
			got := runStatus(t, opts) // no names: every stack of the project
			assert.Equal(t, tc.code, got.code, got.stdout)
			assert.Regexp(t, tc.want, got.stdout)
			assert.Regexp(t, `(?m)^dev-0 +b +ok +- +- +-$`, got.stdout, "an API key expires not")
			assert.Contains(t, got.stdout, "Paying organization "+payingOrg+": no orphans")
			if name == "expired" {
				assert.Contains(t, got.stdout, "no update can issue a new secret", "the expired finding gives the takeover's steps")
				assert.Contains(t, got.stdout, "`pulumi config set --stack dev-0 --secret --path 'orgs.a.serviceAccount.takeOver.clientSecret' < a-takeover.secret`")
				assert.Contains(t, got.stdout, "`pulumi up --refresh --run-program --stack dev-0`")
			}
		})
	}
}

// TestStatusReportsNonCompliantResources: each resource Atlas reports as
// breaking a resource policy is a finding of its own, with the policies,
// and the console command that stands in for the person who fixes it, in
// the table and the JSON.
func TestStatusReportsNonCompliantResources(t *testing.T) {
	t.Parallel()
	atlas := cleanAtlas()
	cluster := atlasapi.NonCompliantResource{ResourceID: "c1", ResourceName: "orders", ResourceType: "cluster"}
	cluster.Policies = append(cluster.Policies, struct {
		ID   string `json:"resourcePolicyId"`
		Name string `json:"resourcePolicyName"`
	}{ID: "p1", Name: "atlas-multiorg-cloud-providers"})
	atlas.nonCompliant = map[string][]atlasapi.NonCompliantResource{orgB: {cluster}}
	in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z")}
	opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, atlas, false)
	opts.html = filepath.Join(t.TempDir(), "status.html")
	got := runStatus(t, opts, "dev-0")
	assert.Equal(t, ExitFindings, got.code, got.stdout)
	html, err := os.ReadFile(opts.html)
	require.NoError(t, err)
	assert.Contains(t, string(html), `<span class="bad">non-compliant</span> cluster orders (c1) breaks the organization&#39;s resource policy`)
	assert.Regexp(t, `(?m)^dev-0 +b +non-compliant +- +- +cluster orders \(c1\) breaks the organization's resource policy "atlas-multiorg-cloud-providers" \(p1\), Atlas reports; `+
		`to make it fit the policy, .*, run: bin/atlas-local console clear-non-compliant c1$`, got.stdout, "the fake Admin API is not Atlas, so the console stands in for the person")
	assert.Regexp(t, `(?m)^dev-0 +a +ok `, got.stdout, "a has none")

	opts.output = "json"
	got = runStatus(t, opts, "dev-0")
	var report StatusReport
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.Equal(t, 1, report.SchemaVersion, "a kind of its own, in the shape every finding has")
	var found []Finding
	for _, org := range report.Orgs {
		found = append(found, org.Findings...)
	}
	require.Len(t, found, 1)
	assert.Equal(t, KindNonCompliant, found[0].Kind)
	assert.Equal(t, "cluster orders", found[0].Resource)
	assert.Equal(t, "bin/atlas-local console clear-non-compliant c1", found[0].Fix, "the console clears it by the ID Atlas reports")
}

func TestStatusBadStacksAreOneLineEach(t *testing.T) {
	t.Parallel()
	inspector := &fakeInspector{
		byName: map[string]deploy.Inspection{"dev-0": {Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z")}},
		errs: map[string]error{
			"dev-busy":  &deploy.BusyError{Holder: "locked by ci@runner-1, pid 4242, since 2026-12-04T18:00:00Z"},
			"projects":  &deploy.NotFoundError{OtherProject: "atlas-multiorg-projects"},
			"dev-down":  errors.New("cannot list the stacks of the project in .: could not connect to the backend"),
			"dev-typo2": &deploy.NotFoundError{},
		},
	}
	tests := map[string]struct {
		stacks []string
		code   int
		lines  []string
	}{
		"busy": {[]string{"dev-0", "dev-busy"}, ExitFailure, []string{
			"dev-busy: busy: an update of it is running (locked by ci@runner-1, pid 4242, since 2026-12-04T18:00:00Z); not checked: status does not wait for the lock and does not break it",
			"checked 1 of 2 stacks and 2 organizations in "}},
		"unknown and of another project": {[]string{"dev-typo", "dev-0", "projects"}, ExitUsage, []string{
			"dev-typo: unknown: no such stack in the backend",
			`projects: unknown: a stack of project "atlas-multiorg-projects", not of this project`,
			"checked 1 of 3 stacks and 2 organizations"}},
		"an unreachable backend": {[]string{"dev-down", "dev-0"}, ExitFailure, []string{
			"dev-down: failed: cannot list the stacks of the project in .: could not connect to the backend",
			"checked 1 of 2 stacks"}},
		"named twice": {[]string{"dev-0", "dev-0"}, ExitOK, []string{"checked 1 of 1 stack"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := runStatus(t, statusWith(inspector, cleanAtlas(), false), tc.stacks...)
			assert.Equal(t, tc.code, got.code, got.stdout)
			for _, line := range tc.lines {
				assert.Contains(t, got.stdout, line)
			}
			assert.Regexp(t, `(?m)^dev-0 +a +ok`, got.stdout, "the other stacks are still checked")
		})
	}
}

func TestStatusAdminAPIFailures(t *testing.T) {
	t.Parallel()
	in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z")}
	inspector := &fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}

	atlas := cleanAtlas()
	atlas.linkErr = errors.New("listing the linked organizations of " + payingOrg + ": 503 Service Unavailable")
	got := runStatus(t, statusWith(inspector, atlas, false), "dev-0")
	assert.Equal(t, ExitFailure, got.code)
	assert.Contains(t, got.stdout, "Paying organization "+payingOrg+" (dev-0): orphans not checked: listing the linked organizations")

	opts := statusWith(inspector, cleanAtlas(), false)
	opts.getenv = func(string) string { return "" }
	got = runStatus(t, opts, "dev-0")
	assert.Equal(t, ExitUsage, got.code, "missing credentials are a usage error")
	assert.Contains(t, got.stdout, "orphans and budgets not checked: no Atlas credentials")
	assert.Regexp(t, `(?m)^dev-0 +a +ok`, got.stdout, "a is read with its own provider's credential")

	broken := in
	broken.Steps = nil
	inspector = &fakeInspector{byName: map[string]deploy.Inspection{"dev-0": broken}, errs: map[string]error{"dev-0": errors.New("organization \"a\": 401 Unauthorized")}}
	got = runStatus(t, statusWith(inspector, cleanAtlas(), false), "dev-0")
	assert.Equal(t, ExitFailure, got.code)
	assert.Contains(t, got.stdout, "dev-0: failed: refresh preview failed: organization \"a\": 401 Unauthorized")
	assert.Regexp(t, `(?m)^dev-0 +a +ok +89 days left`, got.stdout, "what the state says is still reported")
}

func TestStatusProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z")}
	inspector := &fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in, "dev-1": in}}
	got := runStatus(t, statusWith(inspector, cleanAtlas(), true), "dev-0", "dev-1")
	assert.Equal(t, ExitOK, got.code)
	assert.Contains(t, got.stderr, "\rstatus: 1/2 stacks checked")
	assert.Contains(t, got.stderr, "\rstatus: 2/2 stacks checked")
	got = runStatus(t, statusWith(inspector, cleanAtlas(), false), "dev-0", "dev-1")
	assert.Empty(t, got.stderr)
}

func TestStatusFlags(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args   []string
		stderr string
	}{
		"bad output":    {[]string{"status", "-o", "yaml"}, "--output must be table or json"},
		"zero parallel": {[]string{"status", "--parallel", "0"}, "--parallel must be at least 1"},
		"bad window":    {[]string{"status", "--window", "0s"}, "--window and --timeout must be positive"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := run(t, "", tc.args...)
			assert.Equal(t, ExitUsage, got.code)
			assert.Contains(t, got.stderr, tc.stderr)
		})
	}
}

func TestDisplayValue(t *testing.T) {
	t.Parallel()
	org, settings := mongodbatlas.OrganizationType, orgsettings.Type
	tests := map[string]struct {
		typeToken string
		path      string
		value     any
		want      string
		shown     bool
	}{
		"a bool":                {org, "multiFactorAuthRequired", true, "true", true},
		"a string":              {org, "securityContact", "sec@example.com", `"sec@example.com"`, true},
		"none":                  {org, "securityContact", nil, "null", true},
		"a masked secret":       {org, "name", "[secret]", "", false},
		"a secret field":        {org, "serviceAccount.secrets[0]", map[string]any{"expiresAt": "x"}, "", false},
		"a private key":         {org, "privateKey", "abc", "", false},
		"a credential's shape":  {org, "description", "mdb_sa_sk_abc", "", false},
		"a state secret object": {org, "x", map[string]any{wrappedSig: "1", "ciphertext": "zz"}, "", false},
		// The settings' schema says which inputs are secrets, not their names.
		"the secret-validity cap":     {settings, "maxServiceAccountSecretValidityInHours", 720, "720", true},
		"a refresh-token lifetime":    {settings, "idleRefreshTokenLifetime", 3600, "3600", true},
		"the settings' client secret": {settings, "clientSecret", "abc", "", false},
		"the settings' client ID":     {settings, "clientId", "mdb_sa_id_abc", "", false},
		"the settings' public key":    {settings, "publicKey", "abcdefgh", "", false},
		"a masked setting":            {settings, "operationsContact", "[secret]", "", false},
		"a setting of another type":   {org, "maxServiceAccountSecretValidityInHours", 720, "", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, shown := displayValue(tc.typeToken, tc.path, tc.value)
			assert.Equal(t, tc.shown, shown)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestOrgKeyOfAndProviderKey(t *testing.T) {
	t.Parallel()
	keys := []string{"a", "a-member", "data"}
	assert.Equal(t, "a", orgKeyOf(mongodbatlas.OrganizationType, "multiorg-a", keys))
	assert.Equal(t, "a", orgKeyOf(mongodbatlas.CloudUserOrgAssignmentType, "multiorg-a-member-ada@example.com", keys))
	assert.Equal(t, "a-member", orgKeyOf(mongodbatlas.OrganizationType, "multiorg-a-member", keys), "a key that fits whole")
	assert.Equal(t, "a-member", orgKeyOf(mongodbatlas.TeamType, "multiorg-a-member-team-x", keys), "the longest key a part follows")
	assert.Empty(t, orgKeyOf(mongodbatlas.ProjectType, "multiorg-data-something-else", keys), "a name the component does not build")
	assert.Equal(t, "data", orgKeyOf(mongodbatlas.TeamType, "multiorg-data-team-platform", keys))
	assert.Equal(t, "data", orgKeyOf(mongodbatlas.ProviderType, "multiorg-data-period-2041", keys))
	assert.Equal(t, "a", orgKeyOf("pulumi:index:Stash", "multiorg-a-api-access-list-required", keys), "the switch")
	assert.Empty(t, orgKeyOf(mongodbatlas.OrganizationType, "multiorg-gone", keys), "a key no longer in the config")
	assert.Empty(t, orgKeyOf(multiorg.Type, "multiorg", keys), "the component itself")
	key, period, ok := providerKey("multiorg-data-period-2041")
	assert.Equal(t, []any{"data", int64(2041), true}, []any{key, period, ok})
	key, period, ok = providerKey("multiorg-data")
	assert.Equal(t, []any{"data", int64(-1), true}, []any{key, period, ok})
	_, _, ok = providerKey("default_4_14_0")
	assert.False(t, ok)
}

// withoutResource is a deployment without the resources whose URN ends so.
func withoutResource(t *testing.T, raw json.RawMessage, urnSuffix string) json.RawMessage {
	var export struct {
		Version    int                         `json:"version"`
		Deployment map[string][]map[string]any `json:"deployment"`
	}
	require.NoError(t, json.Unmarshal(raw, &export))
	resources := export.Deployment["resources"]
	kept := resources[:0]
	for _, r := range resources {
		if !strings.HasSuffix(r["urn"].(string), urnSuffix) {
			kept = append(kept, r)
		}
	}
	export.Deployment["resources"] = kept
	out, err := json.Marshal(export)
	require.NoError(t, err)
	return out
}

func TestStatusSignsInWithTheExportedCredentialWithoutAProvider(t *testing.T) {
	t.Parallel()
	in := deploy.Inspection{Environment: "dev", Config: stackConfig(),
		Deployment: withoutResource(t, deployment(t, "2027-02-21T12:00:00Z"), "pulumi:providers:mongodbatlas::multiorg-b")}
	atlas := cleanAtlas()
	got := runStatus(t, statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, atlas, false), "dev-0")
	assert.Equal(t, ExitOK, got.code, got.stdout)
	assert.Contains(t, atlas.signIns, "pubkeyb@http://atlas.example", "b, with nothing inside it, has no provider: its exported credential")
	assert.NotContains(t, got.stdout, privateKeyB)
}

func TestStatusHoldsBudgetsAsBillingCheckDoes(t *testing.T) {
	t.Parallel()
	config := stackConfig()
	config["atlas-multiorg:orgs"] = `{"a": {"name": "acme-a", "monthlyBudgetUsd": "250", "members": {"ada@example.com": {"roles": ["ORG_OWNER"]}}},
		"b": {"name": "acme-b", "monthlyBudgetUsd": "12", "apiKey": {"description": "ci", "roles": ["ORG_OWNER"]},
		      "members": {"ada@example.com": {"roles": ["ORG_OWNER"]}}, "teams": {"platform": {"name": "Platform", "members": ["ada@example.com"]}}}}`
	in := deploy.Inspection{Environment: "dev", Config: config, Deployment: deployment(t, "2027-02-21T12:00:00Z")}
	atlas := cleanAtlas()
	// November 2026 to date, 22.5 of its 30 days on the test's clock: a
	// is over its budget already, b projected over it.
	atlas.invoices = []atlasapi.Invoice{{ID: "inv-11", OrgID: payingOrg, StatusName: "PENDING",
		StartDate: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		AmountBilledCents: 31000, LinkedInvoices: []atlasapi.Invoice{{OrgID: orgA, SubtotalCents: 30000}, {OrgID: orgB, SubtotalCents: 1000}}}}
	opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, atlas, false)
	got := runStatus(t, opts, "dev-0")
	assert.Equal(t, ExitFindings, got.code, got.stdout)
	assert.Regexp(t, `(?m)^dev-0 +a +over-budget +89 days left +over +\$300\.00 to date in 2026-11, \$50\.00 over its budget of \$250\.00$`, got.stdout)
	assert.Regexp(t, `(?m)^dev-0 +b +over-budget +- +projected +projected \$13\.\d\d for 2026-11, \$1\.\d\d over its budget of \$12\.00 \(\$10\.00 to date\)$`, got.stdout)

	opts.output = "json"
	got = runStatus(t, opts, "dev-0")
	var report StatusReport
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	budgets := map[string]BudgetStatus{}
	for _, org := range report.Orgs {
		require.NotNil(t, org.Budget, org.Key)
		budgets[org.Key] = *org.Budget
	}
	assert.Equal(t, BudgetStatus{Month: "2026-11", BudgetCents: 25000, ToDateCents: 30000, ProjectedCents: budgets["a"].ProjectedCents, State: "over"}, budgets["a"])
	assert.Equal(t, "projected", budgets["b"].State)
}

func TestAccessListSetBackFinding(t *testing.T) {
	t.Parallel()
	const switchName = "multiorg-locked-api-access-list-required"
	words := "multiFactorAuthRequired=true securityContact="
	tests := map[string]struct {
		name    string
		diff    deploy.PropertyDiff
		finding bool
	}{
		"a set-back counted, the whole input": {switchName, deploy.PropertyDiff{Path: "input", Kind: "update",
			Atlas: map[string]any{"otherSettings": words}, Code: map[string]any{"otherSettings": words + " setBack=1:false"}}, true},
		"a set-back counted, the one field": {switchName, deploy.PropertyDiff{Path: "input.otherSettings", Kind: "update",
			Atlas: words + " setBack=1:false", Code: words + " setBack=2:false"}, true},
		"a change of another setting, the count as it was": {switchName, deploy.PropertyDiff{Path: "input.otherSettings", Kind: "update",
			Atlas: "securityContact= setBack=1:false", Code: "securityContact=a@example.com setBack=1:false"}, false},
		"another stash": {"multiorg-locked-destroy-guard", deploy.PropertyDiff{Path: "input", Kind: "update",
			Atlas: map[string]any{"otherSettings": words}, Code: map[string]any{"otherSettings": words + " setBack=1:false"}}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			step := deploy.Step{Op: "update", Type: stashType, URN: "urn::" + tc.name, Diffs: []deploy.PropertyDiff{tc.diff}}
			f, ok := accessListSetBackFinding(step, tc.name, []string{"locked"})
			require.Equal(t, tc.finding, ok)
			if !ok {
				return
			}
			assert.Equal(t, Finding{Kind: KindChanged, Resource: "Organization multiorg-locked", Field: "apiAccessListRequired", Code: "true", Atlas: "false",
				Message: "Organization multiorg-locked: apiAccessListRequired is false in Atlas, true in the code (changed outside the code)"}, f)
		})
	}
}
