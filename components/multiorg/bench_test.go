package multiorg

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
)

// BenchmarkNewMultiOrg measures a whole mocked deployment of n organizations
// (validation, registration, outputs), reported per organization.
func BenchmarkNewMultiOrg(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		spec := benchSpec(n, "dev")
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

// benchSpec is n organizations of the environment: in dev every other one
// has an API key instead of the default service account; in prod each has
// the profile's settings, its resource policies and so a provider of its own.
func benchSpec(n int, env string) Spec {
	spec := Spec{PayingOrgID: payingOrg, OrgOwnerID: ownerID, Environment: env, Orgs: map[string]OrgSpec{}}
	for i := range n {
		org := OrgSpec{Name: fmt.Sprintf("acme-%04d", i)}
		switch {
		case env == "prod":
			org.MultiFactorAuthRequired, org.RestrictEmployeeAccess = ptr(true), ptr(true)
		case i%2 == 1:
			org.APIKey = &APIKeySpec{Description: "automation", Roles: []string{RoleOrgOwner}}
		}
		spec.Orgs[fmt.Sprintf("org-%04d", i)] = org
	}
	return spec
}

// replayResource is any resource the bare replay registers.
type replayResource struct{ pulumi.CustomResourceState }

// replayComponent is the component the bare replay registers.
type replayComponent struct{ pulumi.ResourceState }

// bareReplay is what the bare SDK costs for the same work: every
// registration and invoke NewMultiOrg made, in the same order, with the same
// inputs, through ctx.RegisterResource and ctx.Invoke, with no validation,
// planning or output wiring.
func bareReplay(regs []pulumi.MockResourceArgs, calls []pulumi.MockCallArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		var parent replayComponent
		for _, call := range calls {
			var out map[string]any
			if err := ctx.Invoke(call.Token, call.Args.Mappable(), &out); err != nil {
				return err
			}
		}
		for i, reg := range regs {
			inputs := pulumi.ToMap(reg.Inputs.Mappable())
			if !reg.Custom {
				if err := ctx.RegisterComponentResource(reg.TypeToken, reg.Name, &parent); err != nil {
					return err
				}
				continue
			}
			var res replayResource
			if err := ctx.RegisterResource(reg.TypeToken, fmt.Sprintf("%s-%d", reg.Name, i), inputs, &res, pulumi.Parent(&parent)); err != nil {
				return err
			}
		}
		return ctx.RegisterResourceOutputs(&parent, pulumi.Map{})
	}
}

// BenchmarkComponentOverhead compares NewMultiOrg with the bare SDK's cost of
// the registrations it makes (bareReplay), reported as x-bare: the
// component's time over the replay's, at each size.
func BenchmarkComponentOverhead(b *testing.B) {
	for _, size := range []struct {
		env string
		n   int
	}{{"dev", 100}, {"dev", 500}, {"prod", 100}, {"prod", 500}} {
		n, spec := size.n, benchSpec(size.n, size.env)
		recorder := &atlasmock.Monitor{}
		require.NoError(b, atlasmock.Run(b, recorder, nil, func(ctx *pulumi.Context) error {
			_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec})
			return err
		}))
		replay := bareReplay(recorder.Registrations(), recorder.Calls())
		b.Run(fmt.Sprintf("%s/orgs=%d", size.env, n), func(b *testing.B) {
			var component, bare time.Duration
			for b.Loop() {
				start := time.Now()
				if err := atlasmock.Run(b, &atlasmock.Monitor{}, nil, func(ctx *pulumi.Context) error {
					_, err := NewMultiOrg(ctx, "orgs", &MultiOrgArgs{Spec: spec})
					return err
				}); err != nil {
					b.Fatal(err)
				}
				component += time.Since(start)
				start = time.Now()
				if err := atlasmock.Run(b, &atlasmock.Monitor{}, nil, replay); err != nil {
					b.Fatal(err)
				}
				bare += time.Since(start)
			}
			b.ReportMetric(float64(len(recorder.Registrations()))/float64(n), "registrations/org")
			b.ReportMetric(float64(component.Nanoseconds())/float64(b.N*n), "component-ns/org")
			b.ReportMetric(float64(bare.Nanoseconds())/float64(b.N*n), "bare-ns/org")
			b.ReportMetric(component.Seconds()/bare.Seconds(), "x-bare")
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
