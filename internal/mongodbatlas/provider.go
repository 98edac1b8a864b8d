package mongodbatlas

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ProviderType is the type token of an explicit mongodbatlas provider.
const ProviderType = "pulumi:providers:mongodbatlas"

// Provider is an explicit instance of the mongodbatlas provider plugin. Each one
// is a plugin process of its own for the whole deployment.
type Provider struct {
	pulumi.ProviderResourceState

	AccessToken        pulumi.StringPtrOutput `pulumi:"accessToken"`
	AwsAccessKeyId     pulumi.StringPtrOutput `pulumi:"awsAccessKeyId"`
	AwsSecretAccessKey pulumi.StringPtrOutput `pulumi:"awsSecretAccessKey"`
	AwsSessionToken    pulumi.StringPtrOutput `pulumi:"awsSessionToken"`
	BaseUrl            pulumi.StringPtrOutput `pulumi:"baseUrl"`
	ClientId           pulumi.StringPtrOutput `pulumi:"clientId"`
	ClientSecret       pulumi.StringPtrOutput `pulumi:"clientSecret"`
	PrivateKey         pulumi.StringPtrOutput `pulumi:"privateKey"`
	PublicKey          pulumi.StringPtrOutput `pulumi:"publicKey"`
	RealmBaseUrl       pulumi.StringPtrOutput `pulumi:"realmBaseUrl"`
	Region             pulumi.StringPtrOutput `pulumi:"region"`
	SecretName         pulumi.StringPtrOutput `pulumi:"secretName"`
	StsEndpoint        pulumi.StringPtrOutput `pulumi:"stsEndpoint"`
}

// providerArgs is the wire shape of the provider's configuration. The AWS
// Secrets Manager assumeRole block is not bound: atlas-multiorg never uses it.
type providerArgs struct {
	AccessToken        *string `pulumi:"accessToken"`
	AwsAccessKeyId     *string `pulumi:"awsAccessKeyId"`
	AwsSecretAccessKey *string `pulumi:"awsSecretAccessKey"`
	AwsSessionToken    *string `pulumi:"awsSessionToken"`
	BaseUrl            *string `pulumi:"baseUrl"`
	ClientId           *string `pulumi:"clientId"`
	ClientSecret       *string `pulumi:"clientSecret"`
	IsMongodbgovCloud  *bool   `pulumi:"isMongodbgovCloud"`
	PrivateKey         *string `pulumi:"privateKey"`
	PublicKey          *string `pulumi:"publicKey"`
	RealmBaseUrl       *string `pulumi:"realmBaseUrl"`
	Region             *string `pulumi:"region"`
	SecretName         *string `pulumi:"secretName"`
	StsEndpoint        *string `pulumi:"stsEndpoint"`
}

// ProviderArgs configures a Provider. Give either ClientId and ClientSecret (a
// service account), PublicKey and PrivateKey (an API key), or AccessToken.
type ProviderArgs struct {
	// AccessToken is an OAuth2 bearer token; registered as a secret.
	AccessToken pulumi.StringPtrInput
	// AwsAccessKeyId reads credentials from AWS Secrets Manager.
	AwsAccessKeyId pulumi.StringPtrInput
	// AwsSecretAccessKey pairs with AwsAccessKeyId; registered as a secret.
	AwsSecretAccessKey pulumi.StringPtrInput
	// AwsSessionToken pairs with AwsAccessKeyId; registered as a secret.
	AwsSessionToken pulumi.StringPtrInput
	// BaseUrl points the provider at another Admin API, such as a local stand-in.
	BaseUrl pulumi.StringPtrInput
	// ClientId is a service account's client ID.
	ClientId pulumi.StringPtrInput
	// ClientSecret is a service account's secret; registered as a secret.
	ClientSecret pulumi.StringPtrInput
	// IsMongodbgovCloud selects Atlas for Government.
	IsMongodbgovCloud pulumi.BoolPtrInput
	// PrivateKey is an API key's private key; registered as a secret.
	PrivateKey pulumi.StringPtrInput
	// PublicKey is an API key's public key.
	PublicKey pulumi.StringPtrInput
	// RealmBaseUrl points the provider at another App Services API.
	RealmBaseUrl pulumi.StringPtrInput
	// Region is the AWS region of the secret named by SecretName.
	Region pulumi.StringPtrInput
	// SecretName names an AWS Secrets Manager secret that holds credentials.
	SecretName pulumi.StringPtrInput
	// StsEndpoint overrides the AWS STS endpoint.
	StsEndpoint pulumi.StringPtrInput
}

// ElementType returns the wire shape ProviderArgs marshals to.
func (ProviderArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*providerArgs)(nil)).Elem()
}

// providerSecrets are the configuration keys that are credentials.
var providerSecrets = []string{"accessToken", "awsSecretAccessKey", "awsSessionToken", "clientSecret", "privateKey"}

// NewProvider registers an explicit mongodbatlas provider. Credential inputs are
// wrapped as secrets before registration, whatever the caller passed.
func NewProvider(ctx *pulumi.Context, name string, args *ProviderArgs, opts ...pulumi.ResourceOption) (*Provider, error) {
	in := ProviderArgs{}
	if args != nil {
		in = *args
	}
	in.AccessToken = secretInput(in.AccessToken)
	in.AwsSecretAccessKey = secretInput(in.AwsSecretAccessKey)
	in.AwsSessionToken = secretInput(in.AwsSessionToken)
	in.ClientSecret = secretInput(in.ClientSecret)
	in.PrivateKey = secretInput(in.PrivateKey)
	var p Provider
	err := ctx.RegisterResource(ProviderType, name, in, &p,
		pinned(opts, pulumi.AdditionalSecretOutputs(providerSecrets))...)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
