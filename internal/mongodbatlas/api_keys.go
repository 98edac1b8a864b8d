package mongodbatlas

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GetApiKeysToken is the token of the provider function that lists an
// organization's API keys. It is not in the extracted provider reference; its
// name and fields are the provider's documented getApiKeys data source.
const GetApiKeysToken = "mongodbatlas:index/getApiKeys:getApiKeys"

// LookupApiKeysArgs selects the organization whose API keys to list.
type LookupApiKeysArgs struct {
	ItemsPerPage *int   `pulumi:"itemsPerPage"`
	OrgId        string `pulumi:"orgId"`
	PageNum      *int   `pulumi:"pageNum"`
}

// LookupApiKeysResult is one page of an organization's API keys.
type LookupApiKeysResult struct {
	Id      string             `pulumi:"id"`
	OrgId   string             `pulumi:"orgId"`
	Results []GetApiKeysResult `pulumi:"results"`
}

// GetApiKeysResult is one API key; the private key is never returned.
type GetApiKeysResult struct {
	ApiKeyId    string   `pulumi:"apiKeyId"`
	Description string   `pulumi:"description"`
	PublicKey   string   `pulumi:"publicKey"`
	RoleNames   []string `pulumi:"roleNames"`
}

// LookupApiKeys lists an organization's API keys.
func LookupApiKeys(ctx *pulumi.Context, args *LookupApiKeysArgs, opts ...pulumi.InvokeOption) (*LookupApiKeysResult, error) {
	var result LookupApiKeysResult
	opts = append(opts[:len(opts):len(opts)], pulumi.Version(PluginVersion))
	if err := ctx.Invoke(GetApiKeysToken, args, &result, opts...); err != nil {
		return nil, err
	}
	return &result, nil
}

// ApiKeyIdOutput resolves the ID of the API key with the given public key in
// orgId, listing the organization's keys through the invoke options'
// provider. It fails when no key of the organization has that public key.
func ApiKeyIdOutput(ctx *pulumi.Context, orgId, publicKey pulumi.StringInput, opts ...pulumi.InvokeOption) pulumi.StringOutput {
	return pulumi.All(orgId, publicKey).ApplyTWithContext(ctx.Context(), func(_ context.Context, vs []any) (string, error) {
		org, key := vs[0].(string), vs[1].(string)
		perPage := 500
		for page := 1; ; page++ {
			listed, err := LookupApiKeys(ctx, &LookupApiKeysArgs{OrgId: org, PageNum: &page, ItemsPerPage: &perPage}, opts...)
			if err != nil {
				return "", err
			}
			for _, k := range listed.Results {
				if k.PublicKey == key {
					return k.ApiKeyId, nil
				}
			}
			if len(listed.Results) < perPage {
				return "", errNoAPIKey(org)
			}
		}
	}).(pulumi.StringOutput)
}

func errNoAPIKey(org string) error {
	return fmt.Errorf("organization %s has no API key with the exported public key: was it deleted in Atlas?", org)
}
