package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// inspectedState is what status reads of a stack's exported state.
type inspectedState struct {
	orphans StackState
	// outputs are the "orgs" output by org key; nil when the stack has none.
	outputs map[string]multiorg.OrgOutput
	// credentials are what each organization's own provider signs in with,
	// by org key, and baseURLs its base URL; exported are the stack's
	// "credentials" output. In memory only.
	credentials, exported map[string]atlasapi.Credentials
	baseURLs              map[string]string
	// urns are the resources in the state.
	urns map[string]bool
	// resources are the state's resources, read for the Atlas objects each
	// organization holds (heldByOrg) once its keys are known.
	resources []exportedResource
}

// wrappedSig is the key that marks a secret value in Pulumi's state.
const wrappedSig = "4dabf18193072939515e22adb298388d"

// readInspectedState reads the export of a stack: what orphans reads, the
// "orgs" output, and each organization's provider credential.
func readInspectedState(stack string, raw json.RawMessage) (inspectedState, error) {
	export, err := parseStackExport(stack, raw)
	if err != nil {
		return inspectedState{}, err
	}
	s := inspectedState{orphans: export.orphans(stack), credentials: map[string]atlasapi.Credentials{},
		exported: map[string]atlasapi.Credentials{}, baseURLs: map[string]string{}, urns: map[string]bool{}, resources: export.Deployment.Resources}
	providers := map[string]int64{} // org key -> the rotation period of the provider kept
	for _, r := range export.Deployment.Resources {
		s.urns[r.URN] = true
		name := r.URN[strings.LastIndex(r.URN, "::")+2:]
		switch r.Type {
		case "pulumi:pulumi:Stack":
			// An organization with nothing inside it has no provider of its
			// own: its exported credential is what signs in to it.
			if creds, ok := plainValue(r.Outputs["credentials"]).(map[string]any); ok {
				for key, v := range creds {
					entry, _ := v.(map[string]any)
					str := func(field string) string { v, _ := entry[field].(string); return v }
					s.exported[key] = atlasapi.Credentials{ClientID: str("clientId"), ClientSecret: str("clientSecret"),
						PublicKey: str("publicKey"), PrivateKey: str("privateKey")}
				}
			}
			if orgs, ok := plainValue(r.Outputs["orgs"]).(map[string]any); ok {
				outputs, err := multiorg.StackOutputsFromValues(map[string]any{"orgs": orgs})
				if err != nil {
					return inspectedState{}, fmt.Errorf("the state of stack %s: %w", stack, err)
				}
				s.outputs = outputs.Orgs
			}
		case "pulumi:providers:mongodbatlas":
			key, period, ok := providerKey(name)
			if newest, seen := providers[key]; !ok || (seen && newest >= period) {
				continue // the newest rotation period's provider is the one in use
			}
			providers[key] = period
			str := func(field string) string { v, _ := plainValue(r.Inputs[field]).(string); return v }
			s.credentials[key] = atlasapi.Credentials{ClientID: str("clientId"), ClientSecret: str("clientSecret"),
				PublicKey: str("publicKey"), PrivateKey: str("privateKey")}
			s.baseURLs[key] = str("baseUrl")
		}
	}
	return s, nil
}

// providerKey reads an organization's own provider name: "multiorg-<key>",
// or "multiorg-<key>-period-<n>" for a rotating one (period n, else -1).
func providerKey(name string) (string, int64, bool) {
	child, ok := multiorg.ParseChildName(multiorg.StackComponentName, mongodbatlas.ProviderType, name, nil)
	if !ok {
		return "", 0, false
	}
	if period, rotated := child.RotationPeriod(); rotated {
		return child.OrgKey, period, true
	}
	return child.OrgKey, -1, true
}

// plainValue is a state value with its secret wrapper taken off: an export
// with --show-secrets holds a secret as {sig, plaintext: <JSON text>}.
func plainValue(v any) any {
	m, ok := v.(map[string]any)
	if !ok || m[wrappedSig] == nil {
		return v
	}
	text, ok := m["plaintext"].(string)
	if !ok {
		return nil // still encrypted: not readable here
	}
	var out any
	if json.Unmarshal([]byte(text), &out) != nil {
		return nil
	}
	return out
}

// orgKeyOf is the org key, among keys, a resource of the MultiOrg belongs
// to, by its type and name; "" for a resource of no organization.
func orgKeyOf(typeToken, name string, keys []string) string {
	child, _ := multiorg.ParseChildName(multiorg.StackComponentName, typeToken, name, keys)
	return child.OrgKey
}
