package multiorg

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

func TestTwinCheck(t *testing.T) {
	t.Parallel()
	const (
		lost    = "64b1c2d3e4f5a6b7c8d9e0a1"
		held    = "64b1c2d3e4f5a6b7c8d9e0a2"
		another = "64b1c2d3e4f5a6b7c8d9e0a3"
	)
	linked := []LinkedOrg{{ID: lost, Name: "acme-dev-analytics"}, {ID: held, Name: "acme-dev-billing"}, {ID: another, Name: ""}}
	previous := &Previous{Managed: map[string]string{"billing": held}}
	tests := map[string]struct {
		key, name string
		previous  *Previous
		list      LinkedOrgsFunc
		message   []string
	}{
		"a linked organization of that name that the state lacks": {"analytics", "acme-dev-analytics", previous, nil,
			[]string{`orgs.analytics: organization "acme-dev-analytics" (orgId ` + lost + `) already exists`,
				"Nothing was created", "orgs.analytics.importId: " + lost, "deletes it in the Atlas UI", "atlas-multiorg orphans"}},
		"on a first deployment too":                          {"analytics", "acme-dev-analytics", nil, nil, []string{"(orgId " + lost + ")"}},
		"a name nobody has":                                  {"payments", "acme-dev-payments", previous, nil, nil},
		"a name the state holds (a rename to it is no twin)": {"billing-2", "acme-dev-billing", previous, nil, nil},
		"the Admin API fails": {"payments", "acme-dev-payments", previous,
			func(context.Context) ([]LinkedOrg, error) { return nil, errors.New("503 from the Admin API") },
			[]string{"orgs.payments: before creating organization \"acme-dev-payments\"", "503 from the Admin API", "Nothing was created"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			list := tc.list
			if list == nil {
				list = func(context.Context) ([]LinkedOrg, error) { return linked, nil }
			}
			m := &MultiOrg{name: "multiorg", previous: tc.previous, twins: newTwinCheck(list, tc.previous)}
			err := m.replacementGuard(&pulumi.ResourceHookArgs{Name: "multiorg-" + tc.key,
				NewInputs: resource.PropertyMap{"name": resource.NewProperty(tc.name)}})
			if tc.message == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tc.message {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestTwinCheckListsOncePerRun(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	m := &MultiOrg{name: "multiorg", twins: newTwinCheck(func(context.Context) ([]LinkedOrg, error) {
		calls.Add(1)
		return nil, nil
	}, nil)}
	for _, key := range []string{"a", "b", "c"} {
		require.NoError(t, m.replacementGuard(&pulumi.ResourceHookArgs{Name: "multiorg-" + key,
			NewInputs: resource.PropertyMap{"name": resource.NewProperty("acme-" + key)}}))
	}
	assert.Equal(t, int32(1), calls.Load(), "one listing for every create of the run")
}

func TestNoTwinCheckWithoutALister(t *testing.T) {
	t.Parallel()
	m := &MultiOrg{name: "multiorg"}
	assert.NoError(t, m.replacementGuard(&pulumi.ResourceHookArgs{Name: "multiorg-a",
		NewInputs: resource.PropertyMap{"name": resource.NewProperty("acme-a")}}))
}

// TestAdminAPILinkedOrgsReadsTheLocalAPI: the organizations the paying
// organization's credential created, with their names, and not itself.
func TestAdminAPILinkedOrgsReadsTheLocalAPI(t *testing.T) {
	t.Parallel()
	atlas := localapitest.Start(t, time.Now())
	a, b := atlas.Create(t, "acme-dev-a"), atlas.Create(t, "acme-dev-b")
	creds := atlasapi.Credentials{ClientID: atlas.Seed.ClientID, ClientSecret: atlas.Seed.ClientSecret}
	linked, err := AdminAPILinkedOrgs(atlas.URL, creds, atlas.Seed.PayingOrgID)(context.Background())
	require.NoError(t, err)
	assert.ElementsMatch(t, []LinkedOrg{{ID: a, Name: "acme-dev-a"}, {ID: b, Name: "acme-dev-b"}}, linked)

	_, err = AdminAPILinkedOrgs(atlas.URL, atlasapi.Credentials{ClientID: atlas.Seed.ClientID, ClientSecret: "wrong"}, atlas.Seed.PayingOrgID)(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), atlas.Seed.ClientSecret, "no secret in the error")
}

// TestTheTwinCheckCallsTheDefaultProvidersAdminAPI: the twin check signs in
// where the stack's default provider does (atlasapi.Resolve): the stack
// config's credential and baseUrl, else the environment's.
func TestTheTwinCheckCallsTheDefaultProvidersAdminAPI(t *testing.T) {
	t.Parallel()
	const stackURL, envURL = "http://127.0.0.1:1/stack", "http://127.0.0.1:1/env"
	env := map[string]string{"MONGODB_ATLAS_CLIENT_ID": "env-id", "MONGODB_ATLAS_CLIENT_SECRET": "env-secret", "MONGODB_ATLAS_BASE_URL": envURL}
	tests := map[string]struct {
		config  map[string]string
		wantURL string
		// wantCredential is the client ID or public key signed in with.
		wantCredential string
	}{
		"the environment's credential, at the environment's base URL": {map[string]string{"mongodbatlas:baseUrl": stackURL}, envURL, "env-id"},
		"the stack's credential, at the stack's base URL": {map[string]string{"mongodbatlas:baseUrl": stackURL,
			"mongodbatlas:clientId": "stack-id", "mongodbatlas:clientSecret": "stack-secret"}, stackURL, "stack-id"},
		"the stack's API key, at Atlas without a baseUrl": {map[string]string{"mongodbatlas:publicKey": "stack-pub",
			"mongodbatlas:privateKey": "stack-private"}, atlasapi.DefaultBaseURL, "stack-pub"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := defaultAdminAPI(func(k string) string { return tc.config[k] }, func(k string) string { return env[k] })
			require.NoError(t, err)
			assert.Equal(t, tc.wantURL, got.BaseURL)
			assert.Equal(t, tc.wantCredential, got.Credentials.ClientID+got.Credentials.PublicKey)
		})
	}
}
