// Package stacks turns stack config into a multiorg.Spec, registers the
// MultiOrg component, and exports what other stacks consume.
package stacks

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// Namespace is the config namespace of the org stack: its project name, the
// name in Pulumi.yaml.
const Namespace = multiorg.ConfigNamespace

// ComponentName is the MultiOrg's resource name; the organizations are named
// "<ComponentName>-<org key>".
const ComponentName = multiorg.StackComponentName

// Program is the org stack: it reads atlas-multiorg:payingOrgId,
// atlas-multiorg:orgOwnerId, atlas-multiorg:orgs and atlas-multiorg:environment
// (default: the stack name), creates or adopts the
// organizations, and exports orgs (IDs, names, credential types and expiries),
// credentials (a secret) and payingOrgId. Invalid config fails with every
// problem listed before any resource is registered.
func Program(ctx *pulumi.Context) error {
	_, err := deploy(ctx)
	return err
}

func deploy(ctx *pulumi.Context) (*multiorg.MultiOrg, error) {
	spec, err := multiorg.LoadSpec(ctx)
	if err != nil {
		return nil, err
	}
	if err := RequirePlugin(ctx.RootDirectory(), spec); err != nil {
		return nil, err
	}
	m, err := multiorg.NewFromSpec(ctx, ComponentName, spec)
	if err != nil {
		return nil, err
	}
	multiorg.ExportStack(ctx, m)
	return m, nil
}
