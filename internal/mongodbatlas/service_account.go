package mongodbatlas

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ServiceAccountType is the type token of a service account of an existing
// organization.
const ServiceAccountType = "mongodbatlas:index/serviceAccount:ServiceAccount"

// serviceAccountSecrets are the outputs of a ServiceAccount that carry
// credentials: its secrets, whose first one Atlas reveals only at creation.
var serviceAccountSecrets = []string{"secrets"}

// ServiceAccount is an organization service account, created inside an
// organization that already exists.
type ServiceAccount struct {
	pulumi.CustomResourceState

	ClientId                pulumi.StringOutput                 `pulumi:"clientId"`
	CreatedAt               pulumi.StringOutput                 `pulumi:"createdAt"`
	Description             pulumi.StringOutput                 `pulumi:"description"`
	Name                    pulumi.StringOutput                 `pulumi:"name"`
	OrgId                   pulumi.StringOutput                 `pulumi:"orgId"`
	Roles                   pulumi.StringArrayOutput            `pulumi:"roles"`
	SecretExpiresAfterHours pulumi.IntPtrOutput                 `pulumi:"secretExpiresAfterHours"`
	Secrets                 ServiceAccountSecretTypeArrayOutput `pulumi:"secrets"`
}

type serviceAccountArgs struct {
	Description             string   `pulumi:"description"`
	Name                    *string  `pulumi:"name"`
	OrgId                   string   `pulumi:"orgId"`
	Roles                   []string `pulumi:"roles"`
	SecretExpiresAfterHours *int     `pulumi:"secretExpiresAfterHours"`
}

// ServiceAccountArgs are the inputs of a ServiceAccount.
type ServiceAccountArgs struct {
	// Description says what the service account is for.
	Description pulumi.StringInput
	// Name is the service account's name; Atlas does not require it unique.
	Name pulumi.StringPtrInput
	// OrgId is the organization the service account belongs to.
	OrgId pulumi.StringInput
	// Roles are the service account's organization roles.
	Roles pulumi.StringArrayInput
	// SecretExpiresAfterHours is the first secret's lifetime; the provider
	// uses it only at creation.
	SecretExpiresAfterHours pulumi.IntPtrInput
}

// ElementType returns the wire shape the arguments marshal to.
func (ServiceAccountArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*serviceAccountArgs)(nil)).Elem()
}

// NewServiceAccount registers a ServiceAccount; its secrets are a secret output.
func NewServiceAccount(ctx *pulumi.Context, name string, args *ServiceAccountArgs, opts ...pulumi.ResourceOption) (*ServiceAccount, error) {
	if args == nil || args.Description == nil || args.OrgId == nil || args.Roles == nil {
		return nil, errMissing(name, "Description", "OrgId", "Roles")
	}
	var res ServiceAccount
	err := ctx.RegisterResource(ServiceAccountType, name, *args, &res,
		pinned(opts, pulumi.AdditionalSecretOutputs(serviceAccountSecrets))...)
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// ServiceAccountSecretInfo is one secret of a ServiceAccount. Upstream names
// this shape ServiceAccountSecretType; here that name is the token of the
// ServiceAccountSecret resource.
type ServiceAccountSecretInfo struct {
	CreatedAt         *string `pulumi:"createdAt"`
	ExpiresAt         *string `pulumi:"expiresAt"`
	LastUsedAt        *string `pulumi:"lastUsedAt"`
	MaskedSecretValue *string `pulumi:"maskedSecretValue"`
	Secret            *string `pulumi:"secret"`
	SecretId          *string `pulumi:"secretId"`
}

// ServiceAccountSecretTypeOutput is an output of one ServiceAccount secret.
type ServiceAccountSecretTypeOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (ServiceAccountSecretTypeOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*ServiceAccountSecretInfo)(nil)).Elem()
}

// ExpiresAt is when the secret stops working (RFC 3339, UTC).
func (o ServiceAccountSecretTypeOutput) ExpiresAt() pulumi.StringPtrOutput {
	return o.ApplyT(func(v ServiceAccountSecretInfo) *string { return v.ExpiresAt }).(pulumi.StringPtrOutput)
}

// Secret is the client secret itself; Atlas returns it only at creation.
func (o ServiceAccountSecretTypeOutput) Secret() pulumi.StringPtrOutput {
	return o.ApplyT(func(v ServiceAccountSecretInfo) *string { return v.Secret }).(pulumi.StringPtrOutput)
}

// ServiceAccountSecretTypeArrayOutput is an output of a ServiceAccount's secrets.
type ServiceAccountSecretTypeArrayOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (ServiceAccountSecretTypeArrayOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*[]ServiceAccountSecretInfo)(nil)).Elem()
}

// Index is the i-th secret; an index out of range resolves to the zero secret.
func (o ServiceAccountSecretTypeArrayOutput) Index(i pulumi.IntInput) ServiceAccountSecretTypeOutput {
	return pulumi.All(o, i).ApplyT(func(vs []any) ServiceAccountSecretInfo {
		secrets, at := vs[0].([]ServiceAccountSecretInfo), vs[1].(int)
		if at < 0 || at >= len(secrets) {
			return ServiceAccountSecretInfo{}
		}
		return secrets[at]
	}).(ServiceAccountSecretTypeOutput)
}

func init() {
	pulumi.RegisterOutputType(ServiceAccountSecretTypeOutput{})
	pulumi.RegisterOutputType(ServiceAccountSecretTypeArrayOutput{})
}
