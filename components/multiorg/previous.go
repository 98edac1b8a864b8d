package multiorg

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// ReadStackResourceOutputs is the engine's built-in function that returns
// the outputs of every resource in a stack's state, the stack's exports among
// them, without registering a resource.
const ReadStackResourceOutputs = "pulumi:pulumi:readStackResourceOutputs"

// ReadPrevious reads what the last deployment left of the MultiOrg named
// name from the running stack's own state: which organizations it manages
// (the replacement guard, and whether an adopted one still needs importing),
// and the component's outputs (rotation and the API access list switch read
// them). Go programs and the component package call it alike, before
// NewMultiOrg.
//
// It reads through the engine's readStackResourceOutputs function, not a
// StackReference resource: a reference to the stack itself records what it
// read, and every refresh after an up would then show it changed.
func ReadPrevious(ctx *pulumi.Context, name string) (*Previous, error) {
	organization := ctx.Organization()
	if organization == "" {
		organization = "organization" // the local backend's
	}
	self := organization + "/" + ctx.Project() + "/" + ctx.Stack()
	var read struct {
		Resources map[string]struct {
			Type    string         `pulumi:"type"`
			Outputs map[string]any `pulumi:"outputs"`
		} `pulumi:"outputs"`
	}
	// The result holds secrets (the last credentials, the organizations'
	// keys): the credentials are wrapped as a secret again below, and nothing
	// else secret is kept.
	if err := readOwnState(ctx, self, &read); err != nil {
		return nil, fmt.Errorf("reading the state of %s: %w", self, err)
	}
	previous := &Previous{Orgs: map[string]PreviousOrg{}, Managed: map[string]string{}, AccessListSwitches: map[string]bool{}, AccessListSwitched: map[string]SwitchedAccessList{}, Leftovers: map[string][]string{},
		Deployed: map[string]map[string]any{}}
	var component, exports map[string]any
	var children []resource.URN
	for urn, r := range read.Resources {
		if strings.Contains(string(resource.URN(urn).QualifiedType()), Type+"$") && r.Type != mongodbatlas.OrganizationType {
			children = append(children, resource.URN(urn))
		}
		u := resource.URN(urn)
		switch {
		case r.Type == "pulumi:pulumi:Stack":
			exports = r.Outputs
		case r.Type == Type && u.Name() == name:
			component = r.Outputs
		case r.Type == mongodbatlas.OrganizationType && strings.Contains(string(u.QualifiedType()), Type+"$"):
			if child, ok := ParseChildName(name, r.Type, u.Name(), nil); ok {
				previous.Managed[child.OrgKey], _ = r.Outputs["orgId"].(string)
				previous.Deployed[child.OrgKey] = r.Outputs
			}
		case r.Type == stashType && strings.Contains(string(u.QualifiedType()), Type+"$"):
			if child, ok := ParseChildName(name, r.Type, u.Name(), nil); ok && child.Kind == ChildAccessListSwitch {
				previous.AccessListSwitches[child.OrgKey] = true
				if input, ok := r.Outputs["input"].(map[string]any); ok {
					if required, ok := input["apiAccessListRequired"].(bool); ok {
						other, _ := input["otherSettings"].(string)
						count, inAtlas, _ := AccessListSetBack(other)
						baseURL, _ := input["baseUrl"].(string)
						previous.AccessListSwitched[child.OrgKey] = SwitchedAccessList{Required: required, SetBack: count, SetBackFrom: inAtlas, BaseURL: baseURL}
					}
				}
			}
		}
	}
	if component == nil {
		// Deployed before the component's outputs were read: the org stack
		// exported the same facts.
		component = legacyOutputs(exports)
	}
	types, _ := component["credentialTypes"].(map[string]any)
	previous.Leftovers = leftovers(name, children, slices.Collect(maps.Keys(types)), previous.Managed)
	expiries, _ := component["secretExpiresAt"].(map[string]any)
	entries, _ := component["accessListEntries"].(map[string]any)
	for key, credentialType := range types {
		prev := PreviousOrg{CredentialType: CredentialType(fmt.Sprint(credentialType))}
		if at, ok := expiries[key].(string); ok {
			prev.SecretExpiresAt, _ = ParseExpiry(at)
		}
		if n, ok := entries[key].(float64); ok {
			prev.AccessListEntries = int(n)
		}
		previous.Orgs[key] = prev
	}
	if all, ok := component["credentials"].(map[string]any); ok {
		credentials := pulumi.StringMapMap{}
		for key, raw := range all {
			fields, _ := raw.(map[string]any)
			credential := pulumi.StringMap{}
			for k, f := range fields {
				value, _ := f.(string)
				credential[k] = pulumi.String(value)
			}
			credentials[key] = credential
		}
		previous.Credentials = pulumi.ToSecret(credentials).(pulumi.StringMapMapOutput)
	}
	return previous, nil
}

// leftovers are, by org key among keys, the URNs of children of the
// organization that the state holds while it does not hold the
// organization itself (managed), sorted.
func leftovers(name string, children []resource.URN, keys []string, managed map[string]string) map[string][]string {
	left := map[string][]string{}
	for _, urn := range children {
		child, ok := ParseChildName(name, string(urn.Type()), urn.Name(), keys)
		if !ok || child.OrgKey == "" || managed[child.OrgKey] != "" {
			continue
		}
		left[child.OrgKey] = append(left[child.OrgKey], string(urn))
	}
	for key := range left {
		slices.Sort(left[key])
	}
	return left
}

// legacyOutputs rebuilds the component's outputs from the org stack's
// exports: "orgs" (per org key: credentialType, secretExpiresAt,
// accessListEntries) and "credentials".
func legacyOutputs(exports map[string]any) map[string]any {
	// A stack never deployed has no "orgs" export: nothing to rebuild.
	outputs, _ := StackOutputsFromValues(map[string]any{"orgs": exports["orgs"]})
	types, expiries, entries := map[string]any{}, map[string]any{}, map[string]any{}
	for key, org := range outputs.Orgs {
		// As the component's own outputs arrive from the state.
		types[key], expiries[key], entries[key] = string(org.CredentialType), org.SecretExpiresAt, float64(org.AccessListEntries)
	}
	return map[string]any{
		"credentialTypes": types, "secretExpiresAt": expiries, "accessListEntries": entries,
		"credentials": exports["credentials"],
	}
}

// stateReadAttempts bounds readOwnState's retries of a torn checkpoint.
const stateReadAttempts = 5

// readOwnState invokes readStackResourceOutputs on the running stack. With
// the file backend, the engine can read the stack's checkpoint while its own
// snapshot writer is rewriting it, and fails with "failed to load
// checkpoint: EOF" (seen with the real CLI v3.259.0, ten stacks updating at
// once on two cores). That read is retried; any other error is not.
func readOwnState(ctx *pulumi.Context, stack string, into any) error {
	var err error
	for attempt := 1; attempt <= stateReadAttempts; attempt++ {
		_, err = ctx.InvokePackageRaw(ReadStackResourceOutputs, struct {
			StackName string `pulumi:"stackName"`
		}{stack}, into, "")
		if err == nil || !strings.Contains(err.Error(), "failed to load checkpoint") {
			return err
		}
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
	return err
}
