package mongodbatlas

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The type tokens of the credential resources.
const (
	ServiceAccountSecretType          = "mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret"
	ServiceAccountAccessListEntryType = "mongodbatlas:index/serviceAccountAccessListEntry:ServiceAccountAccessListEntry"
	AccessListApiKeyType              = "mongodbatlas:index/accessListApiKey:AccessListApiKey"
)

// serviceAccountSecretSecrets are the outputs of a ServiceAccountSecret that
// are credentials.
var serviceAccountSecretSecrets = []string{"secret"}

// ServiceAccountSecret is one more client secret of an existing service
// account. Atlas returns the secret itself only when it is created.
type ServiceAccountSecret struct {
	pulumi.CustomResourceState

	ClientId                pulumi.StringOutput `pulumi:"clientId"`
	CreatedAt               pulumi.StringOutput `pulumi:"createdAt"`
	ExpiresAt               pulumi.StringOutput `pulumi:"expiresAt"`
	LastUsedAt              pulumi.StringOutput `pulumi:"lastUsedAt"`
	MaskedSecretValue       pulumi.StringOutput `pulumi:"maskedSecretValue"`
	OrgId                   pulumi.StringOutput `pulumi:"orgId"`
	Secret                  pulumi.StringOutput `pulumi:"secret"`
	SecretExpiresAfterHours pulumi.IntPtrOutput `pulumi:"secretExpiresAfterHours"`
	SecretId                pulumi.StringOutput `pulumi:"secretId"`
}

type serviceAccountSecretArgs struct {
	ClientId                string `pulumi:"clientId"`
	OrgId                   string `pulumi:"orgId"`
	SecretExpiresAfterHours *int   `pulumi:"secretExpiresAfterHours"`
}

// ServiceAccountSecretArgs are the inputs of a ServiceAccountSecret.
type ServiceAccountSecretArgs struct {
	// ClientId is the service account's client ID.
	ClientId pulumi.StringInput
	// OrgId is the service account's organization.
	OrgId pulumi.StringInput
	// SecretExpiresAfterHours is the new secret's lifetime.
	SecretExpiresAfterHours pulumi.IntPtrInput
}

// ElementType returns the wire shape the arguments marshal to.
func (ServiceAccountSecretArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*serviceAccountSecretArgs)(nil)).Elem()
}

// NewServiceAccountSecret registers a ServiceAccountSecret; its secret is a
// secret output.
func NewServiceAccountSecret(ctx *pulumi.Context, name string, args *ServiceAccountSecretArgs, opts ...pulumi.ResourceOption) (*ServiceAccountSecret, error) {
	if args == nil || args.ClientId == nil || args.OrgId == nil {
		return nil, errMissing(name, "ClientId", "OrgId")
	}
	var res ServiceAccountSecret
	err := ctx.RegisterResource(ServiceAccountSecretType, name, *args, &res,
		pinned(opts, pulumi.AdditionalSecretOutputs(serviceAccountSecretSecrets))...)
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// ServiceAccountAccessListEntry lets a service account call the Admin API
// from one address or CIDR block.
type ServiceAccountAccessListEntry struct {
	pulumi.CustomResourceState

	CidrBlock       pulumi.StringOutput `pulumi:"cidrBlock"`
	ClientId        pulumi.StringOutput `pulumi:"clientId"`
	CreatedAt       pulumi.StringOutput `pulumi:"createdAt"`
	IpAddress       pulumi.StringOutput `pulumi:"ipAddress"`
	LastUsedAddress pulumi.StringOutput `pulumi:"lastUsedAddress"`
	LastUsedAt      pulumi.StringOutput `pulumi:"lastUsedAt"`
	OrgId           pulumi.StringOutput `pulumi:"orgId"`
	RequestCount    pulumi.IntOutput    `pulumi:"requestCount"`
}

type serviceAccountAccessListEntryArgs struct {
	CidrBlock *string `pulumi:"cidrBlock"`
	ClientId  string  `pulumi:"clientId"`
	IpAddress *string `pulumi:"ipAddress"`
	OrgId     string  `pulumi:"orgId"`
}

// ServiceAccountAccessListEntryArgs give exactly one of CidrBlock and IpAddress.
type ServiceAccountAccessListEntryArgs struct {
	// CidrBlock is the allowed block.
	CidrBlock pulumi.StringPtrInput
	// ClientId is the service account's client ID.
	ClientId pulumi.StringInput
	// IpAddress is the allowed address.
	IpAddress pulumi.StringPtrInput
	// OrgId is the service account's organization.
	OrgId pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (ServiceAccountAccessListEntryArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*serviceAccountAccessListEntryArgs)(nil)).Elem()
}

// NewServiceAccountAccessListEntry registers a ServiceAccountAccessListEntry.
func NewServiceAccountAccessListEntry(ctx *pulumi.Context, name string, args *ServiceAccountAccessListEntryArgs, opts ...pulumi.ResourceOption) (*ServiceAccountAccessListEntry, error) {
	if args == nil || args.ClientId == nil || args.OrgId == nil {
		return nil, errMissing(name, "ClientId", "OrgId")
	}
	var res ServiceAccountAccessListEntry
	if err := ctx.RegisterResource(ServiceAccountAccessListEntryType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// AccessListApiKey lets an organization API key call the Admin API from one
// address or CIDR block.
type AccessListApiKey struct {
	pulumi.CustomResourceState

	ApiKeyId  pulumi.StringOutput `pulumi:"apiKeyId"`
	CidrBlock pulumi.StringOutput `pulumi:"cidrBlock"`
	IpAddress pulumi.StringOutput `pulumi:"ipAddress"`
	OrgId     pulumi.StringOutput `pulumi:"orgId"`
}

type accessListApiKeyArgs struct {
	ApiKeyId  string  `pulumi:"apiKeyId"`
	CidrBlock *string `pulumi:"cidrBlock"`
	IpAddress *string `pulumi:"ipAddress"`
	OrgId     string  `pulumi:"orgId"`
}

// AccessListApiKeyArgs give exactly one of CidrBlock and IpAddress.
type AccessListApiKeyArgs struct {
	// ApiKeyId is the API key's 24-hex ID.
	ApiKeyId pulumi.StringInput
	// CidrBlock is the allowed block.
	CidrBlock pulumi.StringPtrInput
	// IpAddress is the allowed address.
	IpAddress pulumi.StringPtrInput
	// OrgId is the API key's organization.
	OrgId pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (AccessListApiKeyArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*accessListApiKeyArgs)(nil)).Elem()
}

// NewAccessListApiKey registers an AccessListApiKey.
func NewAccessListApiKey(ctx *pulumi.Context, name string, args *AccessListApiKeyArgs, opts ...pulumi.ResourceOption) (*AccessListApiKey, error) {
	if args == nil || args.ApiKeyId == nil || args.OrgId == nil {
		return nil, errMissing(name, "ApiKeyId", "OrgId")
	}
	var res AccessListApiKey
	if err := ctx.RegisterResource(AccessListApiKeyType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}
