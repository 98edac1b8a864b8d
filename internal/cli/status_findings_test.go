package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mongodb-forks/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

func TestDriftIsOnlyWhatTheCodeSets(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		step deploy.Step
		want []string
	}{
		"a person's computed fields, null on both sides or not the code's": {deploy.Step{Op: "update", Type: mongodbatlas.CloudUserOrgAssignmentType,
			Diffs: []deploy.PropertyDiff{
				{Path: "lastAuth", Kind: "update"},
				{Path: "teamIds", Kind: "update", Atlas: []any{"t1"}},
				{Path: "roles.orgRoles[0]", Kind: "update", Atlas: "ORG_MEMBER", Code: "ORG_OWNER"},
			}}, []string{"roles.orgRoles[0]"}},
		"a secret the provider computes": {deploy.Step{Op: "update", Type: mongodbatlas.OrganizationType,
			Diffs: []deploy.PropertyDiff{{Path: "serviceAccount.secrets[0].secret", Kind: "update", Atlas: "[secret]", Code: "[secret]"}}}, nil},
		"an input with equal values": {deploy.Step{Op: "update", Type: mongodbatlas.OrganizationType,
			Diffs: []deploy.PropertyDiff{{Path: "name", Kind: "update", Atlas: "acme-a", Code: "acme-a"}}}, nil},
		"a secret input, masked on both sides, may differ": {deploy.Step{Op: "update", Type: mongodbatlas.ProviderType,
			Diffs: []deploy.PropertyDiff{{Path: "clientSecret", Kind: "update", Atlas: "[secret]", Code: "[secret]"}}}, []string{"clientSecret"}},
		"a type outside the binding": {deploy.Step{Op: "update", Type: "pulumi:index:Stash",
			Diffs: []deploy.PropertyDiff{{Path: "input", Kind: "update", Atlas: false, Code: true}}}, []string{"input"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var paths []string
			for _, d := range driftedProperties(tc.step) {
				paths = append(paths, d.Path)
			}
			assert.Equal(t, tc.want, paths)
		})
	}
}

func TestStatusReportsNoComputedFields(t *testing.T) {
	t.Parallel()
	in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z"), Steps: []deploy.Step{
		{Op: "update", URN: urnPrefix + mongodbatlas.CloudUserOrgAssignmentType + "::multiorg-b-member-ada@example.com", Type: mongodbatlas.CloudUserOrgAssignmentType,
			Diffs: []deploy.PropertyDiff{{Path: "lastAuth", Kind: "update"}, {Path: "teamIds", Kind: "update", Atlas: []any{}, Code: nil}}},
		{Op: "update", URN: urnPrefix + mongodbatlas.OrganizationType + "::multiorg-a", Type: mongodbatlas.OrganizationType,
			Diffs: []deploy.PropertyDiff{{Path: "serviceAccount.secrets[0].secret", Kind: "update", Atlas: "[secret]", Code: "[secret]"}}},
	}}
	got := runStatus(t, statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, cleanAtlas(), false), "dev-0")
	assert.Equal(t, ExitOK, got.code, got.stdout)
	assert.NotContains(t, got.stdout, "lastAuth")
	assert.NotContains(t, got.stdout, "teamIds")
	assert.NotContains(t, got.stdout, "differs from the code")
}

// TestAChangeThatReplacesIsNotFixedByAnUpdate: a change the refresh
// preview would undo by replacing the resource has no `pulumi up --refresh`
// fix: the message says it would be replaced (for an Organization, that the
// replacement guard refuses), and what to do instead.
func TestAChangeThatReplacesIsNotFixedByAnUpdate(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		typ, name string
		says      string
	}{
		"an organization": {mongodbatlas.OrganizationType, "multiorg-a", "with everything in it, which the replacement guard refuses"},
		"a team":          {mongodbatlas.TeamType, "multiorg-a-team-platform", "so whatever holds its ID loses it"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			urn := urnPrefix + tc.typ + "::" + tc.name
			in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z"), Steps: []deploy.Step{
				{Op: "create-replacement", URN: urn, Type: tc.typ, Diffs: []deploy.PropertyDiff{{Path: "orgOwnerId", Kind: "update-replace", Atlas: "a", Code: "b"}}},
				{Op: "replace", URN: urn, Type: tc.typ, Diffs: []deploy.PropertyDiff{{Path: "orgOwnerId", Kind: "update-replace", Atlas: "a", Code: "b"}}},
			}}
			opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, cleanAtlas(), false)
			opts.output = "json"
			got := runStatus(t, opts, "dev-0")
			var report StatusReport
			require.NoError(t, json.Unmarshal([]byte(got.stdout), &report), got.stdout)
			var replaced []Finding
			for _, org := range report.Orgs {
				for _, f := range org.Findings {
					if strings.Contains(f.Message, "replaces it") {
						replaced = append(replaced, f)
					}
				}
			}
			require.Len(t, replaced, 1, got.stdout)
			assert.Equal(t, KindChanged, replaced[0].Kind)
			assert.Empty(t, replaced[0].Fix, "no pulumi up --refresh: it would replace it")
			assert.Contains(t, replaced[0].Message, tc.says)
			assert.Contains(t, replaced[0].Message, "Instead, set orgOwnerId back in Atlas as the code says, or change the code to Atlas' value")
			assert.NotContains(t, replaced[0].Message, "pulumi up --refresh --stack")
		})
	}
}

