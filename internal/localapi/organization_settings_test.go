package localapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiErrorBody is the part of Atlas' error body the tests read.
type apiErrorBody struct {
	Detail    string `json:"detail"`
	ErrorCode string `json:"errorCode"`
}

// TestOrganizationSettingsKeepTheirBoundsAndNullResets: each step PATCHes
// the settings of one organization in turn; a refused body changes nothing,
// a null sets back Atlas' default, and what is absent stays.
func TestOrganizationSettingsKeepTheirBoundsAndNullResets(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-settings")
	path := "/api/atlas/v2/orgs/" + created.Organization.ID + "/settings"

	var fresh map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, path, orgs, nil, &fresh))
	assert.NotContains(t, fresh, "customSessionTimeouts", "Atlas' defaults until set")
	assert.NotContains(t, fresh, "maxServiceAccountSecretValidityInHours")
	assert.NotContains(t, fresh, "operationsContact")
	assert.Equal(t, false, fresh["streamsCrossGroupEnabled"])

	timeouts := func(absolute, idle any) map[string]any {
		return map[string]any{"absoluteSessionTimeoutInSeconds": absolute, "idleSessionTimeoutInSeconds": idle}
	}
	steps := []struct {
		name     string
		patch    map[string]any
		status   int
		field    string         // the field a refusal names
		settings map[string]any // the fields after the step; nil: absent
	}{
		{name: "all four set", patch: map[string]any{"customSessionTimeouts": timeouts(7200, 5400), "maxServiceAccountSecretValidityInHours": 720,
			"operationsContact": "ops@example.com", "streamsCrossGroupEnabled": true}, status: http.StatusOK,
			settings: map[string]any{"customSessionTimeouts": timeouts(7200.0, 5400.0), "maxServiceAccountSecretValidityInHours": 720.0,
				"operationsContact": "ops@example.com", "streamsCrossGroupEnabled": true}},
		{name: "the absolute below an hour", patch: map[string]any{"customSessionTimeouts": timeouts(3599, nil)}, status: http.StatusBadRequest,
			field: "customSessionTimeouts.absoluteSessionTimeoutInSeconds"},
		{name: "the absolute above twelve hours", patch: map[string]any{"customSessionTimeouts": map[string]any{"absoluteSessionTimeoutInSeconds": 43201}},
			status: http.StatusBadRequest, field: "customSessionTimeouts.absoluteSessionTimeoutInSeconds"},
		{name: "the idle below five minutes", patch: map[string]any{"customSessionTimeouts": map[string]any{"idleSessionTimeoutInSeconds": 299}},
			status: http.StatusBadRequest, field: "customSessionTimeouts.idleSessionTimeoutInSeconds"},
		{name: "the absolute below the idle one it keeps", patch: map[string]any{"customSessionTimeouts": map[string]any{"absoluteSessionTimeoutInSeconds": 3600},
			"streamsCrossGroupEnabled": false}, status: http.StatusBadRequest, field: "customSessionTimeouts.idleSessionTimeoutInSeconds"},
		{name: "the idle above the absolute", patch: map[string]any{"customSessionTimeouts": map[string]any{"idleSessionTimeoutInSeconds": 7201}},
			status: http.StatusBadRequest, field: "customSessionTimeouts.idleSessionTimeoutInSeconds"},
		{name: "a cap under 8 hours", patch: map[string]any{"maxServiceAccountSecretValidityInHours": 7}, status: http.StatusBadRequest,
			field: "maxServiceAccountSecretValidityInHours"},
		{name: "a cap over a year", patch: map[string]any{"maxServiceAccountSecretValidityInHours": 8761}, status: http.StatusBadRequest,
			field: "maxServiceAccountSecretValidityInHours"},
		{name: "an empty operations contact", patch: map[string]any{"operationsContact": ""}, status: http.StatusBadRequest, field: "operationsContact"},
		{name: "an operations contact that is no address", patch: map[string]any{"operationsContact": "ops team"}, status: http.StatusBadRequest,
			field: "operationsContact"},
		{name: "none of the refusals changed anything", patch: map[string]any{}, status: http.StatusOK,
			settings: map[string]any{"customSessionTimeouts": timeouts(7200.0, 5400.0), "maxServiceAccountSecretValidityInHours": 720.0,
				"operationsContact": "ops@example.com", "streamsCrossGroupEnabled": true}},
		{name: "the idle one null, the absolute kept", patch: map[string]any{"customSessionTimeouts": map[string]any{"idleSessionTimeoutInSeconds": nil}},
			status: http.StatusOK, settings: map[string]any{"customSessionTimeouts": map[string]any{"absoluteSessionTimeoutInSeconds": 7200.0},
				"maxServiceAccountSecretValidityInHours": 720.0, "operationsContact": "ops@example.com", "streamsCrossGroupEnabled": true}},
		{name: "the idle as long as the default absolute once that is null", patch: map[string]any{"customSessionTimeouts": timeouts(nil, 43200)},
			status: http.StatusOK, settings: map[string]any{"customSessionTimeouts": map[string]any{"idleSessionTimeoutInSeconds": 43200.0},
				"maxServiceAccountSecretValidityInHours": 720.0, "operationsContact": "ops@example.com", "streamsCrossGroupEnabled": true}},
		{name: "every one null", patch: map[string]any{"customSessionTimeouts": nil, "maxServiceAccountSecretValidityInHours": nil,
			"operationsContact": nil, "streamsCrossGroupEnabled": nil}, status: http.StatusOK,
			settings: map[string]any{"streamsCrossGroupEnabled": false}},
	}
	for _, step := range steps {
		var answer map[string]any
		require.Equal(t, step.status, own.do(http.MethodPatch, path, orgs, step.patch, &answer), step.name)
		if step.status != http.StatusOK {
			assert.Equal(t, "INVALID_ATTRIBUTE", answer["errorCode"], step.name)
			assert.Contains(t, answer["detail"], "Invalid attribute "+step.field+" specified", step.name)
			continue
		}
		var read map[string]any
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, path, orgs, nil, &read))
		for _, field := range []string{"customSessionTimeouts", "maxServiceAccountSecretValidityInHours", "operationsContact", "streamsCrossGroupEnabled"} {
			want, set := step.settings[field]
			if !set {
				assert.NotContains(t, read, field, "%s: %s is unset", step.name, field)
				continue
			}
			assert.Equal(t, want, read[field], "%s: %s", step.name, field)
			assert.Equal(t, want, answer[field], "%s: the PATCH answers what a read shows", step.name)
		}
		assert.Equal(t, true, read["genAIFeaturesEnabled"], "%s: the settings it does not name stay", step.name)
	}
}

