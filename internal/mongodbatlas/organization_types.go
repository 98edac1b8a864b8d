package mongodbatlas

import (
	"context"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// OrganizationServiceAccount is the service account an Organization is created
// with. ClientId, CreatedAt and Secrets are filled in by the provider.
type OrganizationServiceAccount struct {
	ClientId                *string                            `pulumi:"clientId"`
	CreatedAt               *string                            `pulumi:"createdAt"`
	Description             string                             `pulumi:"description"`
	Name                    string                             `pulumi:"name"`
	Roles                   []string                           `pulumi:"roles"`
	SecretExpiresAfterHours int                                `pulumi:"secretExpiresAfterHours"`
	Secrets                 []OrganizationServiceAccountSecret `pulumi:"secrets"`
}

// OrganizationServiceAccountSecret is one client secret of the service account.
// Atlas returns Secret only in the response that created it.
type OrganizationServiceAccountSecret struct {
	CreatedAt *string `pulumi:"createdAt"`
	ExpiresAt *string `pulumi:"expiresAt"`
	Secret    *string `pulumi:"secret"`
	SecretId  *string `pulumi:"secretId"`
}

// OrganizationServiceAccountInput is an input of OrganizationServiceAccount.
type OrganizationServiceAccountInput interface {
	pulumi.Input
	ToOrganizationServiceAccountOutput() OrganizationServiceAccountOutput
	ToOrganizationServiceAccountOutputWithContext(context.Context) OrganizationServiceAccountOutput
}

// OrganizationServiceAccountPtrInput is an optional OrganizationServiceAccount
// input; *OrganizationServiceAccountArgs implements it.
type OrganizationServiceAccountPtrInput interface {
	pulumi.Input
	ToOrganizationServiceAccountPtrOutput() OrganizationServiceAccountPtrOutput
	ToOrganizationServiceAccountPtrOutputWithContext(context.Context) OrganizationServiceAccountPtrOutput
}

// OrganizationServiceAccountArgs are the creation inputs of the service account.
type OrganizationServiceAccountArgs struct {
	// Description is the service account's description (1-250 characters).
	Description pulumi.StringInput
	// Name is the service account's name (1-64 characters).
	Name pulumi.StringInput
	// Roles are the service account's organization roles.
	Roles pulumi.StringArrayInput
	// SecretExpiresAfterHours is the first secret's lifetime (8-8760 hours).
	SecretExpiresAfterHours pulumi.IntInput
}

// ElementType returns the wire shape the arguments marshal to.
func (OrganizationServiceAccountArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*OrganizationServiceAccount)(nil)).Elem()
}

// ToOrganizationServiceAccountOutput converts the arguments to an output.
func (a OrganizationServiceAccountArgs) ToOrganizationServiceAccountOutput() OrganizationServiceAccountOutput {
	return a.ToOrganizationServiceAccountOutputWithContext(context.Background())
}

// ToOrganizationServiceAccountOutputWithContext converts the arguments to an output.
func (a OrganizationServiceAccountArgs) ToOrganizationServiceAccountOutputWithContext(ctx context.Context) OrganizationServiceAccountOutput {
	return pulumi.ToOutputWithContext(ctx, a).(OrganizationServiceAccountOutput)
}

// ToOrganizationServiceAccountPtrOutput converts the arguments to an optional output.
func (a OrganizationServiceAccountArgs) ToOrganizationServiceAccountPtrOutput() OrganizationServiceAccountPtrOutput {
	return a.ToOrganizationServiceAccountPtrOutputWithContext(context.Background())
}

// ToOrganizationServiceAccountPtrOutputWithContext converts the arguments to an optional output.
func (a OrganizationServiceAccountArgs) ToOrganizationServiceAccountPtrOutputWithContext(ctx context.Context) OrganizationServiceAccountPtrOutput {
	return a.ToOrganizationServiceAccountOutputWithContext(ctx).ToOrganizationServiceAccountPtrOutputWithContext(ctx)
}

// OrganizationServiceAccountOutput is an output of OrganizationServiceAccount.
type OrganizationServiceAccountOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (OrganizationServiceAccountOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*OrganizationServiceAccount)(nil)).Elem()
}

// ToOrganizationServiceAccountOutput returns o.
func (o OrganizationServiceAccountOutput) ToOrganizationServiceAccountOutput() OrganizationServiceAccountOutput {
	return o
}

// ToOrganizationServiceAccountOutputWithContext returns o.
func (o OrganizationServiceAccountOutput) ToOrganizationServiceAccountOutputWithContext(context.Context) OrganizationServiceAccountOutput {
	return o
}

