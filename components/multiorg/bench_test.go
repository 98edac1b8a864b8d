package multiorg

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
)

// BenchmarkNewMultiOrg measures a whole mocked deployment of n organizations
// (validation, registration, outputs), reported per organization.
func BenchmarkNewMultiOrg(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		spec := Spec{PayingOrgID: payingOrg, OrgOwnerID: ownerID, Orgs: map[string]OrgSpec{}}
		for i := range n {
			org := OrgSpec{Name: fmt.Sprintf("acme-%04d", i)}
			if i%2 == 1 {
				org.APIKey = &APIKeySpec{Description: "automation", Roles: []string{RoleOrgOwner}}
			}
			spec.Orgs[fmt.Sprintf("org-%04d", i)] = org
		}
		b.Run(fmt.Sprintf("orgs=%d", n), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				err := atlasmock.Run(b, &atlasmock.Monitor{}, nil, func(ctx *pulumi.Context) error {
					_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			orgs := float64(b.N * n)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/orgs, "ns/org")
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/orgs, "allocs/org")
		})
	}
}

// BenchmarkValidate measures validation alone, the part that runs before
// anything is registered.
func BenchmarkValidate(b *testing.B) {
	spec := Spec{PayingOrgID: payingOrg, OrgOwnerID: ownerID, Orgs: map[string]OrgSpec{}}
	for i := range 1000 {
		spec.Orgs[fmt.Sprintf("org-%04d", i)] = OrgSpec{Name: fmt.Sprintf("acme-%04d", i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := spec.Validate(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/org")
}
