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
const ComponentName = "multiorg"

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
	m, err := multiorg.NewFromSpec(ctx, ComponentName, spec)
	if err != nil {
		return nil, err
	}
	Export(ctx, m)
	return m, nil
}

// Export exports the outputs consumer stacks read: "orgs" (per org key:
// orgId, name, credentialType, secretExpiresAt, payingOrgId; nothing secret),
// "credentials" (per org key, a secret) and "payingOrgId".
func Export(ctx *pulumi.Context, m *multiorg.MultiOrg) {
	orgs := pulumi.Map{}
	for _, key := range m.Keys() {
		org, _ := m.Org(key)
		orgs[key] = pulumi.Map{
			"orgId":             org.Resource.OrgId,
			"name":              org.Resource.Name,
			"credentialType":    pulumi.String(string(org.CredentialType)),
			"secretExpiresAt":   org.SecretExpiresAt,
			"payingOrgId":       pulumi.String(org.PayingOrgID),
			"accessListEntries": pulumi.Int(org.AccessListEntries),
		}
		if len(org.TeamIDs) > 0 {
			// Only where there are teams, so that stacks without any
			// export exactly what they did before teams existed.
			orgs[key].(pulumi.Map)["teams"] = org.TeamIDs
		}
	}
	ctx.Export("orgs", orgs)
	ctx.Export("credentials", m.Credentials)
	ctx.Export("payingOrgId", m.PayingOrgID)
}