// ToOrganizationServiceAccountPtrOutput converts o to an optional output.
func (o OrganizationServiceAccountOutput) ToOrganizationServiceAccountPtrOutput() OrganizationServiceAccountPtrOutput {
	return o.ToOrganizationServiceAccountPtrOutputWithContext(context.Background())
}

// ToOrganizationServiceAccountPtrOutputWithContext converts o to an optional output.
func (o OrganizationServiceAccountOutput) ToOrganizationServiceAccountPtrOutputWithContext(ctx context.Context) OrganizationServiceAccountPtrOutput {
	return o.ApplyTWithContext(ctx, func(_ context.Context, v OrganizationServiceAccount) *OrganizationServiceAccount {
		return &v
	}).(OrganizationServiceAccountPtrOutput)
}

// OrganizationServiceAccountPtrOutput is an optional OrganizationServiceAccount output.
type OrganizationServiceAccountPtrOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (OrganizationServiceAccountPtrOutput) ElementType() reflect.Type {
	return reflect.TypeOf((**OrganizationServiceAccount)(nil)).Elem()
}

// ToOrganizationServiceAccountPtrOutput returns o.
func (o OrganizationServiceAccountPtrOutput) ToOrganizationServiceAccountPtrOutput() OrganizationServiceAccountPtrOutput {
	return o
}

// ToOrganizationServiceAccountPtrOutputWithContext returns o.
func (o OrganizationServiceAccountPtrOutput) ToOrganizationServiceAccountPtrOutputWithContext(context.Context) OrganizationServiceAccountPtrOutput {
	return o
}

// ClientId is the service account's client ID, nil until the provider creates it.
func (o OrganizationServiceAccountPtrOutput) ClientId() pulumi.StringPtrOutput {
	return o.ApplyT(func(v *OrganizationServiceAccount) *string {
		if v == nil {
			return nil
		}
		return v.ClientId
	}).(pulumi.StringPtrOutput)
}

// Secrets are the service account's client secrets, newest last.
func (o OrganizationServiceAccountPtrOutput) Secrets() OrganizationServiceAccountSecretArrayOutput {
	return o.ApplyT(func(v *OrganizationServiceAccount) []OrganizationServiceAccountSecret {
		if v == nil {
			return nil
		}
		return v.Secrets
	}).(OrganizationServiceAccountSecretArrayOutput)
}

// OrganizationServiceAccountSecretOutput is an output of one client secret.
type OrganizationServiceAccountSecretOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (OrganizationServiceAccountSecretOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*OrganizationServiceAccountSecret)(nil)).Elem()
}

// ExpiresAt is when the secret stops working (ISO 8601, UTC).
func (o OrganizationServiceAccountSecretOutput) ExpiresAt() pulumi.StringPtrOutput {
	return o.ApplyT(func(v OrganizationServiceAccountSecret) *string { return v.ExpiresAt }).(pulumi.StringPtrOutput)
}

// Secret is the client secret itself.
func (o OrganizationServiceAccountSecretOutput) Secret() pulumi.StringPtrOutput {
	return o.ApplyT(func(v OrganizationServiceAccountSecret) *string { return v.Secret }).(pulumi.StringPtrOutput)
}

// OrganizationServiceAccountSecretArrayOutput is an output of the client secrets.
type OrganizationServiceAccountSecretArrayOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (OrganizationServiceAccountSecretArrayOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*[]OrganizationServiceAccountSecret)(nil)).Elem()
}

// Index is the i-th secret; an index out of range resolves to the zero secret.
func (o OrganizationServiceAccountSecretArrayOutput) Index(i pulumi.IntInput) OrganizationServiceAccountSecretOutput {
	return pulumi.All(o, i).ApplyT(func(vs []any) OrganizationServiceAccountSecret {
		secrets, at := vs[0].([]OrganizationServiceAccountSecret), vs[1].(int)
		if at < 0 || at >= len(secrets) {
			return OrganizationServiceAccountSecret{}
		}
		return secrets[at]
	}).(OrganizationServiceAccountSecretOutput)
}

func init() {
	pulumi.RegisterInputType(reflect.TypeOf((*OrganizationServiceAccountInput)(nil)).Elem(), OrganizationServiceAccountArgs{})
	pulumi.RegisterOutputType(OrganizationServiceAccountOutput{})
	pulumi.RegisterOutputType(OrganizationServiceAccountPtrOutput{})
	pulumi.RegisterOutputType(OrganizationServiceAccountSecretOutput{})
	pulumi.RegisterOutputType(OrganizationServiceAccountSecretArrayOutput{})
}
