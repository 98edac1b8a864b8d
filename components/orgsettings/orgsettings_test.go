package orgsettings

import (
	"context"
	"net/http"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

const (
	created = "0000000000000000000000c1"
	adopted = "0000000000000000000000a1"
	gone    = "0000000000000000000000d1"
)

func start(t *testing.T) *localapitest.Atlas {
	t.Helper()
	return localapitest.StartWith(t, localapitest.Options{Orgs: []localapitest.Org{
		{ID: created, Name: "acme-created"}, {ID: adopted, Name: "acme-adopted"}, {ID: gone, Name: "acme-gone"},
	}})
}

// inputs are the resource's inputs for orgID with the caller's service
// account, a secret as the engine passes it, and the settings given.
func inputs(srv *localapitest.Atlas, orgID string, settings resource.PropertyMap) resource.PropertyMap {
	in := resource.PropertyMap{
		OrgID: resource.NewStringProperty(orgID), BaseURL: resource.NewStringProperty(srv.URL),
		ClientID: resource.MakeSecret(resource.NewStringProperty(srv.Caller.ClientID)), ClientSecret: resource.MakeSecret(resource.NewStringProperty(srv.Caller.ClientSecret)),
	}
	for k, v := range settings {
		in[k] = v
	}
	return in
}

func atlasClient(t *testing.T, srv *localapitest.Atlas) *atlasapi.Client {
	t.Helper()
	c, err := atlasapi.New(context.Background(), srv.URL, atlasapi.Credentials{ClientID: srv.Caller.ClientID, ClientSecret: srv.Caller.ClientSecret})
	require.NoError(t, err)
	return c
}

func num(n float64) resource.PropertyValue { return resource.NewNumberProperty(n) }
func str(s string) resource.PropertyValue  { return resource.NewStringProperty(s) }

var prodSettings = resource.PropertyMap{
	"absoluteSessionTimeoutInSeconds": num(14400), "idleSessionTimeoutInSeconds": num(1800),
	"maxServiceAccountSecretValidityInHours": num(2160), "operationsContact": str("ops@example.com"),
	"streamsCrossGroupEnabled": resource.NewBoolProperty(true), "delegatedMcpAccess": str("DISALLOWED"),
	"delegatedPartnerAccess": str("READ_WRITE"), "idleRefreshTokenLifetime": num(86400), "maximumRefreshTokenLifetime": num(604800),
}

func TestCheckRefusesWhatAtlasWouldEveryProblemAtOnce(t *testing.T) {
	tests := map[string]struct {
		props resource.PropertyMap
		want  []Failure
	}{
		"every setting within bounds":                  {props: withOrg(prodSettings)},
		"no organization":                              {props: resource.PropertyMap{}, want: []Failure{{OrgID, "must be the organization's 24-hexadecimal-digit ID"}}},
		"an organization not known yet is not checked": {props: resource.PropertyMap{OrgID: resource.MakeComputed(str(""))}},
		"half a service account": {props: withOrg(resource.PropertyMap{ClientID: str("mdb_sa_id_x")}),
			want: []Failure{{ClientID, "clientId and clientSecret go together: give both or neither"}}},
		"every bound at once": {props: withOrg(resource.PropertyMap{
			"absoluteSessionTimeoutInSeconds": num(3599), "idleSessionTimeoutInSeconds": num(299), "maxServiceAccountSecretValidityInHours": num(8761),
			"operationsContact": str(""), "streamsCrossGroupEnabled": str("yes"), "delegatedMcpAccess": str("READ"),
			"delegatedPartnerAccess": str("READ_ONLY"), "idleRefreshTokenLifetime": num(0.5), "maximumRefreshTokenLifetime": num(31536001),
		}), want: []Failure{
			{"absoluteSessionTimeoutInSeconds", "3599 is not between 3600 and 43200"},
			{"idleSessionTimeoutInSeconds", "299 is not between 300 and 43200"},
			{"maxServiceAccountSecretValidityInHours", "8761 is not between 8 and 8760"},
			{"operationsContact", `"" is not an email address`},
			{"streamsCrossGroupEnabled", "must be true or false"},
			{"delegatedMcpAccess", `"READ" is not one of [DISALLOWED READ_ONLY READ_WRITE]`},
			{"delegatedPartnerAccess", `"READ_ONLY" is not one of [DISALLOWED READ_WRITE]`},
			{"idleRefreshTokenLifetime", "must be a whole number"},
			{"maximumRefreshTokenLifetime", "31536001 is not between 1 and 31536000"},
		}},
		"idle longer than absolute": {props: withOrg(resource.PropertyMap{"absoluteSessionTimeoutInSeconds": num(3600), "idleSessionTimeoutInSeconds": num(7200)}),
			want: []Failure{{"idleSessionTimeoutInSeconds", "7200 seconds is longer than absoluteSessionTimeoutInSeconds, 3600: a session cannot idle longer than it lasts"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Check(tc.props))
		})
	}
}

func withOrg(settings resource.PropertyMap) resource.PropertyMap {
	props := resource.PropertyMap{OrgID: str(created)}
	for k, v := range settings {
		props[k] = v
	}
	return props
}

func TestDiff(t *testing.T) {
	olds := resource.PropertyMap{OrgID: str(created), ReleaseOnDelete: resource.NewBoolProperty(false),
		"operationsContact": str("ops@example.com"), "delegatedMcpAccess": str("READ_ONLY")}
	tests := map[string]struct {
		news resource.PropertyMap
		want DiffResult
	}{
		"the same, with a rotated secret and another base URL": {news: resource.PropertyMap{OrgID: str(created), "operationsContact": str("ops@example.com"),
			"delegatedMcpAccess": str("READ_ONLY"), ClientSecret: resource.MakeSecret(str("rotated")), BaseURL: str("http://elsewhere")}},
		"a value Atlas does not have": {news: resource.PropertyMap{OrgID: str(created), "operationsContact": str("noc@example.com"), "delegatedMcpAccess": str("READ_ONLY")},
			want: DiffResult{Changed: []string{"operationsContact"}}},
		"a setting the code stops stating, of a created organization": {news: resource.PropertyMap{OrgID: str(created), "operationsContact": str("ops@example.com")},
			want: DiffResult{Changed: []string{"delegatedMcpAccess"}}},
		"a setting an adopted organization stops stating": {news: resource.PropertyMap{OrgID: str(created), "operationsContact": str("ops@example.com"),
			ReleaseOnDelete: resource.NewBoolProperty(true)}, want: DiffResult{Changed: []string{ReleaseOnDelete}}},
		"a new setting": {news: resource.PropertyMap{OrgID: str(created), "operationsContact": str("ops@example.com"), "delegatedMcpAccess": str("READ_ONLY"),
			"streamsCrossGroupEnabled": resource.NewBoolProperty(false)}, want: DiffResult{Changed: []string{"streamsCrossGroupEnabled"}}},
		"another organization": {news: resource.PropertyMap{OrgID: str(adopted), "operationsContact": str("ops@example.com"), "delegatedMcpAccess": str("READ_ONLY")},
			want: DiffResult{Replace: true, Changed: []string{OrgID}}},
		"an organization not known yet": {news: resource.PropertyMap{OrgID: resource.MakeComputed(str("")), "operationsContact": str("ops@example.com"),
			"delegatedMcpAccess": str("READ_ONLY")}, want: DiffResult{Replace: true, Changed: []string{OrgID}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, Diff(olds, tc.news))
		})
	}
}

