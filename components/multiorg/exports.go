package multiorg

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StackOutputs are an org stack's exports, as ExportStack writes them and
// every consumer reads them (DecodeStackOutputs): the JSON names are the
// export keys, which deployed stacks and their consumers depend on.
type StackOutputs struct {
	// Orgs are the "orgs" export by org key; nothing in it is secret.
	Orgs map[string]OrgOutput `json:"orgs"`
	// PayingOrgID is the "payingOrgId" export.
	PayingOrgID string `json:"payingOrgId"`
}

// OrgOutput is one organization's entry of the "orgs" export.
type OrgOutput struct {
	// OrgID is the Atlas organization ID.
	OrgID string `json:"orgId"`
	// Name is the organization's name in Atlas.
	Name string `json:"name"`
	// CredentialType is the organization's own credential: serviceAccount,
	// apiKey, or none for an adopted organization.
	CredentialType CredentialType `json:"credentialType"`
	// SecretExpiresAt is when the service account's secret expires, RFC 3339
	// (older stacks hold Go's time layout; ParseExpiry reads both); "" when
	// nothing expires.
	SecretExpiresAt string `json:"secretExpiresAt"`
	// PayingOrgID is the organization that pays for it.
	PayingOrgID string `json:"payingOrgId"`
	// AccessListEntries counts the credential's API access-list entries.
	AccessListEntries int `json:"accessListEntries"`
	// Teams are the organization's team IDs by team key, exported only when
	// it has teams.
	Teams map[string]string `json:"teams,omitempty"`
}

// ExportStack exports what consumer stacks read: "orgs" (an OrgOutput per
// org key; nothing secret), "credentials" (per org key, a secret) and
// "payingOrgId". It is the one writer of StackOutputs.
func ExportStack(ctx *pulumi.Context, m *MultiOrg) {
	orgs := pulumi.Map{}
	for _, key := range m.Keys() {
		org, _ := m.Org(key)
		entry := pulumi.Map{
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
			entry["teams"] = org.TeamIDs
		}
		orgs[key] = entry
	}
	ctx.Export("orgs", orgs)
	ctx.Export("credentials", m.Credentials)
	ctx.Export("payingOrgId", m.PayingOrgID)
}

// ErrNoOrgsOutput is returned, wrapped, for outputs without an "orgs"
// export: not an org stack, or one never deployed.
var ErrNoOrgsOutput = errors.New(`stack outputs have no "orgs" output`)

// DecodeStackOutputs reads an org stack's exports in their JSON form, as
// `pulumi stack output --json` prints them. Exports it does not know (the
// secret "credentials" among them) are left alone. A value of the wrong type
// is an error naming its path (orgs.<key>.<field>).
func DecodeStackOutputs(raw []byte) (StackOutputs, error) {
	var outputs map[string]json.RawMessage
	if err := json.Unmarshal(raw, &outputs); err != nil || outputs == nil {
		return StackOutputs{}, fmt.Errorf("stack outputs are not a JSON object (pipe in `pulumi stack output --json`): %w", cmpErr(err))
	}
	rawOrgs, ok := outputs["orgs"]
	if !ok || string(rawOrgs) == "null" {
		return StackOutputs{}, ErrNoOrgsOutput
	}
	orgs, err := decodeOrgOutputs(rawOrgs)
	if err != nil {
		return StackOutputs{}, err
	}
	decoded := StackOutputs{Orgs: orgs}
	if paying, ok := outputs["payingOrgId"]; ok {
		if err := json.Unmarshal(paying, &decoded.PayingOrgID); err != nil {
			return StackOutputs{}, fmt.Errorf("payingOrgId is not a string: %w", err)
		}
	}
	return decoded, nil
}

// StackOutputsFromValues reads an org stack's exports as Pulumi hands
// outputs to a program (a stack reference's, or the state's): plain values
// by export key.
func StackOutputsFromValues(values map[string]any) (StackOutputs, error) {
	raw, err := json.Marshal(values)
	if err != nil {
		return StackOutputs{}, fmt.Errorf("reading stack outputs: %w", err)
	}
	return DecodeStackOutputs(raw)
}

// decodeOrgOutputs decodes the "orgs" export, each entry on its own so that
// an error names the org key.
func decodeOrgOutputs(raw json.RawMessage) (map[string]OrgOutput, error) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil || entries == nil {
		return nil, fmt.Errorf(`the "orgs" output is not an object of organizations: %w`, cmpErr(err))
	}
	orgs := make(map[string]OrgOutput, len(entries))
	for _, key := range slices.Sorted(maps.Keys(entries)) {
		var org OrgOutput
		if err := json.Unmarshal(entries[key], &org); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) && typeErr.Field != "" {
				return nil, fmt.Errorf("orgs.%s.%s is not %s: %w", key, typeErr.Field, describe(typeErr.Type), err)
			}
			return nil, fmt.Errorf("orgs.%s is not an object of fields: %w", key, err)
		}
		orgs[key] = org
	}
	return orgs, nil
}

// cmpErr is err, or, for a JSON null that decoded without one, an error
// saying so.
func cmpErr(err error) error {
	if err == nil {
		return errors.New("null")
	}
	return err
}
