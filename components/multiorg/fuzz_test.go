package multiorg

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzValidateAndPlan: any spec either fails validation with problems that
// name a path, or plans every organization without a panic.
func FuzzValidateAndPlan(f *testing.F) {
	seed, _ := json.Marshal(validSpec())
	f.Add(seed)
	prod := envSpec("prod")
	setOrg(&prod, "analytics", func(o *OrgSpec) {
		o.ResourcePolicies = &ResourcePolicies{ClusterTier: &TierRange{Min: "M10"}, Regions: []string{"aws:us-east-1"}, TLSCipherSuites: TLSCipherSuites[:1]}
		o.ServiceAccount = &ServiceAccountSpec{Name: "a", Description: "a", Roles: []string{RoleOrgOwner}, RotateEveryHours: ptr(100),
			AccessList: []AccessListEntry{{IPAddress: "::1"}, {CIDRBlock: "10.0.0.0/8"}}}
	})
	seed, _ = json.Marshal(prod)
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		var spec Spec
		if json.Unmarshal(data, &spec) != nil {
			return
		}
		err := spec.Validate()
		if err == nil {
			for _, p := range spec.plan(nil) {
				_ = p.args()
				for _, pol := range p.policies {
					if pol.body == "" || pol.slug == "" {
						t.Fatalf("an empty policy for %s", p.key)
					}
				}
			}
			return
		}
		var verr *ValidationError
		if !errors.As(err, &verr) || len(verr.Problems) == 0 {
			t.Fatalf("an error that lists no problems: %v", err)
		}
		for _, p := range verr.Problems {
			if p.Path == "" || p.Message == "" {
				t.Fatalf("a problem without a path or message: %#v", p)
			}
		}
	})
}
