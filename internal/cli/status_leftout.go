package cli

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
)

// leftOutFindings makes each organization whose resources the refresh
// preview left out (their provider's refresh failed) unchecked, saying
// whose credential that provider signs in with and what failed; the other
// organizations of the stack were compared without them. Left-out
// resources of no organization come back, as the stack's.
func (o *statusOptions) leftOutFindings(leftOut []deploy.LeftOut, keys []string, state inspectedState,
	stackProvider atlasapi.ProviderConfig, orgs map[string]*OrgStatus) []Finding {
	var rest []Finding
	for _, l := range leftOut {
		counts := map[string]int{}
		for _, urn := range l.Resources {
			u := resource.URN(urn)
			counts[orgKeyOf(string(u.Type()), u.Name(), keys)]++
		}
		failed := resource.URN(l.Failed)
		why := fmt.Sprintf("read with %s, so not compared with Atlas: the refresh of %s %s failed: %s",
			o.providerCredential(l.Provider, state, stackProvider), shortType(string(failed.Type())), failed.Name(), l.Reason)
		for _, key := range slices.Sorted(maps.Keys(counts)) {
			finding := Finding{Kind: KindUnchecked, Message: fmt.Sprintf("%s of it %s", plural(counts[key], "resource"), why)}
			org, ok := orgs[key]
			if !ok {
				finding.Message = fmt.Sprintf("%s of the stack, of no organization, %s", plural(counts[key], "resource"), why)
				rest = append(rest, finding)
				continue
			}
			org.Findings = append(org.Findings, finding)
			org.failed = worse(org.failed, failureError("%s", finding.Message))
		}
	}
	return rest
}

// providerCredential says whose credential a provider of the stack signs
// in with: an organization's own provider, the organization's credential,
// kept in the stack's state; the stack's default provider, the caller's,
// resolved as the provider resolves it. It names no secret.
func (o *statusOptions) providerCredential(providerURN string, state inspectedState, stackProvider atlasapi.ProviderConfig) string {
	name := resource.URN(providerURN).Name()
	if key, _, ok := providerKey(name); ok {
		return fmt.Sprintf("the own provider of organization %s (%s, signed in with %s of that organization, kept in the stack's state)",
			key, name, state.credentials[key].Kind())
	}
	if r, err := atlasapi.Resolve(stackProvider, o.getenv); err == nil {
		return fmt.Sprintf("the stack's default provider (%s, signed in with the caller's credential: %s)", name, r.CredentialsFrom)
	}
	return fmt.Sprintf("the provider %s", name)
}
