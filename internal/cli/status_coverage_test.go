package cli

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// TestEveryInputOfTheOrgStackIsCompared holds inputComparisons to the
// binding's inputs and the component's table of children: a resource type
// or an input added to either fails here until its comparison is decided.
func TestEveryInputOfTheOrgStackIsCompared(t *testing.T) {
	t.Parallel()
	children := multiorg.ChildTypes()
	require.NotEmpty(t, children)
	for _, typ := range children {
		rows, ok := inputComparisons[typ]
		require.True(t, ok, "%s, a child of the component, has no row in inputComparisons", typ)
		inputs, bound := mongodbatlas.InputNames(typ)
		if !bound || rows[anyInput].by != "" {
			assert.Len(t, rows, 1, "%s: one row for every input", typ)
			assert.NotEmpty(t, rows[anyInput].why, "%s: every input alike, and why", typ)
			continue
		}
		for _, input := range inputs {
			row, ok := rows[input]
			if assert.True(t, ok, "%s: input %s is not compared", typ, input) {
				assert.Contains(t, []string{compareByRefresh, compareByReading, compareByIdentity, compareNowhere}, row.by, "%s.%s", typ, input)
				assert.NotEmpty(t, row.why, "%s.%s", typ, input)
			}
		}
		for input := range rows {
			assert.Contains(t, inputs, input, "%s: a row for an input the binding does not have", typ)
		}
	}
	for typ := range inputComparisons {
		assert.Contains(t, children, typ, "a row for a type the component does not register")
	}
	for _, typ := range mongodbatlas.ResourceTypes() {
		_, compared := inputComparisons[typ]
		who, elsewhere := notInTheOrgStack[typ]
		assert.True(t, compared != elsewhere, "%s: a resource of the binding is either compared or made by another stack (%q)", typ, who)
		if elsewhere {
			assert.False(t, slices.Contains(children, typ), "%s is made by the component after all", typ)
		}
	}
}