// TestALifecycleAgainstAtlas: create, a change made in Atlas read back by a
// refresh and set back by an update, a setting the code stops stating set
// back to Atlas' default, and a delete that restores the defaults.
func TestALifecycleAgainstAtlas(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := atlasClient(t, srv)
	news := inputs(srv, created, prodSettings)
	require.Empty(t, Check(news))

	id, outs, err := Create(ctx, news)
	require.NoError(t, err)
	assert.Equal(t, created, id)
	for k, v := range prodSettings {
		assert.Equal(t, v, outs[k], "%s as Atlas answers it", k)
	}
	for _, key := range credentialInputs {
		assert.NotContains(t, outs, key, "the credential is never an output")
	}
	s, err := c.OrganizationPluginSettings(ctx, created)
	require.NoError(t, err)
	assert.Equal(t, 14400, *s.CustomSessionTimeouts.AbsoluteSessionTimeoutInSeconds)

	// A person changes two settings in the Atlas UI.
	_, err = c.UpdateOrganizationPluginSettings(ctx, created, map[string]any{"operationsContact": "someone@example.com"})
	require.NoError(t, err)
	_, err = c.UpdateDelegationSettings(ctx, created, map[string]any{"delegatedMcpAccess": "READ_WRITE"})
	require.NoError(t, err)

	readInputs, refreshed, err := Read(ctx, id, news, outs)
	require.NoError(t, err)
	assert.Equal(t, news, readInputs, "a refresh keeps the code's inputs, the credential among them")
	assert.Equal(t, str("someone@example.com"), refreshed["operationsContact"])
	assert.Equal(t, DiffResult{Changed: []string{"operationsContact", "delegatedMcpAccess"}}, Diff(refreshed, news))

	outs, err = Update(ctx, refreshed, news)
	require.NoError(t, err)
	assert.Equal(t, DiffResult{}, Diff(outs, news), "set back: nothing left to change")
	d, err := c.DelegationSettings(ctx, created)
	require.NoError(t, err)
	assert.Equal(t, "DISALLOWED", d.DelegatedMcpAccess)

	fewer := inputs(srv, created, resource.PropertyMap{"operationsContact": str("ops@example.com")})
	require.Equal(t, []string{"absoluteSessionTimeoutInSeconds", "idleSessionTimeoutInSeconds", "maxServiceAccountSecretValidityInHours", "streamsCrossGroupEnabled",
		"delegatedPartnerAccess", "idleRefreshTokenLifetime", "maximumRefreshTokenLifetime"}, Diff(outs, fewer).Changed,
		"every setting no longer stated but delegatedMcpAccess, which is at Atlas' default already")
	outs, err = Update(ctx, outs, fewer)
	require.NoError(t, err)
	assert.Equal(t, resource.PropertyMap{OrgID: str(created), BaseURL: str(srv.URL), ReleaseOnDelete: resource.NewBoolProperty(false),
		"operationsContact": str("ops@example.com")}, outs)
	s, err = c.OrganizationPluginSettings(ctx, created)
	require.NoError(t, err)
	assert.Nil(t, s.CustomSessionTimeouts, "back to Atlas' default")
	assert.Nil(t, s.MaxServiceAccountSecretValidityInHours)

	require.NoError(t, Delete(ctx, fewer, outs))
	s, err = c.OrganizationPluginSettings(ctx, created)
	require.NoError(t, err)
	assert.Nil(t, s.OperationsContact, "a created organization's settings go back to Atlas' defaults")
}