// TestDelegationSettings: the delegated accesses and refresh-token
// lifetimes of an organization, DISALLOWED and unset by default, each
// within the specification's values.
func TestDelegationSettings(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-delegation")
	_, stranger := h.createServiceAccountOrg("acme-stranger")
	path := "/api/atlas/v2/orgs/" + created.Organization.ID + "/delegationSettings"
	const version = MediaTypeDelegationSettings

	var read map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, path, version, nil, &read))
	assert.Equal(t, map[string]any{"delegatedMcpAccess": "DISALLOWED", "delegatedPartnerAccess": "DISALLOWED"}, read, "Atlas' defaults")
	assert.Equal(t, http.StatusNotAcceptable, own.do(http.MethodGet, path, orgs, nil, nil), "served at 2025-03-12 only")
	assert.Equal(t, http.StatusForbidden, stranger.do(http.MethodGet, path, version, nil, nil), "another organization's credential")

	steps := []struct {
		name   string
		patch  map[string]any
		status int
		after  map[string]any
	}{
		{"all four", map[string]any{"delegatedMcpAccess": "READ_ONLY", "delegatedPartnerAccess": "READ_WRITE", "idleRefreshTokenLifetime": 3600, "maximumRefreshTokenLifetime": 31536000},
			http.StatusOK, map[string]any{"delegatedMcpAccess": "READ_ONLY", "delegatedPartnerAccess": "READ_WRITE", "idleRefreshTokenLifetime": 3600.0, "maximumRefreshTokenLifetime": 31536000.0}},
		{"an MCP access that is none of its values", map[string]any{"delegatedMcpAccess": "READ"}, http.StatusBadRequest, nil},
		{"a partner access of MCP's values only", map[string]any{"delegatedPartnerAccess": "READ_ONLY"}, http.StatusBadRequest, nil},
		{"a lifetime of none", map[string]any{"idleRefreshTokenLifetime": 0}, http.StatusBadRequest, nil},
		{"a lifetime over a year", map[string]any{"maximumRefreshTokenLifetime": 31536001, "delegatedMcpAccess": "READ_WRITE"}, http.StatusBadRequest, nil},
		{"only what the body has changes", map[string]any{"delegatedMcpAccess": "READ_WRITE"},
			http.StatusOK, map[string]any{"delegatedMcpAccess": "READ_WRITE", "delegatedPartnerAccess": "READ_WRITE", "idleRefreshTokenLifetime": 3600.0, "maximumRefreshTokenLifetime": 31536000.0}},
		{"null sets back the defaults", map[string]any{"delegatedPartnerAccess": nil, "idleRefreshTokenLifetime": nil, "maximumRefreshTokenLifetime": nil},
			http.StatusOK, map[string]any{"delegatedMcpAccess": "READ_WRITE", "delegatedPartnerAccess": "DISALLOWED"}},
		{"DISALLOWED by name", map[string]any{"delegatedMcpAccess": "DISALLOWED"},
			http.StatusOK, map[string]any{"delegatedMcpAccess": "DISALLOWED", "delegatedPartnerAccess": "DISALLOWED"}},
	}
	for _, step := range steps {
		var answer map[string]any
		require.Equal(t, step.status, own.do(http.MethodPatch, path, version, step.patch, &answer), step.name)
		if step.status != http.StatusOK {
			assert.Equal(t, "INVALID_ATTRIBUTE", answer["errorCode"], step.name)
			continue
		}
		assert.Equal(t, step.after, answer, step.name)
		read = nil
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, path, version, nil, &read))
		assert.Equal(t, step.after, read, "%s: read back", step.name)
	}
	assert.Equal(t, http.StatusForbidden, stranger.do(http.MethodPatch, path, version, map[string]any{"delegatedMcpAccess": "READ_WRITE"}, nil))
}

