package multiorgpkg

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

const (
	settingsOrg = "0000000000000000000000e1"
	settingsURN = "urn:pulumi:dev::atlas-multiorg::" + orgsettings.Type + "::orgs-analytics-settings"
)

func wire(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(m, keep)
	require.NoError(t, err)
	return s
}

func unwire(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := plugin.UnmarshalProperties(s, keep)
	require.NoError(t, err)
	return m
}

// TestThePluginServesOrganizationSettings drives the resource through the
// engine's calls: a refused input with its name, a preview without a call, a
// create whose outputs hold no credential, a refresh that keeps the secret
// inputs secret, an update after a change in Atlas, and a delete.
func TestThePluginServesOrganizationSettings(t *testing.T) {
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: []localapitest.Org{{ID: settingsOrg, Name: "acme-analytics"}}})
	ctx := context.Background()
	plug := NewServer(nil, nil)
	news := resource.PropertyMap{
		orgsettings.OrgID: resource.NewStringProperty(settingsOrg), orgsettings.BaseURL: resource.NewStringProperty(srv.URL),
		orgsettings.ClientID:     resource.MakeSecret(resource.NewStringProperty(srv.Caller.ClientID)),
		orgsettings.ClientSecret: resource.MakeSecret(resource.NewStringProperty(srv.Caller.ClientSecret)),
		"operationsContact":      resource.NewStringProperty("ops@example.com"),
		"delegatedMcpAccess":     resource.NewStringProperty("DISALLOWED"),
	}

	bad := news.Copy()
	bad["operationsContact"] = resource.NewStringProperty("")
	checked, err := plug.Check(ctx, &pulumirpc.CheckRequest{Urn: settingsURN, News: wire(t, bad)})
	require.NoError(t, err)
	require.Len(t, checked.GetFailures(), 1)
	assert.Equal(t, "operationsContact", checked.GetFailures()[0].GetProperty())

	_, err = plug.Check(ctx, &pulumirpc.CheckRequest{Urn: "urn:pulumi:dev::p::atlas-multiorg:index:Other::x", News: wire(t, news)})
	assert.Equal(t, codes.NotFound, status.Code(err), "another type is not this plugin's")

	preview, err := plug.Create(ctx, &pulumirpc.CreateRequest{Urn: settingsURN, Properties: wire(t, news), Preview: true})
	require.NoError(t, err)
	assert.Empty(t, preview.GetId())
	assert.Empty(t, srv.Requests(), "a preview calls nothing")

	created, err := plug.Create(ctx, &pulumirpc.CreateRequest{Urn: settingsURN, Properties: wire(t, news)})
	require.NoError(t, err)
	assert.Equal(t, settingsOrg, created.GetId())
	outputs := unwire(t, created.GetProperties())
	assert.Equal(t, resource.NewStringProperty("ops@example.com"), outputs["operationsContact"])
	for _, key := range []resource.PropertyKey{orgsettings.ClientID, orgsettings.ClientSecret} {
		assert.NotContains(t, outputs, key, "the credential is never an output")
	}

	c, err := plug.Diff(ctx, &pulumirpc.DiffRequest{Urn: settingsURN, Olds: created.GetProperties(), News: wire(t, news)})
	require.NoError(t, err)
	assert.Equal(t, pulumirpc.DiffResponse_DIFF_NONE, c.GetChanges(), "one up converges")

	require.Equal(t, 200, srv.DoAs(t, srv.Caller.ClientID, srv.Caller.ClientSecret, "PATCH", "/api/atlas/v2/orgs/"+settingsOrg+"/settings",
		"application/vnd.atlas.2023-01-01+json", map[string]any{"operationsContact": "someone@example.com"}, nil), "a change made in Atlas")
	read, err := plug.Read(ctx, &pulumirpc.ReadRequest{Urn: settingsURN, Id: settingsOrg, Properties: created.GetProperties(), Inputs: wire(t, news)})
	require.NoError(t, err)
	assert.True(t, unwire(t, read.GetInputs())[orgsettings.ClientSecret].IsSecret(), "a refresh keeps the credential a secret")
	drift, err := plug.Diff(ctx, &pulumirpc.DiffRequest{Urn: settingsURN, Olds: read.GetProperties(), News: wire(t, news)})
	require.NoError(t, err)
	assert.Equal(t, []string{"operationsContact"}, drift.GetDiffs())
	assert.Equal(t, pulumirpc.PropertyDiff_UPDATE, drift.GetDetailedDiff()["operationsContact"].GetKind())

	updated, err := plug.Update(ctx, &pulumirpc.UpdateRequest{Urn: settingsURN, Olds: read.GetProperties(), News: wire(t, news)})
	require.NoError(t, err)
	assert.Equal(t, resource.NewStringProperty("ops@example.com"), unwire(t, updated.GetProperties())["operationsContact"], "set back")

	moved := news.Copy()
	moved[orgsettings.OrgID] = resource.NewStringProperty("0000000000000000000000e2")
	replace, err := plug.Diff(ctx, &pulumirpc.DiffRequest{Urn: settingsURN, Olds: updated.GetProperties(), News: wire(t, moved)})
	require.NoError(t, err)
	assert.Equal(t, []string{orgsettings.OrgID}, replace.GetReplaces())

	_, err = plug.Delete(ctx, &pulumirpc.DeleteRequest{Urn: settingsURN, Id: settingsOrg, Properties: updated.GetProperties(), OldInputs: wire(t, news)})
	require.NoError(t, err)
	gone, err := plug.Read(ctx, &pulumirpc.ReadRequest{Urn: settingsURN, Id: settingsOrg, Properties: updated.GetProperties(), Inputs: wire(t, news)})
	require.NoError(t, err)
	assert.Nil(t, unwire(t, gone.GetProperties())["operationsContact"].V, "the delete set it back to Atlas' default")
}