// TestAnAdoptedOrganizationIsImportedAndReleasedAsItIs: an import reads
// every setting away from Atlas' default with the caller's credential from
// the environment, and a delete leaves them.
func TestAnAdoptedOrganizationIsImportedAndReleasedAsItIs(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	c := atlasClient(t, srv)
	_, err := c.UpdateOrganizationPluginSettings(ctx, adopted, map[string]any{"maxServiceAccountSecretValidityInHours": 720})
	require.NoError(t, err)
	_, err = c.UpdateDelegationSettings(ctx, adopted, map[string]any{"delegatedPartnerAccess": "READ_WRITE"})
	require.NoError(t, err)

	t.Setenv("MONGODB_ATLAS_BASE_URL", srv.URL)
	t.Setenv("MONGODB_ATLAS_CLIENT_ID", srv.Caller.ClientID)
	t.Setenv("MONGODB_ATLAS_CLIENT_SECRET", srv.Caller.ClientSecret)
	imported, outs, err := Read(ctx, adopted, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, resource.PropertyMap{OrgID: str(adopted), "maxServiceAccountSecretValidityInHours": num(720), "delegatedPartnerAccess": str("READ_WRITE")}, imported)
	news := inputs(srv, adopted, resource.PropertyMap{"maxServiceAccountSecretValidityInHours": num(720), "delegatedPartnerAccess": str("READ_WRITE"),
		ReleaseOnDelete: resource.NewBoolProperty(true)})
	assert.Equal(t, []string{ReleaseOnDelete}, Diff(outs, news).Changed, "what the code states reads back with no change")

	outs, err = Update(ctx, outs, news)
	require.NoError(t, err)
	require.NoError(t, Delete(ctx, news, outs))
	s, err := c.OrganizationPluginSettings(ctx, adopted)
	require.NoError(t, err)
	assert.Equal(t, 720, *s.MaxServiceAccountSecretValidityInHours, "released as it is")
}