// TestADueRotationIsFixedByAnUpdate: a replacement that names no property
// that differs is the code's (a rotation's period has passed), not a change
// in Atlas: its fix is pulumi up --refresh, as for any drift.
func TestADueRotationIsFixedByAnUpdate(t *testing.T) {
	t.Parallel()
	tests := map[string][]deploy.PropertyDiff{
		"no property named":           nil,
		"only the replacementTrigger": {{Path: "replacementTrigger", Kind: "update-replace"}},
	}
	for name, diffs := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			urn := urnPrefix + mongodbatlas.ServiceAccountSecretType + "::multiorg-a-secret"
			in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z"), Steps: []deploy.Step{
				{Op: "replace", URN: urn, Type: mongodbatlas.ServiceAccountSecretType, Diffs: diffs},
			}}
			opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, cleanAtlas(), false)
			opts.output = "json"
			got := runStatus(t, opts, "dev-0")
			var report StatusReport
			require.NoError(t, json.Unmarshal([]byte(got.stdout), &report), got.stdout)
			var due []Finding
			for _, org := range report.Orgs {
				for _, f := range org.Findings {
					if f.Resource == "ServiceAccountSecret multiorg-a-secret" {
						due = append(due, f)
					}
				}
			}
			require.Len(t, due, 1, got.stdout)
			assert.Equal(t, KindChanged, due[0].Kind)
			assert.Equal(t, "pulumi up --refresh --stack dev-0", due[0].Fix)
			assert.Contains(t, due[0].Message, "due to be replaced by the code")
		})
	}
}

// atlasCaller acts in an organization of an in-process atlas-local as a
// person in the Atlas UI would, with the organization's own credential.
type atlasCaller struct {
	t       *testing.T
	baseURL string
	client  *http.Client
	token   string
}

// serviceAccountCaller signs in with a service account.
func serviceAccountCaller(t *testing.T, baseURL, clientID, secret string) *atlasCaller {
	t.Helper()
	return &atlasCaller{t: t, baseURL: baseURL, client: http.DefaultClient, token: localapitest.ServiceAccountToken(t, baseURL, clientID, secret)}
}

// apiKeyCaller signs in with an API key (HTTP digest).
func apiKeyCaller(t *testing.T, baseURL, publicKey, privateKey string) *atlasCaller {
	return &atlasCaller{t: t, baseURL: baseURL, client: &http.Client{Transport: digest.NewTransport(publicKey, privateKey)}}
}

// call sends body to the versioned endpoint and returns the answer,
// requiring a 2xx.
func (c *atlasCaller) call(method, path, version string, body any) map[string]any {
	c.t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(c.t, err)
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.baseURL+"/api/atlas/v2"+path, bytes.NewReader(raw))
	require.NoError(c.t, err)
	media := "application/vnd.atlas." + version + "+json"
	req.Header.Set("Accept", media)
	req.Header.Set("Content-Type", media)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	require.NoError(c.t, err)
	defer func() { _ = resp.Body.Close() }()
	var answer map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	require.Less(c.t, resp.StatusCode, 300, "%s %s: %v", method, path, answer)
	return answer
}