// TestANewSecretCannotOutliveTheOrganizationsCap: once the organization
// caps secret validity, a new secret, of a new service account or an
// existing one, that would live longer is refused; one within the cap is
// made, and secrets made before the cap keep their expiry.
func TestANewSecretCannotOutliveTheOrganizationsCap(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-capped")
	org := "/api/atlas/v2/orgs/" + created.Organization.ID
	secrets := org + "/serviceAccounts/" + created.ServiceAccount.ClientID + "/secrets"
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, secrets, sas, map[string]any{"secretExpiresAfterHours": 48}, nil), "no cap yet")
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, org+"/settings", orgs, map[string]any{"maxServiceAccountSecretValidityInHours": 24}, nil))

	tests := []struct {
		name, path string
		body       map[string]any
		status     int
	}{
		{"a secret longer than the cap", secrets, map[string]any{"secretExpiresAfterHours": 25}, http.StatusBadRequest},
		{"a secret as long as the cap", secrets, map[string]any{"secretExpiresAfterHours": 24}, http.StatusCreated},
		{"a new service account's secret longer than the cap", org + "/serviceAccounts",
			map[string]any{"name": "ci2", "description": "d", "roles": []string{"ORG_MEMBER"}, "secretExpiresAfterHours": 25}, http.StatusBadRequest},
		{"a new service account's secret within the cap", org + "/serviceAccounts",
			map[string]any{"name": "ci2", "description": "d", "roles": []string{"ORG_MEMBER"}, "secretExpiresAfterHours": 8}, http.StatusCreated},
	}
	for _, tc := range tests {
		var answer apiErrorBody
		require.Equal(t, tc.status, own.do(http.MethodPost, tc.path, sas, tc.body, &answer), tc.name)
		if tc.status == http.StatusBadRequest {
			assert.Equal(t, "INVALID_ATTRIBUTE", answer.ErrorCode, tc.name)
			assert.Contains(t, answer.Detail, "maxServiceAccountSecretValidityInHours: 24", tc.name)
		}
	}
	var account struct {
		Secrets []struct {
			ExpiresAt string `json:"expiresAt"`
		} `json:"secrets"`
	}
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, org+"/serviceAccounts/"+created.ServiceAccount.ClientID, sas, nil, &account))
	require.Len(t, account.Secrets, 3, "the first, the 48-hour one and the 24-hour one")
	assert.Equal(t, "2026-11-25T12:00:00Z", account.Secrets[1].ExpiresAt, "a secret made before the cap keeps its expiry")

	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, org+"/settings", orgs, map[string]any{"maxServiceAccountSecretValidityInHours": nil}, nil))
	assert.Equal(t, http.StatusCreated, own.do(http.MethodPost, secrets, sas, map[string]any{"secretExpiresAfterHours": 8760}, nil), "null lifts the cap")
}

