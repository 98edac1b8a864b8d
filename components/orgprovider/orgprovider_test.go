package orgprovider

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

const orgStack = "acme/atlas-multiorg/dev"

// orgStackOutputs are the exports of an org stack with a service-account
// org, an API-key org and an adopted org, secrets marked as the engine does.
func orgStackOutputs() resource.PropertyMap {
	org := func(id, kind string) map[string]any {
		return map[string]any{"orgId": id, "name": "n-" + id, "credentialType": kind, "secretExpiresAt": "", "payingOrgId": ""}
	}
	return atlasmock.StackOutputs(map[string]atlasmock.Resolved{
		"orgs": {Value: map[string]any{
			"analytics": org("aaaaaaaaaaaaaaaaaaaaaaaa", "serviceAccount"),
			"billing":   org("bbbbbbbbbbbbbbbbbbbbbbbb", "apiKey"),
			"legacy":    org("cccccccccccccccccccccccc", "none"),
		}},
		"credentials": {Secret: true, Value: map[string]any{
			"analytics": map[string]any{"clientId": "mdb_sa_id_a", "clientSecret": "mdb_sa_sk_SECRET_a"},
			"billing":   map[string]any{"publicKey": "pubkeyb", "privateKey": "PRIVATE-KEY-SECRET-b"},
		}},
		"payingOrgId": {Value: "5f1a2b3c4d5e6f7a8b9c0d1e"},
	})
}

func runNew(t *testing.T, mon *atlasmock.Monitor, key string) (*Org, error) {
	t.Helper()
	var org *Org
	var newErr error
	err := atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		ref, err := pulumi.NewStackReference(ctx, orgStack, nil)
		if err != nil {
			return err
		}
		org, newErr = New(ctx, "org-"+key, &Args{Stack: ref, OrgKey: key, BaseURL: pulumi.String("http://127.0.0.1:1")})
		return nil
	})
	require.NoError(t, err)
	return org, newErr
}

func TestProviderGetsTheOrgCredentialAsSecrets(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		kind   multiorg.CredentialType
		inputs resource.PropertyMap
	}{
		"analytics": {multiorg.CredentialServiceAccount, resource.PropertyMap{
			"clientId":     resource.MakeSecret(resource.NewProperty("mdb_sa_id_a")),
			"clientSecret": resource.MakeSecret(resource.NewProperty("mdb_sa_sk_SECRET_a")),
			"baseUrl":      resource.NewProperty("http://127.0.0.1:1"),
		}},
		"billing": {multiorg.CredentialAPIKey, resource.PropertyMap{
			"publicKey":  resource.MakeSecret(resource.NewProperty("pubkeyb")),
			"privateKey": resource.MakeSecret(resource.NewProperty("PRIVATE-KEY-SECRET-b")),
			"baseUrl":    resource.NewProperty("http://127.0.0.1:1"),
		}},
	}
	for key, want := range tests {
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			mon := &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{orgStack: orgStackOutputs()}}
			org, err := runNew(t, mon, key)
			require.NoError(t, err)
			assert.Equal(t, want.kind, org.CredentialType)
			p := mon.ByType(mongodbatlas.ProviderType)["org-"+key]
			assert.Equal(t, want.inputs, p.Inputs)
			assert.Equal(t, mongodbatlas.PluginVersion, p.RegisterRPC.GetVersion())
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	withoutCredentials := orgStackOutputs()
	delete(withoutCredentials, "credentials")
	tests := map[string]struct {
		outputs resource.PropertyMap
		key     string
		message string
	}{
		"unknown org key":     {orgStackOutputs(), "analytix", `stack "acme/atlas-multiorg/dev" has no organization "analytix"; its org keys are [analytics billing legacy]`},
		"not an org stack":    {resource.PropertyMap{}, "analytics", `stack "acme/atlas-multiorg/dev" has no "orgs" output`},
		"missing credentials": {withoutCredentials, "analytics", `has no "credentials" output: deploy the org stack`},
		"adopted org":         {orgStackOutputs(), "legacy", `organization "legacy" of stack "acme/atlas-multiorg/dev": organization was adopted`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mon := &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{orgStack: tc.outputs}}
			_, err := runNew(t, mon, tc.key)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.message)
			assert.NotContains(t, err.Error(), "SECRET", "no credential in an error")
			assert.Empty(t, mon.ByType(mongodbatlas.ProviderType), "no provider on error")
		})
	}
	org, err := runNew(t, &atlasmock.Monitor{Stacks: map[string]resource.PropertyMap{orgStack: orgStackOutputs()}}, "legacy")
	assert.True(t, errors.Is(err, ErrAdopted), "callers can fall back on ErrAdopted")
	require.NotNil(t, org, "with the org's ID to fall back with")
	assert.Nil(t, org.Provider)
	assert.Equal(t, multiorg.CredentialNone, org.CredentialType)
}