func TestAGoneOrganizationReadsAsGone(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	news := inputs(srv, gone, resource.PropertyMap{"operationsContact": str("ops@example.com")})
	_, outs, err := Create(ctx, news)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, srv.DoAs(t, srv.Caller.ClientID, srv.Caller.ClientSecret, http.MethodDelete, "/api/atlas/v2/orgs/"+gone, localapi.MediaTypeOrgs, nil, nil))

	readInputs, readOutputs, err := Read(ctx, gone, news, outs)
	require.NoError(t, err)
	assert.Nil(t, readInputs)
	assert.Nil(t, readOutputs, "the engine drops it from the state")
	assert.NoError(t, Delete(ctx, news, outs), "nothing to set back in an organization Atlas no longer has")
}

// TestARefreshWithARefusedCredentialKeepsWhatItLastRead: the credential in
// the state deleted outside the code does not fail a refresh (the run that
// takes over a new one refreshes first).
func TestARefreshWithARefusedCredentialKeepsWhatItLastRead(t *testing.T) {
	srv := start(t)
	ctx := context.Background()
	news := inputs(srv, created, resource.PropertyMap{"operationsContact": str("ops@example.com")})
	_, outs, err := Create(ctx, news)
	require.NoError(t, err)
	refused := news.Copy()
	refused[ClientSecret] = resource.MakeSecret(str("mdb_sa_sk_no-longer-in-atlas"))

	readInputs, readOutputs, err := Read(ctx, created, refused, outs)
	require.NoError(t, err)
	assert.Equal(t, refused, readInputs)
	assert.Equal(t, outs, readOutputs, "the settings as last read")
}

func TestAnAtlasRefusalNamesTheOrganization(t *testing.T) {
	srv := start(t)
	news := inputs(srv, created, resource.PropertyMap{"absoluteSessionTimeoutInSeconds": num(3600), "idleSessionTimeoutInSeconds": num(300)})
	_, _, err := Create(context.Background(), news)
	require.NoError(t, err)
	// The absolute below the idle Atlas has: only Atlas can know.
	_, err = Update(context.Background(), resource.PropertyMap{OrgID: str(created), "idleSessionTimeoutInSeconds": num(300)},
		inputs(srv, created, resource.PropertyMap{"idleSessionTimeoutInSeconds": num(3601)}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "changing the settings of organization "+created)
	assert.NotContains(t, err.Error(), srv.Caller.ClientSecret)
}

// TestPatchesSendTheSessionTimeoutsTogether: a change of one timeout
// carries the other stated one, so that Atlas gets the object whole; the
// delegation settings go to their own endpoint; null is JSON null.
func TestPatchesSendTheSessionTimeoutsTogether(t *testing.T) {
	news := resource.PropertyMap{"absoluteSessionTimeoutInSeconds": num(14400), "idleSessionTimeoutInSeconds": num(1800)}
	tests := map[string]struct {
		changes              map[string]resource.PropertyValue
		settings, delegation map[string]any
	}{
		"the idle one changes": {changes: map[string]resource.PropertyValue{"idleSessionTimeoutInSeconds": num(1800)},
			settings:   map[string]any{"customSessionTimeouts": map[string]any{"absoluteSessionTimeoutInSeconds": 14400.0, "idleSessionTimeoutInSeconds": 1800.0}},
			delegation: map[string]any{}},
		"one set back, a contact and an access": {changes: map[string]resource.PropertyValue{"absoluteSessionTimeoutInSeconds": resource.NewNullProperty(),
			"operationsContact": str("ops@example.com"), "delegatedMcpAccess": str("READ_ONLY")},
			settings: map[string]any{"customSessionTimeouts": map[string]any{"absoluteSessionTimeoutInSeconds": nil, "idleSessionTimeoutInSeconds": 1800.0},
				"operationsContact": "ops@example.com"},
			delegation: map[string]any{"delegatedMcpAccess": "READ_ONLY"}},
		"nothing": {changes: map[string]resource.PropertyValue{}, settings: map[string]any{}, delegation: map[string]any{}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			settings, delegation := patches(tc.changes, news)
			assert.Equal(t, tc.settings, settings)
			assert.Equal(t, tc.delegation, delegation)
		})
	}
}