// TestNonCompliantResourcesAreTheClustersTheConsoleMarks: the listing
// reports each marked cluster with the policies it breaks, forgets a
// deleted policy, and the console clears a mark.
func TestNonCompliantResourcesAreTheClustersTheConsoleMarks(t *testing.T) {
	h := startWithConsole(t)
	created, own := h.createServiceAccountOrg("acme-compliance")
	orgID := created.Organization.ID
	listing := "/api/atlas/v2/orgs/" + orgID + "/nonCompliantResources"
	var project, policy map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": orgID}, &project))
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+orgID+"/resourcePolicies", sas,
		map[string]any{"name": "no-aws", "policies": []map[string]any{{"body": forbidAWS}}}, &policy))
	projectID, policyID := project["id"].(string), policy["id"].(string)
	bodyID := policy["policies"].([]any)[0].(map[string]any)["id"]
	mark := "/local/console/groups/" + projectID + "/clusters/orders/nonCompliant/"

	var none []map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, listing, sas, nil, &none))
	assert.Empty(t, none, "nothing is marked yet")

	assert.Equal(t, http.StatusNotFound, h.console(http.MethodPost, mark+"000000000000000000000000", nil), "a policy the organization does not have")
	assert.Equal(t, http.StatusNotFound, h.console(http.MethodPost, "/local/console/groups/000000000000000000000000/clusters/orders/nonCompliant/"+policyID, nil), "no such project")
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, mark+policyID, nil))
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, mark+policyID, nil), "marking twice is once")

	var listed []map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, listing, sas, nil, &listed))
	require.Len(t, listed, 1)
	assert.Equal(t, orgID, listed[0]["orgId"])
	assert.Equal(t, "orders", listed[0]["resourceName"])
	assert.Equal(t, "cluster", listed[0]["resourceType"])
	assert.Regexp(t, `^[a-f0-9]{24}$`, listed[0]["resourceId"])
	assert.Equal(t, []any{map[string]any{"resourcePolicyId": policyID, "resourcePolicyName": "no-aws",
		"policiesCausingNonCompliance": []any{map[string]any{"policyId": bodyID}}}}, listed[0]["resourcePoliciesCausingNonCompliance"])
	var clusters map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+projectID+"/clusters", sas, nil, &clusters))
	assert.Equal(t, float64(0), clusters["totalCount"], "a mark is no cluster: atlas-local runs none")

	require.Equal(t, http.StatusNoContent, h.console(http.MethodDelete, "/local/console/groups/"+projectID+"/clusters/orders/nonCompliant", nil))
	assert.Equal(t, http.StatusNotFound, h.console(http.MethodDelete, "/local/console/groups/"+projectID+"/clusters/orders/nonCompliant", nil), "not twice")
	listed = nil
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, listing, sas, nil, &listed))
	assert.Empty(t, listed, "a cleared cluster is compliant")

	// By the ID the listing reports, as status's advice names it.
	require.Equal(t, http.StatusOK, h.console(http.MethodPost, mark+policyID, nil))
	listed = nil
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, listing, sas, nil, &listed))
	require.Len(t, listed, 1)
	byID := "/local/console/nonCompliantResources/" + listed[0]["resourceId"].(string)
	require.Equal(t, http.StatusNoContent, h.console(http.MethodDelete, byID, nil))
	assert.Equal(t, http.StatusNotFound, h.console(http.MethodDelete, byID, nil), "not twice")
	listed = nil
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, listing, sas, nil, &listed))
	assert.Empty(t, listed, "a cluster cleared by its ID is compliant")

	require.Equal(t, http.StatusOK, h.console(http.MethodPost, mark+policyID, nil))
	require.Equal(t, http.StatusOK, own.do(http.MethodDelete, "/api/atlas/v2/orgs/"+orgID+"/resourcePolicies/"+policyID, sas, nil, nil))
	listed = nil
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, listing, sas, nil, &listed))
	assert.Empty(t, listed, "a cluster whose only policy is deleted is compliant again")
}
