package multiorg

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSuggestFallsBackToTheKnownList(t *testing.T) {
	got := Suggest("zzzzzzzz", map[string]int{"name": 0, "apiKey": 0})
	assert.Equal(t, "; known fields are apiKey, name", got)
	assert.True(t, strings.HasPrefix(Suggest("nam", map[string]int{"name": 0}), `; did you mean "name"`))
}

// TestConfigKeysAreTheDocumentedOnes: the keys the decoder accepts are the
// ones the configuration reference and the package schema describe.
func TestConfigKeysAreTheDocumentedOnes(t *testing.T) {
	assert.Equal(t, []string{"environment", "expiryWarningHours", "orgOwnerId", "orgs", "payingOrgId"}, ConfigKeys())
}
