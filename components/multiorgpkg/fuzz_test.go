package multiorgpkg

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// FuzzSpecFromInputs: whatever a program in another language sends, decoding
// never panics, and it returns either a spec that validates or problems that
// each name a path.
func FuzzSpecFromInputs(f *testing.F) {
	f.Add(`{"payingOrgId": "5f0c1d2e3f4a5b6c7d8e9f01", "orgOwnerId": "6a1b2c3d4e5f6a7b8c9d0e1f", "orgs": {"a": {"name": "acme-a"}}}`, "dev")
	f.Add(`{"payingOrgId": 5, "expiryWarningHours": "x", "orgs": {"a": {"name": ["x"], "apiKey": {"roles": [1]}}}}`, "prod")
	f.Add(`{"orgs": [], "environment": null}`, "")
	f.Fuzz(func(t *testing.T, inputs, stack string) {
		var decoded map[string]any
		if json.Unmarshal([]byte(inputs), &decoded) != nil {
			return
		}
		spec, err := SpecFromInputs(resource.NewPropertyMapFromMap(decoded), stack)
		if err == nil {
			if verr := spec.Validate(); verr != nil {
				t.Fatalf("accepted a spec that does not validate: %v", verr)
			}
			return
		}
		var verr *multiorg.ValidationError
		if !errors.As(err, &verr) {
			t.Fatalf("not a validation error: %v", err)
		}
		for _, p := range verr.Problems {
			if p.Path == "" || p.Message == "" {
				t.Fatalf("a problem without a path or message: %+v", p)
			}
		}
	})
}
