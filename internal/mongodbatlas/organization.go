package mongodbatlas

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// OrganizationType is the type token of mongodbatlas.Organization.
const OrganizationType = "mongodbatlas:index/organization:Organization"

// OrganizationCreateOnlyInputs are the wire names of the inputs the provider
// accepts only when it creates an organization. Changing one later is a
// provider error, and an imported organization must not set any of them.
var OrganizationCreateOnlyInputs = []string{
	"description", "federationSettingsId", "orgOwnerId", "roleNames", "serviceAccount",
}

// organizationSecrets are the outputs that carry the organization's own
// credential. Upstream marks only the API key pair; the serviceAccount block
// holds the client secret, so it is marked too.
var organizationSecrets = []string{"privateKey", "publicKey", "serviceAccount"}

// Organization is an Atlas organization. When the provider creates it, it also
// creates the organization's first credential (an API key or a service
// account) and manages the organization with that credential from then on.
type Organization struct {
	pulumi.CustomResourceState

	ApiAccessListRequired     pulumi.BoolOutput                   `pulumi:"apiAccessListRequired"`
	Description               pulumi.StringPtrOutput              `pulumi:"description"`
	FederationSettingsId      pulumi.StringPtrOutput              `pulumi:"federationSettingsId"`
	GenAiFeaturesEnabled      pulumi.BoolPtrOutput                `pulumi:"genAiFeaturesEnabled"`
	MultiFactorAuthRequired   pulumi.BoolOutput                   `pulumi:"multiFactorAuthRequired"`
	Name                      pulumi.StringOutput                 `pulumi:"name"`
	OrgId                     pulumi.StringOutput                 `pulumi:"orgId"`
	OrgOwnerId                pulumi.StringPtrOutput              `pulumi:"orgOwnerId"`
	PrivateKey                pulumi.StringOutput                 `pulumi:"privateKey"`
	PublicKey                 pulumi.StringOutput                 `pulumi:"publicKey"`
	RestrictEmployeeAccess    pulumi.BoolOutput                   `pulumi:"restrictEmployeeAccess"`
	RoleNames                 pulumi.StringArrayOutput            `pulumi:"roleNames"`
	SecurityContact           pulumi.StringPtrOutput              `pulumi:"securityContact"`
	ServiceAccount            OrganizationServiceAccountPtrOutput `pulumi:"serviceAccount"`
	SkipDefaultAlertsSettings pulumi.BoolOutput                   `pulumi:"skipDefaultAlertsSettings"`
}

type organizationArgs struct {
	ApiAccessListRequired     *bool                       `pulumi:"apiAccessListRequired"`
	Description               *string                     `pulumi:"description"`
	FederationSettingsId      *string                     `pulumi:"federationSettingsId"`
	GenAiFeaturesEnabled      *bool                       `pulumi:"genAiFeaturesEnabled"`
	MultiFactorAuthRequired   *bool                       `pulumi:"multiFactorAuthRequired"`
	Name                      *string                     `pulumi:"name"`
	OrgOwnerId                *string                     `pulumi:"orgOwnerId"`
	RestrictEmployeeAccess    *bool                       `pulumi:"restrictEmployeeAccess"`
	RoleNames                 []string                    `pulumi:"roleNames"`
	SecurityContact           *string                     `pulumi:"securityContact"`
	ServiceAccount            *OrganizationServiceAccount `pulumi:"serviceAccount"`
	SkipDefaultAlertsSettings *bool                       `pulumi:"skipDefaultAlertsSettings"`
}

// OrganizationArgs are the inputs of an Organization. Description and
// RoleNames create an API key; ServiceAccount creates a service account; the
// provider refuses both in one organization.
type OrganizationArgs struct {
	// ApiAccessListRequired makes Admin API calls require an access-listed address.
	ApiAccessListRequired pulumi.BoolPtrInput
	// Description is the API key's description (creation only).
	Description pulumi.StringPtrInput
	// FederationSettingsId links the new organization to a federation (creation only).
	FederationSettingsId pulumi.StringPtrInput
	// GenAiFeaturesEnabled allows generative AI features; Atlas defaults it to true.
	GenAiFeaturesEnabled pulumi.BoolPtrInput
	// MultiFactorAuthRequired makes users set up MFA before they enter the organization.
	MultiFactorAuthRequired pulumi.BoolPtrInput
	// Name is the organization's name in Atlas.
	Name pulumi.StringPtrInput
	// OrgOwnerId is the Atlas user who becomes Organization Owner (creation only).
	OrgOwnerId pulumi.StringPtrInput
	// RestrictEmployeeAccess blocks MongoDB Support without explicit permission.
	RestrictEmployeeAccess pulumi.BoolPtrInput
	// RoleNames are the API key's organization roles (creation only).
	RoleNames pulumi.StringArrayInput
	// SecurityContact is the email address that receives security notifications.
	SecurityContact pulumi.StringPtrInput
	// ServiceAccount creates a service account as the first credential (creation only).
	ServiceAccount OrganizationServiceAccountPtrInput
	// SkipDefaultAlertsSettings stops Atlas creating its default alerts.
	SkipDefaultAlertsSettings pulumi.BoolPtrInput
}

// ElementType returns the wire shape OrganizationArgs marshals to.
func (OrganizationArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*organizationArgs)(nil)).Elem()
}

// NewOrganization registers an Organization. The outputs that carry its
// credential (privateKey, publicKey, serviceAccount) are secret outputs.
func NewOrganization(ctx *pulumi.Context, name string, args *OrganizationArgs, opts ...pulumi.ResourceOption) (*Organization, error) {
	in := OrganizationArgs{}
	if args != nil {
		in = *args
	}
	var org Organization
	err := ctx.RegisterResource(OrganizationType, name, in, &org,
		pinned(opts, pulumi.AdditionalSecretOutputs(organizationSecrets))...)
	if err != nil {
		return nil, err
	}
	return &org, nil
}
