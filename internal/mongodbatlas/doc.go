// Package mongodbatlas is a typed binding of the mongodbatlas Pulumi provider,
// pinned to plugin version 4.14.0.
//
// It exists because the upstream Go SDK (github.com/pulumi/pulumi-mongodbatlas/sdk/v4)
// cannot be downloaded where this project is built. It registers the same type
// tokens and wire names as the upstream package, so a program built with it
// drives the real provider plugin exactly as the upstream SDK would, and state is
// interchangeable. It binds only the resources atlas-multiorg uses.
//
// Unlike upstream, every credential the provider returns or accepts is a Pulumi
// secret: the Organization's serviceAccount block (which carries the client
// secret) and the Provider's clientSecret and accessToken are marked too.
package mongodbatlas

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PluginVersion is the mongodbatlas provider plugin version every resource of
// this package is registered with. The binding mirrors this version's schema.
const PluginVersion = "4.14.0"

// pinned returns the caller's options followed by the binding's own and, last,
// the plugin version, so no caller option can register a resource against a
// schema this binding was not written for. The caller's slice is not modified.
func pinned(opts []pulumi.ResourceOption, own ...pulumi.ResourceOption) []pulumi.ResourceOption {
	all := make([]pulumi.ResourceOption, 0, len(opts)+len(own)+1)
	all = append(all, opts...)
	all = append(all, own...)
	return append(all, pulumi.Version(PluginVersion))
}

// secretInput wraps a non-nil string input as a secret, so the value is
// encrypted in state and masked in previews from the moment it is registered.
func secretInput(in pulumi.StringPtrInput) pulumi.StringPtrInput {
	if in == nil {
		return nil
	}
	return pulumi.ToSecret(in.ToStringPtrOutput()).(pulumi.StringPtrOutput)
}

// errMissing reports required inputs a caller left out, before registration.
func errMissing(name string, required ...string) error {
	return fmt.Errorf("%s: the inputs %s are required", name, strings.Join(required, ", "))
}
