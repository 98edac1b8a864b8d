package multiorg

import (
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/pulumiversion"
)

// NewFromSpec builds the MultiOrg named name for a decoded spec, wired as
// every deployment of it is: with what its last deployment left in the
// running stack's state (ReadPrevious), the paying organization's linked
// organizations (DefaultLinkedOrgs), whether the organizations it holds
// still exist (DefaultOrgExists), the caller's credential for the
// OrganizationSettings of adopted organizations, and per-org providers talking to the
// same Admin API as the caller's mongodbatlas:baseUrl. The Go stack program
// and the component package's Construct both call it.
//
// It first asks the engine whether it is the Pulumi CLI
// pulumiversion.Minimum or later: an older one would register everything
// and silently never rotate a secret (it ignores replacementTrigger).
func NewFromSpec(ctx *pulumi.Context, name string, spec Spec, opts ...pulumi.ResourceOption) (*MultiOrg, error) {
	if err := pulumiversion.RequireEngine(ctx); err != nil {
		return nil, err
	}
	previous, err := ReadPrevious(ctx, name)
	if err != nil {
		return nil, err
	}
	args := &MultiOrgArgs{Spec: spec, Previous: previous, LinkedOrgs: DefaultLinkedOrgs(ctx, spec.PayingOrgID),
		OrgExists: DefaultOrgExists(ctx), TakeOverCheck: DefaultTakeOverCheck(ctx)}
	if baseURL, ok := ctx.GetConfig("mongodbatlas:baseUrl"); ok && baseURL != "" {
		args.BaseURL = pulumi.String(baseURL)
	}
	if api, err := defaultAdminAPI(func(key string) string { v, _ := ctx.GetConfig(key); return v }, os.Getenv); err == nil &&
		api.Credentials != (atlasapi.Credentials{}) {
		args.Caller = &api
	}
	return NewMultiOrg(ctx, name, args, opts...)
}