// TestStatusFindsWhatAtlasHoldsOnTheStacksCredentials deploys nothing: two
// organizations made in an in-process atlas-local as the stack would make
// them (a with a service account and a team, b with an API key and an
// access-list entry), a state that holds them, then changes by hand: the
// team renamed, a second secret and an access-list entry on a's service
// account, b's key's description and roles changed, an entry on its access
// list and a second API key. Status reports the rename as changed (the refresh preview
// says so) and never the renamed team as unmanaged, and finds the rest by
// reading Atlas with each organization's own credential.
func TestStatusFindsWhatAtlasHoldsOnTheStacksCredentials(t *testing.T) {
	t.Parallel()
	atlas := localapitest.StartWith(t, localapitest.Options{Now: now})
	paying := &atlasCaller{t: t, baseURL: atlas.URL, client: http.DefaultClient, token: atlas.Token}

	a := atlas.CreateWithServiceAccount(t, "acme-a")
	asA := serviceAccountCaller(t, atlas.URL, a.ClientID, a.ClientSecret)
	account := asA.call(http.MethodGet, "/orgs/"+a.OrgID+"/serviceAccounts/"+a.ClientID, "2024-08-05", nil)
	first := account["secrets"].([]any)[0].(map[string]any)
	team := asA.call(http.MethodPost, "/orgs/"+a.OrgID+"/teams", "2023-01-01", map[string]any{"name": "Platform"})["id"].(string)

	created := paying.call(http.MethodPost, "/orgs", "2023-01-01", map[string]any{"name": "acme-b", "orgOwnerId": atlas.Seed.OwnerID,
		"apiKey": map[string]any{"desc": "ci", "roles": []string{"ORG_OWNER"}}})
	b := created["organization"].(map[string]any)["id"].(string)
	key := created["apiKey"].(map[string]any)
	publicKey, privateKey, keyID := key["publicKey"].(string), key["privateKey"].(string), key["id"].(string)
	asB := apiKeyCaller(t, atlas.URL, publicKey, privateKey)
	asB.call(http.MethodPost, "/orgs/"+b+"/apiKeys/"+keyID+"/accessList", "2023-01-01", []map[string]string{{"ipAddress": "10.0.0.1"}}) // the stack's

	in := deploy.Inspection{Environment: "dev", Config: map[string]string{
		"mongodbatlas:baseUrl":       atlas.URL,
		"atlas-multiorg:payingOrgId": atlas.Seed.PayingOrgID,
		"atlas-multiorg:orgOwnerId":  atlas.Seed.OwnerID,
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs": `{"a": {"name": "acme-a", "serviceAccount": {"name": "ci", "description": "ci", "roles": ["ORG_OWNER"], "secretExpiresAfterHours": 720},
			      "teams": {"platform": {"name": "Platform", "members": []}}},
			"b": {"name": "acme-b", "apiKey": {"description": "ci", "roles": ["ORG_OWNER"], "accessList": [{"ipAddress": "10.0.0.1"}]}}}`,
	}}
	raw, err := json.Marshal(map[string]any{"version": 3, "deployment": map[string]any{"resources": []map[string]any{
		{"urn": "urn:pulumi:dev-0::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-dev-0", "type": "pulumi:pulumi:Stack",
			"outputs": map[string]any{"orgs": map[string]any{
				"a": map[string]any{"orgId": a.OrgID, "name": "acme-a", "credentialType": "serviceAccount", "secretExpiresAt": first["expiresAt"]},
				"b": map[string]any{"orgId": b, "name": "acme-b", "credentialType": "apiKey", "secretExpiresAt": ""},
			}}},
		{"urn": urnPrefix + mongodbatlas.OrganizationType + "::multiorg-a", "type": mongodbatlas.OrganizationType, "outputs": map[string]any{"orgId": a.OrgID,
			"serviceAccount": secretValue(t, map[string]any{"clientId": a.ClientID, "secrets": []any{map[string]any{"secretId": first["id"], "createdAt": first["createdAt"]}}})}},
		{"urn": urnPrefix + "pulumi:providers:mongodbatlas::multiorg-a", "type": mongodbatlas.ProviderType,
			"inputs": map[string]any{"clientId": a.ClientID, "clientSecret": secretValue(t, a.ClientSecret), "baseUrl": atlas.URL}},
		{"urn": urnPrefix + mongodbatlas.TeamType + "::multiorg-a-team-platform", "type": mongodbatlas.TeamType, "outputs": map[string]any{"teamId": team, "name": "Platform"}},
		{"urn": urnPrefix + mongodbatlas.OrganizationType + "::multiorg-b", "type": mongodbatlas.OrganizationType,
			"outputs": map[string]any{"orgId": b, "publicKey": secretValue(t, publicKey), "privateKey": secretValue(t, privateKey)}},
		{"urn": urnPrefix + "pulumi:providers:mongodbatlas::multiorg-b", "type": mongodbatlas.ProviderType,
			"inputs": map[string]any{"publicKey": publicKey, "privateKey": secretValue(t, privateKey), "baseUrl": atlas.URL}},
		{"urn": urnPrefix + mongodbatlas.AccessListApiKeyType + "::multiorg-b-allow-10.0.0.1", "type": mongodbatlas.AccessListApiKeyType,
			"outputs": map[string]any{"ipAddress": "10.0.0.1", "cidrBlock": "10.0.0.1/32", "apiKeyId": keyID}},
	}}})
	require.NoError(t, err)
	in.Deployment = raw
	opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, cleanAtlas(), false)
	opts.getenv = func(name string) string { return atlas.Env[name] }
	opts.connect = func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error) {
		return atlasapi.New(ctx, baseURL, creds)
	}
	opts.output = "json"
	got := runStatus(t, opts, "dev-0")
	require.Equal(t, ExitOK, got.code, "clean as deployed: %s", got.stdout)

	// By hand, in Atlas.
	asA.call(http.MethodPatch, "/orgs/"+a.OrgID+"/teams/"+team, "2023-01-01", map[string]any{"name": "Platform (old)"})
	hand := asA.call(http.MethodPost, "/orgs/"+a.OrgID+"/serviceAccounts/"+a.ClientID+"/secrets", "2024-08-05", map[string]any{"secretExpiresAfterHours": 48})["id"].(string)
	asA.call(http.MethodPost, "/orgs/"+a.OrgID+"/serviceAccounts/"+a.ClientID+"/accessList", "2024-08-05", []map[string]string{{"ipAddress": "10.0.0.9"}})
	asB.call(http.MethodPatch, "/orgs/"+b+"/apiKeys/"+keyID, "2023-01-01", map[string]any{"desc": "changed by hand", "roles": []string{"ORG_OWNER", "ORG_BILLING_ADMIN"}})
	asB.call(http.MethodPost, "/orgs/"+b+"/apiKeys/"+keyID+"/accessList", "2023-01-01", []map[string]string{{"cidrBlock": "10.1.0.0/16"}})
	extra := asB.call(http.MethodPost, "/orgs/"+b+"/apiKeys", "2023-01-01", map[string]any{"desc": "hand", "roles": []string{"ORG_READ_ONLY"}})["publicKey"].(string)
	in.Steps = []deploy.Step{{Op: "update", URN: urnPrefix + mongodbatlas.TeamType + "::multiorg-a-team-platform", Type: mongodbatlas.TeamType,
		Diffs: []deploy.PropertyDiff{{Path: "name", Kind: "update", Atlas: "Platform (old)", Code: "Platform"}}}}
	opts.newInspector = func(*statusOptions) stackInspector {
		return &fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}
	}

	got = runStatus(t, opts, "dev-0")
	assert.Equal(t, ExitFindings, got.code, got.stdout)
	var report StatusReport
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	type found struct{ key, kind, resource, field, code, atlas string }
	var findings []found
	orgs := map[string]OrgStatus{}
	for _, org := range report.Orgs {
		orgs[org.Key] = org
		for _, f := range org.Findings {
			findings = append(findings, found{org.Key, f.Kind, f.Resource, f.Field, f.Code, f.Atlas})
			assert.NotContains(t, f.Message, "delete it in Atlas", "nothing the code manages is to be deleted")
		}
	}
	assert.ElementsMatch(t, []found{
		{"a", KindChanged, "Team multiorg-a-team-platform", "name", `"Platform"`, `"Platform (old)"`},
		{"a", KindUnmanaged, "secret " + hand + " of service account " + a.ClientID, "", "", ""},
		{"a", KindUnmanaged, "access-list entry 10.0.0.9/32 of service account " + a.ClientID, "", "", ""},
		{"b", KindChanged, "Organization multiorg-b", "description", `"ci"`, `"changed by hand"`},
		{"b", KindChanged, "Organization multiorg-b", "roleNames", `["ORG_OWNER"]`, `["ORG_BILLING_ADMIN","ORG_OWNER"]`},
		{"b", KindUnmanaged, "access-list entry 10.1.0.0/16 of API key " + publicKey, "", "", ""},
		{"b", KindUnmanaged, "API key " + extra, "", "", ""},
	}, findings, got.stdout)
	require.NotNil(t, orgs["a"].DaysLeft)
	assert.Equal(t, 1, *orgs["a"].DaysLeft, "the hand-made secret expires first, in 48 hours")
	assert.Equal(t, []string{hand, SecretOutsideTheCode}, []string{orgs["a"].SecretID, orgs["a"].SecretOrigin})
	for _, secret := range []string{a.ClientSecret, privateKey} {
		assert.NotContains(t, got.stdout, secret)
	}

	opts.output = "table"
	got = runStatus(t, opts, "dev-0")
	assert.Regexp(t, `(?m)^dev-0 +a +changed +1 day left \(secret `+hand+`, made outside the code\) `, got.stdout)
}

// TestAnAdoptedOrganizationsOtherCredentialsAreReported: an adopted
// organization (read with the caller's credential, a service account of
// its own) is clean as adopted; a service account and an API key made in
// it by hand are then reported, saying the code manages only its
// serviceAccount block, never the caller's credential, and never advising
// to delete what the code manages.
func TestAnAdoptedOrganizationsOtherCredentialsAreReported(t *testing.T) {
	t.Parallel()
	atlas := localapitest.StartWith(t, localapitest.Options{Now: now})
	c := atlas.CreateWithServiceAccount(t, "acme-c")
	asC := serviceAccountCaller(t, atlas.URL, c.ClientID, c.ClientSecret)
	in := deploy.Inspection{Environment: "dev", Config: map[string]string{
		"mongodbatlas:baseUrl":       atlas.URL,
		"atlas-multiorg:payingOrgId": atlas.Seed.PayingOrgID,
		"atlas-multiorg:orgOwnerId":  atlas.Seed.OwnerID,
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs": `{"c": {"name": "acme-c", "importId": "` + c.OrgID + `", "apiAccessListRequired": false, "multiFactorAuthRequired": false,
			"restrictEmployeeAccess": false, "genAiFeaturesEnabled": true, "securityContact": "", "skipDefaultAlertsSettings": true}}`,
	}}
	raw, err := json.Marshal(map[string]any{"version": 3, "deployment": map[string]any{"resources": []map[string]any{
		{"urn": "urn:pulumi:dev-0::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-dev-0", "type": "pulumi:pulumi:Stack",
			"outputs": map[string]any{"orgs": map[string]any{"c": map[string]any{"orgId": c.OrgID, "name": "acme-c", "credentialType": "none", "secretExpiresAt": ""}}}},
		{"urn": urnPrefix + mongodbatlas.OrganizationType + "::multiorg-c", "type": mongodbatlas.OrganizationType, "outputs": map[string]any{"orgId": c.OrgID}},
	}}})
	require.NoError(t, err)
	in.Deployment = raw
	opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, cleanAtlas(), false)
	// The caller's credential, an Organization Owner of the adopted
	// organization.
	opts.getenv = func(name string) string {
		return map[string]string{"MONGODB_ATLAS_CLIENT_ID": c.ClientID, "MONGODB_ATLAS_CLIENT_SECRET": c.ClientSecret,
			"MONGODB_ATLAS_BASE_URL": atlas.Env["MONGODB_ATLAS_BASE_URL"]}[name]
	}
	opts.connect = func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error) {
		return atlasapi.New(ctx, baseURL, creds)
	}
	opts.output = "json"
	report := func() StatusReport {
		got := runStatus(t, opts, "dev-0")
		var report StatusReport
		require.NoError(t, json.Unmarshal([]byte(got.stdout), &report), got.stdout)
		require.Len(t, report.Orgs, 1, got.stdout)
		return report
	}
	assert.Empty(t, report().Orgs[0].Findings, "the caller's own credential is not reported")

	hand := asC.call(http.MethodPost, "/orgs/"+c.OrgID+"/serviceAccounts", "2024-08-05", map[string]any{
		"name": "by hand", "description": "by hand", "roles": []string{"ORG_READ_ONLY"}, "secretExpiresAfterHours": 48})["clientId"].(string)
	key := asC.call(http.MethodPost, "/orgs/"+c.OrgID+"/apiKeys", "2023-01-01", map[string]any{"desc": "hand", "roles": []string{"ORG_READ_ONLY"}})["publicKey"].(string)
	var resources []string
	for _, f := range report().Orgs[0].Findings {
		resources = append(resources, f.Resource)
		assert.Equal(t, KindUnmanaged, f.Kind)
		assert.Contains(t, f.Message, "which manages only orgs.c.serviceAccount in this adopted organization: it was there before the stack adopted it, or made since")
		assert.Empty(t, f.Fix, "its owners decide")
	}
	assert.ElementsMatch(t, []string{"service account " + hand, "API key " + key}, resources)
}

func TestSecretsTheStackDidNotMake(t *testing.T) {
	t.Parallel()
	at := func(hours int) time.Time { return now.Add(time.Duration(hours) * time.Hour) }
	secret := func(id string, created, expires int) atlasapi.ServiceAccountSecret {
		return atlasapi.ServiceAccountSecret{ID: id, CreatedAt: at(created), ExpiresAt: at(expires)}
	}
	stacks := at(720)
	tests := map[string]struct {
		held       heldObjects
		secrets    []atlasapi.ServiceAccountSecret
		hand       []string
		first      string
		origin     string
		expiryDays int
	}{
		"only the stack's": {heldObjects{secretIDs: map[string]bool{"s1": true}, newestSecret: at(0)},
			[]atlasapi.ServiceAccountSecret{secret("s1", 0, 720)}, nil, "s1", SecretOfTheStack, 30},
		"a hand-made one, expiring first": {heldObjects{secretIDs: map[string]bool{"s1": true}, newestSecret: at(0)},
			[]atlasapi.ServiceAccountSecret{secret("s1", 0, 720), secret("h1", 1, 49)}, []string{"h1"}, "h1", SecretOutsideTheCode, 2},
		"a hand-made one, expiring last: the stack's first": {heldObjects{secretIDs: map[string]bool{"s1": true}, newestSecret: at(0)},
			[]atlasapi.ServiceAccountSecret{secret("s1", 0, 720), secret("h1", 1, 2000)}, []string{"h1"}, "s1", SecretOfTheStack, 30},
		"rotating: what earlier rotations left is not hand-made": {heldObjects{rotating: true, secretIDs: map[string]bool{"s0": true, "s3": true}, newestSecret: at(-1)},
			[]atlasapi.ServiceAccountSecret{secret("s0", -500, 220), secret("s2", -250, 470), secret("s3", -1, 719)}, nil, "s0", SecretOfARotation, 9},
		"rotating: one made after the newest is hand-made": {heldObjects{rotating: true, secretIDs: map[string]bool{"s3": true}, newestSecret: at(-1)},
			[]atlasapi.ServiceAccountSecret{secret("s3", -1, 719), secret("h1", 0, 700)}, []string{"h1"}, "h1", SecretOutsideTheCode, 29},
		"an expired one is not what expires first": {heldObjects{secretIDs: map[string]bool{"s1": true}, newestSecret: at(0)},
			[]atlasapi.ServiceAccountSecret{secret("s1", 0, 720), secret("h1", -100, -1)}, []string{"h1"}, "s1", SecretOfTheStack, 30},
		"taken over: its owner's secrets are the stack's": {heldObjects{secretIDs: map[string]bool{}, takenOver: "mdb_sa_id_x"},
			[]atlasapi.ServiceAccountSecret{secret("o1", -10, 700), secret("o2", -5, 710)}, nil, "o1", SecretOfTheStack, 29},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := &statusOptions{now: func() time.Time { return now }}
			org := &OrgStatus{SecretExpiresAt: &stacks}
			found := opts.secretFindings(atlasapi.ServiceAccount{ClientID: "mdb_sa_id_x", Secrets: tc.secrets}, &tc.held, org)
			var hand []string
			for _, f := range found {
				assert.Equal(t, KindUnmanaged, f.Kind)
				hand = append(hand, strings.TrimSuffix(strings.TrimPrefix(f.Resource, "secret "), " of service account mdb_sa_id_x"))
			}
			assert.Equal(t, tc.hand, hand)
			assert.Equal(t, []string{tc.first, tc.origin}, []string{org.SecretID, org.SecretOrigin})
			require.NotNil(t, org.DaysLeft)
			assert.Equal(t, tc.expiryDays, *org.DaysLeft)
		})
	}
}
