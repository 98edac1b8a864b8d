package mongodbatlas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaPath is the provider 4.14.0's whole schema, as its plugin prints it.
var schemaPath = filepath.Join("..", "..", "..", "shared", "reference", "mongodbatlas-schema-v4.14.0.json")

// TestMembershipBindingMatchesTheSchema checks the membership resources,
// which the extracted SDK surface does not cover, against the plugin's own
// schema: the token, every bound input and output by wire name, and every
// required input bound and not optional.
func TestMembershipBindingMatchesTheSchema(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(schemaPath)
	if os.IsNotExist(err) {
		t.Skipf("provider schema not found at %s (CI has ../shared beside the clone)", schemaPath)
	}
	require.NoError(t, err)
	var schema struct {
		Resources map[string]struct {
			InputProperties map[string]json.RawMessage `json:"inputProperties"`
			Properties      map[string]json.RawMessage `json:"properties"`
			RequiredInputs  []string                   `json:"requiredInputs"`
		} `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(raw, &schema))
	for token, bound := range map[string]struct {
		inputs, outputs reflect.Type
		unboundInputs   []string
	}{
		CloudUserOrgAssignmentType:  {reflect.TypeOf(cloudUserOrgAssignmentArgs{}), reflect.TypeOf(CloudUserOrgAssignment{}), nil},
		TeamType:                    {reflect.TypeOf(teamArgs{}), reflect.TypeOf(Team{}), []string{"usernames"}},
		CloudUserTeamAssignmentType: {reflect.TypeOf(cloudUserTeamAssignmentArgs{}), reflect.TypeOf(CloudUserTeamAssignment{}), nil},
		TeamProjectAssignmentType:   {reflect.TypeOf(teamProjectAssignmentArgs{}), reflect.TypeOf(TeamProjectAssignment{}), nil},
	} {
		t.Run(token, func(t *testing.T) {
			t.Parallel()
			want, ok := schema.Resources[token]
			require.True(t, ok, "the schema has no resource %s", token)
			inputs := wireFields(bound.inputs)
			for name := range inputs {
				assert.Contains(t, want.InputProperties, name, "bound input %s is the provider's", name)
			}
			for name := range want.InputProperties {
				if !contains(bound.unboundInputs, name) {
					assert.Contains(t, inputs, name, "input %s is bound", name)
				}
			}
			for name := range wireFields(bound.outputs) {
				assert.Contains(t, want.Properties, name, "bound output %s is the provider's", name)
			}
			for _, required := range want.RequiredInputs {
				require.Contains(t, inputs, required, "required input %s is bound", required)
			}
		})
	}
}
