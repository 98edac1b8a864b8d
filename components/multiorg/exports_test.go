package multiorg

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeStackOutputs(t *testing.T) {
	tests := map[string]struct {
		raw     string
		want    StackOutputs
		problem string
	}{
		"an org stack's outputs, the secret credentials left alone": {
			raw: `{"payingOrgId": "p", "credentials": "[secret]", "orgs": {"a": {"orgId": "1", "name": "acme-a", "credentialType": "serviceAccount",
				"secretExpiresAt": "2026-12-01T00:00:00Z", "payingOrgId": "p", "accessListEntries": 2, "teams": {"ops": "t1"}}}}`,
			want: StackOutputs{PayingOrgID: "p", Orgs: map[string]OrgOutput{"a": {OrgID: "1", Name: "acme-a", CredentialType: CredentialServiceAccount,
				SecretExpiresAt: "2026-12-01T00:00:00Z", PayingOrgID: "p", AccessListEntries: 2, Teams: map[string]string{"ops": "t1"}}}},
		},
		"an older stack's entry, without the later fields": {
			raw:  `{"orgs": {"a": {"orgId": "1", "name": "acme-a"}}}`,
			want: StackOutputs{Orgs: map[string]OrgOutput{"a": {OrgID: "1", Name: "acme-a"}}},
		},
		"not json":           {raw: "Current stack outputs (3):", problem: "stack outputs are not a JSON object"},
		"an array":           {raw: `[1]`, problem: "stack outputs are not a JSON object"},
		"null":               {raw: `null`, problem: "stack outputs are not a JSON object"},
		"no orgs":            {raw: `{"projects": {}}`, problem: `stack outputs have no "orgs" output`},
		"orgs not an object": {raw: `{"orgs": ["a"]}`, problem: `the "orgs" output is not an object of organizations`},
		"a field's type":     {raw: `{"orgs": {"a": {"secretExpiresAt": 5}}}`, problem: "orgs.a.secretExpiresAt is not a string"},
		"an entry's type":    {raw: `{"orgs": {"a": 5}}`, problem: "orgs.a is not an object of fields"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeStackOutputs([]byte(tc.raw))
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestStackOutputsFromValuesReadsPulumisPlainValues(t *testing.T) {
	got, err := StackOutputsFromValues(map[string]any{"orgs": map[string]any{
		"a": map[string]any{"orgId": "1", "accessListEntries": 3.0, "credentialType": "apiKey"},
	}})
	require.NoError(t, err)
	assert.Equal(t, map[string]OrgOutput{"a": {OrgID: "1", AccessListEntries: 3, CredentialType: CredentialAPIKey}}, got.Orgs)
}
