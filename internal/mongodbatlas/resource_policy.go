package mongodbatlas

import (
	"context"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ResourcePolicyType is the type token of mongodbatlas.ResourcePolicy.
const ResourcePolicyType = "mongodbatlas:index/resourcePolicy:ResourcePolicy"

// ResourcePolicy is an Atlas resource policy: Cedar policies that restrict
// what anyone may configure inside an organization.
type ResourcePolicy struct {
	pulumi.CustomResourceState

	CreatedDate     pulumi.StringOutput             `pulumi:"createdDate"`
	Description     pulumi.StringPtrOutput          `pulumi:"description"`
	LastUpdatedDate pulumi.StringOutput             `pulumi:"lastUpdatedDate"`
	Name            pulumi.StringOutput             `pulumi:"name"`
	OrgId           pulumi.StringOutput             `pulumi:"orgId"`
	Policies        ResourcePolicyPolicyArrayOutput `pulumi:"policies"`
	Version         pulumi.StringOutput             `pulumi:"version"`
}

type resourcePolicyArgs struct {
	Description *string                `pulumi:"description"`
	Name        *string                `pulumi:"name"`
	OrgId       string                 `pulumi:"orgId"`
	Policies    []ResourcePolicyPolicy `pulumi:"policies"`
}

// ResourcePolicyArgs are the inputs of a ResourcePolicy.
type ResourcePolicyArgs struct {
	// Description says what the policy is for.
	Description pulumi.StringPtrInput
	// Name is unique within the organization.
	Name pulumi.StringPtrInput
	// OrgId is the organization the policy applies to.
	OrgId pulumi.StringInput
	// Policies are the Cedar policy bodies.
	Policies ResourcePolicyPolicyArrayInput
}

// ElementType returns the wire shape ResourcePolicyArgs marshals to.
func (ResourcePolicyArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*resourcePolicyArgs)(nil)).Elem()
}

// NewResourcePolicy registers a ResourcePolicy.
func NewResourcePolicy(ctx *pulumi.Context, name string, args *ResourcePolicyArgs, opts ...pulumi.ResourceOption) (*ResourcePolicy, error) {
	if args == nil || args.OrgId == nil || args.Policies == nil {
		return nil, errMissing(name, "OrgId", "Policies")
	}
	var res ResourcePolicy
	if err := ctx.RegisterResource(ResourcePolicyType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// ResourcePolicyPolicy is one Cedar policy of a ResourcePolicy.
type ResourcePolicyPolicy struct {
	Body string  `pulumi:"body"`
	Id   *string `pulumi:"id"`
}

// ResourcePolicyPolicyInput is an input of ResourcePolicyPolicy.
type ResourcePolicyPolicyInput interface {
	pulumi.Input
	ToResourcePolicyPolicyOutput() ResourcePolicyPolicyOutput
	ToResourcePolicyPolicyOutputWithContext(context.Context) ResourcePolicyPolicyOutput
}

// ResourcePolicyPolicyArgs is one Cedar policy body.
type ResourcePolicyPolicyArgs struct {
	// Body is the Cedar text of the policy.
	Body pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (ResourcePolicyPolicyArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*ResourcePolicyPolicy)(nil)).Elem()
}

// ToResourcePolicyPolicyOutput converts the arguments to an output.
func (a ResourcePolicyPolicyArgs) ToResourcePolicyPolicyOutput() ResourcePolicyPolicyOutput {
	return a.ToResourcePolicyPolicyOutputWithContext(context.Background())
}

// ToResourcePolicyPolicyOutputWithContext converts the arguments to an output.
func (a ResourcePolicyPolicyArgs) ToResourcePolicyPolicyOutputWithContext(ctx context.Context) ResourcePolicyPolicyOutput {
	return pulumi.ToOutputWithContext(ctx, a).(ResourcePolicyPolicyOutput)
}

// ResourcePolicyPolicyArrayInput is an input of []ResourcePolicyPolicy.
type ResourcePolicyPolicyArrayInput interface {
	pulumi.Input
	ToResourcePolicyPolicyArrayOutput() ResourcePolicyPolicyArrayOutput
	ToResourcePolicyPolicyArrayOutputWithContext(context.Context) ResourcePolicyPolicyArrayOutput
}

// ResourcePolicyPolicyArray is a list of policy inputs.
type ResourcePolicyPolicyArray []ResourcePolicyPolicyInput

// ElementType returns the wire shape the array marshals to.
func (ResourcePolicyPolicyArray) ElementType() reflect.Type {
	return reflect.TypeOf((*[]ResourcePolicyPolicy)(nil)).Elem()
}

// ToResourcePolicyPolicyArrayOutput converts the array to an output.
func (a ResourcePolicyPolicyArray) ToResourcePolicyPolicyArrayOutput() ResourcePolicyPolicyArrayOutput {
	return a.ToResourcePolicyPolicyArrayOutputWithContext(context.Background())
}

// ToResourcePolicyPolicyArrayOutputWithContext converts the array to an output.
func (a ResourcePolicyPolicyArray) ToResourcePolicyPolicyArrayOutputWithContext(ctx context.Context) ResourcePolicyPolicyArrayOutput {
	return pulumi.ToOutputWithContext(ctx, a).(ResourcePolicyPolicyArrayOutput)
}

// ResourcePolicyPolicyOutput is an output of one policy.
type ResourcePolicyPolicyOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (ResourcePolicyPolicyOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*ResourcePolicyPolicy)(nil)).Elem()
}

// ToResourcePolicyPolicyOutput returns o.
func (o ResourcePolicyPolicyOutput) ToResourcePolicyPolicyOutput() ResourcePolicyPolicyOutput {
	return o
}

// ToResourcePolicyPolicyOutputWithContext returns o.
func (o ResourcePolicyPolicyOutput) ToResourcePolicyPolicyOutputWithContext(context.Context) ResourcePolicyPolicyOutput {
	return o
}

// ResourcePolicyPolicyArrayOutput is an output of the policies.
type ResourcePolicyPolicyArrayOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (ResourcePolicyPolicyArrayOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*[]ResourcePolicyPolicy)(nil)).Elem()
}

// ToResourcePolicyPolicyArrayOutput returns o.
func (o ResourcePolicyPolicyArrayOutput) ToResourcePolicyPolicyArrayOutput() ResourcePolicyPolicyArrayOutput {
	return o
}

// ToResourcePolicyPolicyArrayOutputWithContext returns o.
func (o ResourcePolicyPolicyArrayOutput) ToResourcePolicyPolicyArrayOutputWithContext(context.Context) ResourcePolicyPolicyArrayOutput {
	return o
}

func init() {
	pulumi.RegisterInputType(reflect.TypeOf((*ResourcePolicyPolicyInput)(nil)).Elem(), ResourcePolicyPolicyArgs{})
	pulumi.RegisterInputType(reflect.TypeOf((*ResourcePolicyPolicyArrayInput)(nil)).Elem(), ResourcePolicyPolicyArray{})
	pulumi.RegisterOutputType(ResourcePolicyPolicyOutput{})
	pulumi.RegisterOutputType(ResourcePolicyPolicyArrayOutput{})
}
