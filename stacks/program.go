// Package stacks turns stack config into a multiorg.Spec, registers the
// MultiOrg component, and exports what other stacks consume.
package stacks

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/configjson"
)

// Namespace is the config namespace of the org stack: its project name, the
// name in Pulumi.yaml.
const Namespace = "atlas-multiorg"

// ComponentName is the MultiOrg's resource name; the organizations are named
// "<ComponentName>-<org key>".
const ComponentName = "multiorg"

// configKeys are the keys the program reads from Namespace.
var configKeys = []string{"environment", "expiryWarningHours", "orgOwnerId", "orgs", "payingOrgId"}

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
	spec, err := LoadSpec(ctx)
	if err != nil {
		return nil, err
	}
	previous, err := multiorg.ReadPrevious(ctx, ComponentName)
	if err != nil {
		return nil, err
	}
	args := &multiorg.MultiOrgArgs{Spec: spec, Previous: previous}
	// Per-org providers must talk to the same Admin API as the default provider.
	if baseURL, ok := ctx.GetConfig("mongodbatlas:baseUrl"); ok && baseURL != "" {
		args.BaseURL = pulumi.String(baseURL)
	}
	args.LinkedOrgs = multiorg.DefaultLinkedOrgs(ctx, spec.PayingOrgID)
	m, err := multiorg.NewMultiOrg(ctx, ComponentName, args)
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

// LoadSpec reads the org stack's config into a validated spec. The error
// lists every problem: unknown keys and fields, values of the wrong type, and
// every rule of multiorg.Spec.Validate.
func LoadSpec(ctx *pulumi.Context) (multiorg.Spec, error) {
	return SpecFromConfig(configjson.FromContext(ctx, Namespace, configKeys), ctx.Stack())
}

// Environment is the org stack's environment profile: its
// atlas-multiorg:environment (config as SpecFromConfig takes it), or else
// the stack's name.
func Environment(config map[string]string, stack string) string {
	return cmp.Or(config[Namespace+":environment"], stack)
}

// SpecFromConfig turns an org stack's config (full keys, objects as JSON, as
// Pulumi hands them to the program) into a validated spec, exactly as the
// program does; stack is the stack name, the default environment.
func SpecFromConfig(config map[string]string, stack string) (multiorg.Spec, error) {
	var d configjson.Decoder
	spec := multiorg.Spec{
		PayingOrgID: config[Namespace+":payingOrgId"],
		OrgOwnerID:  config[Namespace+":orgOwnerId"],
		Environment: Environment(config, stack),
	}
	if raw := config[Namespace+":expiryWarningHours"]; raw != "" {
		hours, err := strconv.Atoi(raw)
		if err != nil {
			d.Invalid("expiryWarningHours", "must be a whole number of hours, got %q", raw)
		}
		spec.ExpiryWarningHours = hours
	}
	if raw, ok := config[Namespace+":orgs"]; ok {
		entries := d.Entries("orgs", raw, "org key (orgs.<key>.name: ...)")
		spec.Orgs = make(map[string]multiorg.OrgSpec, len(entries))
		for key, value := range entries {
			var org multiorg.OrgSpec
			d.Object("orgs."+key, value, &org)
			spec.Orgs[key] = org
		}
	}
	for full := range config {
		if key, ok := strings.CutPrefix(full, Namespace+":"); ok && !slices.Contains(configKeys, key) {
			d.Add(Namespace+":"+key, "unknown config key%s", configjson.Suggest(key, configjson.Set(configKeys)))
		}
	}

	problems := d.Problems
	var verr *multiorg.ValidationError
	if err := spec.Validate(); errors.As(err, &verr) {
		for _, p := range verr.Problems {
			if !d.Covers(p) {
				problems = append(problems, p)
			}
		}
	}
	if err := multiorg.NewValidationError(problems); err != nil {
		return multiorg.Spec{}, err
	}
	return spec, nil
}
