// Package orgprovider turns an org stack's outputs into a mongodbatlas
// provider that acts inside one of its organizations, so any program can
// work inside an organization in three lines:
//
//	ref, err := pulumi.NewStackReference(ctx, "acme/atlas-multiorg/dev", nil)
//	org, err := orgprovider.New(ctx, "analytics", &orgprovider.Args{Stack: ref, OrgKey: "analytics"})
//	_, err = mongodbatlas.NewProject(ctx, "app", &mongodbatlas.ProjectArgs{OrgId: org.OrgID}, pulumi.Provider(org.Provider))
package orgprovider

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// ErrAdopted is returned, wrapped, for an organization the org stack adopted:
// it has no credential of its own, so no provider can be built for it.
var ErrAdopted = errors.New("organization was adopted and has no credential of its own")

// Args selects the organization.
type Args struct {
	// Stack is a reference to an atlas-multiorg org stack.
	Stack *pulumi.StackReference
	// OrgKey is the organization's key in that stack's config.
	OrgKey string
	// BaseURL points the provider at another Admin API; nil means Atlas.
	BaseURL pulumi.StringPtrInput
}

// Org is one organization of an org stack, with a provider that uses the
// organization's own credential.
type Org struct {
	// Key is the organization's key in the org stack.
	Key string
	// OrgID is the Atlas organization ID.
	OrgID pulumi.StringOutput
	// CredentialType is serviceAccount or apiKey.
	CredentialType multiorg.CredentialType
	// Provider acts inside the organization with its own credential.
	Provider *mongodbatlas.Provider
	// ClientID is the service account's client ID, a secret; "" for an API key.
	ClientID pulumi.StringOutput
	// PublicKey is the API key's public key, a secret; "" for a service account.
	PublicKey pulumi.StringOutput
	// TeamIDs are the organization's team IDs, by team key (orgs.<key>.teams
	// of the org stack); empty when it has no teams.
	TeamIDs map[string]string
}

// New reads the organization from the org stack's "orgs" and "credentials"
// exports and registers an explicit provider named name with its credential,
// every credential input a secret. It fails before registering anything when
// the stack has no such export or organization. For an organization without
// a credential of its own it returns an error wrapping ErrAdopted together
// with the Org, whose OrgID is set and whose Provider is nil, so a caller can
// fall back to its own provider.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Org, error) {
	if args == nil || args.Stack == nil || args.OrgKey == "" {
		return nil, fmt.Errorf("orgprovider %q: Stack and OrgKey are required", name)
	}
	stackName := label(ctx, args.Stack)
	entry, err := orgEntry(args.Stack, stackName, args.OrgKey)
	if err != nil {
		return nil, err
	}
	teams := entry.Teams
	if teams == nil {
		teams = map[string]string{}
	}
	org := &Org{
		Key:            args.OrgKey,
		OrgID:          pulumi.String(entry.OrgID).ToStringOutput(),
		CredentialType: entry.CredentialType,
		ClientID:       pulumi.String("").ToStringOutput(),
		PublicKey:      pulumi.String("").ToStringOutput(),
		TeamIDs:        teams,
	}
	if org.CredentialType == multiorg.CredentialNone {
		return org, fmt.Errorf("organization %q of stack %s: %w; act inside it with the provider that adopted it", args.OrgKey, stackName, ErrAdopted)
	}
	if details, err := args.Stack.GetOutputDetails("credentials"); err != nil || (details.Value == nil && details.SecretValue == nil) {
		return nil, fmt.Errorf("stack %s has no \"credentials\" output: deploy the org stack (pulumi up) before its consumers", stackName)
	}

	credential := credentialOf(args.Stack, args.OrgKey)
	providerArgs := &mongodbatlas.ProviderArgs{BaseUrl: args.BaseURL}
	switch org.CredentialType {
	case multiorg.CredentialServiceAccount:
		org.ClientID = credential.MapIndex(pulumi.String("clientId"))
		providerArgs.ClientId, providerArgs.ClientSecret = org.ClientID, credential.MapIndex(pulumi.String("clientSecret"))
	case multiorg.CredentialAPIKey:
		org.PublicKey = credential.MapIndex(pulumi.String("publicKey"))
		providerArgs.PublicKey, providerArgs.PrivateKey = org.PublicKey, credential.MapIndex(pulumi.String("privateKey"))
	default:
		return nil, fmt.Errorf("organization %q of stack %s has credential type %q, which this version does not know", args.OrgKey, stackName, org.CredentialType)
	}
	org.Provider, err = mongodbatlas.NewProvider(ctx, name, providerArgs, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating provider for organization %q: %w", args.OrgKey, err)
	}
	return org, nil
}

// orgEntry returns the organization's entry of the stack's "orgs" export.
func orgEntry(stack *pulumi.StackReference, stackName, key string) (multiorg.OrgOutput, error) {
	details, err := stack.GetOutputDetails("orgs")
	if err != nil {
		return multiorg.OrgOutput{}, fmt.Errorf("reading the \"orgs\" output of stack %s: %w", stackName, err)
	}
	if _, ok := details.Value.(map[string]any); !ok {
		return multiorg.OrgOutput{}, fmt.Errorf("stack %s has no \"orgs\" output: is it an atlas-multiorg org stack, deployed with pulumi up?", stackName)
	}
	outputs, err := multiorg.StackOutputsFromValues(map[string]any{"orgs": details.Value})
	if err != nil {
		return multiorg.OrgOutput{}, fmt.Errorf("reading the \"orgs\" output of stack %s: %w", stackName, err)
	}
	entry, ok := outputs.Orgs[key]
	if !ok {
		return multiorg.OrgOutput{}, fmt.Errorf("stack %s has no organization %q; its org keys are %v", stackName, key, slices.Sorted(maps.Keys(outputs.Orgs)))
	}
	if entry.OrgID == "" {
		return multiorg.OrgOutput{}, fmt.Errorf("organization %q of stack %s has no orgId yet", key, stackName)
	}
	return entry, nil
}

// label is the referenced stack's name, for messages. The name is the
// reference's own input, so it is known even during a preview.
func label(ctx *pulumi.Context, stack *pulumi.StackReference) string {
	r, err := internals.UnsafeAwaitOutput(ctx.Context(), stack.Name)
	if name, ok := r.Value.(string); err == nil && ok {
		return fmt.Sprintf("%q", name)
	}
	return "(unnamed)"
}

// credentialOf selects one organization's credential from the secret
// "credentials" export; the result stays secret.
func credentialOf(stack *pulumi.StackReference, key string) pulumi.StringMapOutput {
	return stack.GetOutput(pulumi.String("credentials")).ApplyT(func(all any) (map[string]string, error) {
		byKey, _ := all.(map[string]any)
		fields, ok := byKey[key].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("the credentials output has no entry for organization %q", key)
		}
		out := make(map[string]string, len(fields))
		for k, v := range fields {
			s, _ := v.(string)
			out[k] = s
		}
		return out, nil
	}).(pulumi.StringMapOutput)
}
