package atlasapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi/localapitest"
)

// TestTheSettingsProvider414DoesNotKnowAreReadAndChanged: a PATCH changes
// what it names, null sets back Atlas' default, and a refusal is Atlas'
// error with its code.
func TestTheSettingsProvider414DoesNotKnowAreReadAndChanged(t *testing.T) {
	t.Parallel()
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: orgs(1)})
	c, err := New(context.Background(), srv.URL, serviceAccount(srv))
	require.NoError(t, err)
	orgID := orgs(1)[0].ID
	ctx := context.Background()

	s, err := c.UpdateOrganizationPluginSettings(ctx, orgID, map[string]any{
		"customSessionTimeouts":                  map[string]any{"absoluteSessionTimeoutInSeconds": 14400, "idleSessionTimeoutInSeconds": 1800},
		"maxServiceAccountSecretValidityInHours": 2160, "operationsContact": "ops@example.com", "streamsCrossGroupEnabled": true,
	})
	require.NoError(t, err)
	require.NotNil(t, s.CustomSessionTimeouts)
	assert.Equal(t, 14400, *s.CustomSessionTimeouts.AbsoluteSessionTimeoutInSeconds)
	assert.Equal(t, 1800, *s.CustomSessionTimeouts.IdleSessionTimeoutInSeconds)
	assert.Equal(t, 2160, *s.MaxServiceAccountSecretValidityInHours)
	assert.Equal(t, "ops@example.com", *s.OperationsContact)
	assert.True(t, *s.StreamsCrossGroupEnabled)
	known, err := c.OrganizationSettings(ctx, orgID)
	require.NoError(t, err)
	assert.Equal(t, orgs(1)[0].MultiFactorAuthRequired, known.MultiFactorAuthRequired, "what the PATCH does not name stays")

	s, err = c.UpdateOrganizationPluginSettings(ctx, orgID, map[string]any{"customSessionTimeouts": nil, "operationsContact": nil})
	require.NoError(t, err)
	read, err := c.OrganizationPluginSettings(ctx, orgID)
	require.NoError(t, err)
	assert.Equal(t, s, read, "the PATCH answers what a read shows")
	assert.Nil(t, read.CustomSessionTimeouts, "null: Atlas' default")
	assert.Nil(t, read.OperationsContact)
	assert.Equal(t, 2160, *read.MaxServiceAccountSecretValidityInHours)

	_, err = c.UpdateOrganizationPluginSettings(ctx, orgID, map[string]any{"maxServiceAccountSecretValidityInHours": 9000})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.Status)
	assert.Equal(t, "INVALID_ATTRIBUTE", apiErr.ErrorCode)
	assert.Contains(t, err.Error(), "changing the settings of organization "+orgID)
}

func TestDelegationSettingsAreReadAndChanged(t *testing.T) {
	t.Parallel()
	srv := localapitest.StartWith(t, localapitest.Options{Orgs: orgs(1)})
	c, err := New(context.Background(), srv.URL, apiKey(srv))
	require.NoError(t, err)
	orgID := orgs(1)[0].ID
	ctx := context.Background()

	d, err := c.DelegationSettings(ctx, orgID)
	require.NoError(t, err)
	assert.Equal(t, DelegationSettings{DelegatedMcpAccess: "DISALLOWED", DelegatedPartnerAccess: "DISALLOWED"}, d, "Atlas' defaults")

	d, err = c.UpdateDelegationSettings(ctx, orgID, map[string]any{"delegatedMcpAccess": "READ_ONLY", "idleRefreshTokenLifetime": 86400})
	require.NoError(t, err)
	assert.Equal(t, "READ_ONLY", d.DelegatedMcpAccess)
	assert.Equal(t, "DISALLOWED", d.DelegatedPartnerAccess)
	require.NotNil(t, d.IdleRefreshTokenLifetime)
	assert.Equal(t, int64(86400), *d.IdleRefreshTokenLifetime)
	assert.Nil(t, d.MaximumRefreshTokenLifetime)

	d, err = c.UpdateDelegationSettings(ctx, orgID, map[string]any{"idleRefreshTokenLifetime": nil})
	require.NoError(t, err)
	assert.Nil(t, d.IdleRefreshTokenLifetime, "null: the system default")

	_, err = c.UpdateDelegationSettings(ctx, orgID, map[string]any{"delegatedPartnerAccess": "READ_ONLY"})
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.Status)
}

func TestNonCompliantResourcesAreListed(t *testing.T) {
	t.Parallel()
	srv := localapitest.Start(t, time.Time{})
	c, err := New(context.Background(), srv.URL, Credentials{ClientID: srv.Seed.ClientID, ClientSecret: srv.Seed.ClientSecret})
	require.NoError(t, err)
	orgID := srv.Seed.PayingOrgID
	ctx := context.Background()

	none, err := c.NonCompliantResources(ctx, orgID)
	require.NoError(t, err)
	assert.Empty(t, none)

	var project, policy struct{ ID string }
	require.Equal(t, http.StatusOK, srv.Do(t, http.MethodPost, "/api/atlas/v2/groups", localapi.MediaTypeOrgs, map[string]any{"name": "app", "orgId": orgID}, &project))
	require.Equal(t, http.StatusCreated, srv.Do(t, http.MethodPost, "/api/atlas/v2/orgs/"+orgID+"/resourcePolicies", localapi.MediaTypeServiceAccounts,
		map[string]any{"name": "no-wildcard", "policies": []map[string]any{{"body": `forbid (principal, action, resource);`}}}, &policy))
	srv.MarkNonCompliant(t, project.ID, "orders", policy.ID)

	listed, err := c.NonCompliantResources(ctx, orgID)
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.Equal(t, "orders", listed[0].ResourceName)
	assert.Equal(t, "cluster", listed[0].ResourceType)
	require.Len(t, listed[0].Policies, 1)
	assert.Equal(t, policy.ID, listed[0].Policies[0].ID)
	assert.Equal(t, "no-wildcard", listed[0].Policies[0].Name)
}
