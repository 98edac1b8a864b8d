// Package atlasmock runs Pulumi programs under the mocked runtime with a
// stand-in for the mongodbatlas provider: organizations get IDs and, when
// created, the credential the real provider would return. It is for tests.
package atlasmock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// Project names the mocked program; Stack is the stack name unless a
// Monitor names another.
const (
	Project = "atlas-multiorg"
	Stack   = "dev"
)

// CreatedAt is the creation time every mocked organization credential
// reports, and RotatedAt that of every rotated secret.
var (
	CreatedAt = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	RotatedAt = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
)

// Monitor is a pulumi.MockResourceMonitor that records every registration.
type Monitor struct {
	// EngineSecrets marks the outputs named in AdditionalSecretOutputs secret,
	// as the real engine does and the mock monitor does not.
	EngineSecrets bool
	// OmitCredentials makes created organizations come back without their
	// credential values, as Atlas does when it leaves them out.
	OmitCredentials bool
	// Stacks are the outputs of the stacks a program may reference, by
	// fully qualified stack name; see StackOutputs.
	Stacks map[string]resource.PropertyMap
	// State are the resources in the program's own stack's state besides the
	// stack itself, by URN: their outputs, as readStackResourceOutputs
	// returns them.
	State map[string]resource.PropertyMap
	// Stack is the name of the stack the program runs as; "" means Stack.
	Stack string
	// APIKeys are the public keys of each organization's API keys, by org
	// ID, that getApiKeys lists (after a key of another organization's).
	APIKeys map[string][]string
	// StateReadErrors fail the first readStackResourceOutputs invokes, one
	// each, as the real engine can fail them.
	StateReadErrors []error

	mu    sync.Mutex
	regs  []pulumi.MockResourceArgs
	calls []pulumi.MockCallArgs
}

// Registrations returns every registration so far, in order.
func (m *Monitor) Registrations() []pulumi.MockResourceArgs {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]pulumi.MockResourceArgs(nil), m.regs...)
}

// ByType returns the registrations of one type token, by resource name.
func (m *Monitor) ByType(token string) map[string]pulumi.MockResourceArgs {
	found := map[string]pulumi.MockResourceArgs{}
	for _, r := range m.Registrations() {
		if r.TypeToken == token {
			found[r.Name] = r
		}
	}
	return found
}

// Call answers the getApiKeys invoke from m.APIKeys, the engine's
// readStackResourceOutputs from m.Stacks and m.State, and refuses any other.
func (m *Monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.calls = append(m.calls, args)
	var injected error
	if args.Token == "pulumi:pulumi:readStackResourceOutputs" && len(m.StateReadErrors) > 0 {
		injected, m.StateReadErrors = m.StateReadErrors[0], m.StateReadErrors[1:]
	}
	m.mu.Unlock()
	if injected != nil {
		return nil, injected
	}
	if args.Token == "pulumi:pulumi:readStackResourceOutputs" {
		return m.stackResources(args.Args["stackName"].StringValue())
	}
	if args.Token != mongodbatlas.GetApiKeysToken {
		return nil, fmt.Errorf("unexpected invoke %s", args.Token)
	}
	orgID := args.Args["orgId"].StringValue()
	keys := []resource.PropertyValue{apiKey("decoy-" + orgID)}
	for _, publicKey := range m.APIKeys[orgID] {
		keys = append(keys, apiKey(publicKey))
	}
	return resource.PropertyMap{
		"id":      resource.NewProperty(orgID),
		"orgId":   resource.NewProperty(orgID),
		"results": resource.NewProperty(keys),
	}, nil
}

// Calls returns every invoke so far, in order.
func (m *Monitor) Calls() []pulumi.MockCallArgs {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]pulumi.MockCallArgs(nil), m.calls...)
}

// StateReads lists the stacks whose state the program read through the
// engine's readStackResourceOutputs, in order.
func (m *Monitor) StateReads() []string {
	var stacks []string
	for _, call := range m.Calls() {
		if call.Token == "pulumi:pulumi:readStackResourceOutputs" {
			stacks = append(stacks, call.Args["stackName"].StringValue())
		}
	}
	return stacks
}

func apiKey(publicKey string) resource.PropertyValue {
	return resource.NewProperty(resource.PropertyMap{
		"apiKeyId":    resource.NewProperty(APIKeyID(publicKey)),
		"publicKey":   resource.NewProperty(publicKey),
		"description": resource.NewProperty("key " + publicKey),
		"roleNames":   resource.NewProperty([]resource.PropertyValue{resource.NewProperty("ORG_OWNER")}),
	})
}

// APIKeyID is the ID getApiKeys reports for the API key with publicKey.
func APIKeyID(publicKey string) string { return FakeID("apikey/" + publicKey) }

// NewResource records the registration and answers like the provider would.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.regs = append(m.regs, args)
	m.mu.Unlock()

	if args.TypeToken == stackReferenceType {
		return m.readStack(args)
	}
	outputs := args.Inputs.Copy()
	id := args.Name + "-id"
	if args.TypeToken == mongodbatlas.OrganizationType {
		orgID := args.ID
		if orgID == "" {
			orgID = FakeID(args.Name)
		}
		id = orgID
		outputs["orgId"] = resource.NewProperty(orgID)
		m.addCredential(args.Name, outputs)
	}
	if args.TypeToken == mongodbatlas.ServiceAccountSecretType {
		trigger := ""
		if args.RegisterRPC != nil && args.RegisterRPC.GetReplacementTrigger() != nil {
			trigger = args.RegisterRPC.GetReplacementTrigger().GetStringValue()
		}
		hours := 0.0
		if h, ok := outputs["secretExpiresAfterHours"]; ok && h.IsNumber() {
			hours = h.NumberValue()
		}
		outputs["secret"] = resource.NewProperty(RotatedSecret(args.Name, trigger))
		outputs["secretId"] = resource.NewProperty(FakeID(args.Name + trigger))
		outputs["createdAt"] = resource.NewProperty(RotatedAt.Format(time.RFC3339))
		outputs["expiresAt"] = resource.NewProperty(RotatedAt.Add(time.Duration(hours) * time.Hour).Format(time.RFC3339))
	}
	if args.TypeToken == mongodbatlas.ServiceAccountType {
		m.addServiceAccount(args.Name, outputs)
	}
	if m.EngineSecrets && args.RegisterRPC != nil {
		for _, key := range args.RegisterRPC.GetAdditionalSecretOutputs() {
			if v, ok := outputs[resource.PropertyKey(key)]; ok && !v.IsSecret() {
				outputs[resource.PropertyKey(key)] = resource.MakeSecret(v)
			}
		}
	}
	return id, outputs, nil
}

const stackReferenceType = "pulumi:pulumi:StackReference"

// readStack answers a stack reference with the outputs in m.Stacks.
func (m *Monitor) readStack(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	outputs, err := m.stackOutputs(args.ID)
	if err != nil {
		return "", nil, err
	}
	return args.ID, resource.PropertyMap{
		"name":    resource.NewProperty(args.ID),
		"outputs": resource.NewProperty(outputs),
	}, nil
}

// stackResources answers readStackResourceOutputs: every resource of the
// stack's state by URN, with its type and outputs, the stack's own among them.
func (m *Monitor) stackResources(name string) (resource.PropertyMap, error) {
	outputs, err := m.stackOutputs(name)
	if err != nil {
		return nil, err
	}
	stack := m.stackName()
	resources := resource.PropertyMap{
		resource.PropertyKey("urn:pulumi:" + stack + "::" + Project + "::pulumi:pulumi:Stack::" + Project + "-" + stack): resource.NewProperty(resource.PropertyMap{
			"type": resource.NewProperty("pulumi:pulumi:Stack"), "outputs": resource.NewProperty(outputs),
		}),
	}
	for urn, outs := range m.State {
		resources[resource.PropertyKey(urn)] = resource.NewProperty(resource.PropertyMap{
			"type": resource.NewProperty(string(resource.URN(urn).Type())), "outputs": resource.NewProperty(outs),
		})
	}
	return resource.PropertyMap{"name": resource.NewProperty(name), "outputs": resource.NewProperty(resources)}, nil
}

// stackOutputs are the outputs of the named stack in m.Stacks.
func (m *Monitor) stackOutputs(name string) (resource.PropertyMap, error) {
	outputs, ok := m.Stacks[name]
	if !ok && name == "organization/"+Project+"/"+m.stackName() {
		// A stack that reads its own outputs before its first deployment
		// finds none.
		outputs, ok = resource.PropertyMap{}, true
	}
	if !ok {
		return nil, fmt.Errorf("stack %q not found", name)
	}
	return outputs, nil
}

// StackOutputs turns awaited exports into the outputs a stack reference
// returns, secrets kept secret.
func StackOutputs(exports map[string]Resolved) resource.PropertyMap {
	outputs := resource.PropertyMap{}
	for name, r := range exports {
		v := resource.NewPropertyValue(r.Value)
		if r.Secret {
			v = resource.MakeSecret(v)
		}
		outputs[resource.PropertyKey(name)] = v
	}
	return outputs
}

// addCredential adds what Atlas returns for the credential a create asked for.
func (m *Monitor) addCredential(name string, outputs resource.PropertyMap) {
	if sa, ok := outputs["serviceAccount"]; ok && sa.IsObject() {
		block := sa.ObjectValue().Copy()
		hours := 0.0
		if h, ok := block["secretExpiresAfterHours"]; ok && h.IsNumber() {
			hours = h.NumberValue()
		}
		// The real provider 4.14.0 stores an Organization's secret times in
		// Go's time.String layout ("2026-12-24 11:13:33 +0000 UTC"), not RFC
		// 3339 (measured with the real plugin against atlas-local); a
		// ServiceAccountSecret's expiresAt, by contrast, is RFC 3339.
		secret := resource.PropertyMap{
			"secretId":  resource.NewProperty(FakeID(name + "/secret")),
			"createdAt": resource.NewProperty(CreatedAt.UTC().String()),
			"expiresAt": resource.NewProperty(CreatedAt.Add(time.Duration(hours) * time.Hour).UTC().String()),
		}
		if !m.OmitCredentials {
			block["clientId"] = resource.NewProperty(ClientID(name))
			secret["secret"] = resource.NewProperty(ClientSecret(name))
		}
		block["secrets"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(secret)})
		outputs["serviceAccount"] = resource.NewProperty(block)
	}
	if _, ok := outputs["roleNames"]; ok && !m.OmitCredentials {
		outputs["publicKey"] = resource.NewProperty(PublicKey(name))
		outputs["privateKey"] = resource.NewProperty(PrivateKey(name))
	}
}

// addServiceAccount adds what Atlas returns for a service account created
// inside an existing organization.
func (m *Monitor) addServiceAccount(name string, outputs resource.PropertyMap) {
	hours := 0.0
	if h, ok := outputs["secretExpiresAfterHours"]; ok && h.IsNumber() {
		hours = h.NumberValue()
	}
	secret := resource.PropertyMap{
		"secretId":  resource.NewProperty(FakeID(name + "/secret")),
		"createdAt": resource.NewProperty(CreatedAt.UTC().Format(time.RFC3339)),
		"expiresAt": resource.NewProperty(CreatedAt.Add(time.Duration(hours) * time.Hour).UTC().Format(time.RFC3339)),
	}
	if !m.OmitCredentials {
		outputs["clientId"] = resource.NewProperty(ClientID(name))
		secret["secret"] = resource.NewProperty(ClientSecret(name))
	}
	outputs["secrets"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(secret)})
}

// FakeID derives a stable 24-hex ID from a name.
func FakeID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:12])
}

// ClientID is the client ID the organization registered under name gets.
func ClientID(name string) string { return "mdb_sa_id_" + FakeID(name) }

// ClientSecret is its client secret; every secret value the mock hands out
// contains "SECRET", so leak tests can search for it.
func ClientSecret(name string) string { return "mdb_sa_sk_SECRET_" + name }

// PublicKey is the public key of the organization's API key.
func PublicKey(name string) string { return "pubkey" + FakeID(name)[:8] }

// PrivateKey is its private key.
func PrivateKey(name string) string { return "PRIVATE-KEY-SECRET-" + name }

// RotatedSecret is the secret a ServiceAccountSecret registered under name
// with the given replacement trigger gets: a new trigger, a new secret.
func RotatedSecret(name, trigger string) string {
	return "mdb_sa_sk_ROTATED_SECRET_" + name + "@" + trigger
}

func (m *Monitor) stackName() string {
	if m.Stack == "" {
		return Stack
	}
	return m.Stack
}

// Run runs program under the mocks. A non-nil config (full keys such as
// "atlas-multiorg:orgs", values as Pulumi passes them: objects as JSON) is
// passed the way the engine passes it, in PULUMI_CONFIG, so a test that gives
// one cannot run in parallel.
func Run(t testing.TB, m *Monitor, config map[string]string, program pulumi.RunFunc) error {
	t.Helper()
	if config != nil {
		raw, err := json.Marshal(config)
		if err != nil {
			return err
		}
		t.Setenv(pulumi.EnvConfig, string(raw))
	}
	return pulumi.RunErr(program, pulumi.WithMocks(Project, m.stackName(), m))
}

// Resolved is an awaited output.
type Resolved struct {
	Value  any
	Known  bool
	Secret bool
}

// Await resolves an output; call it inside the program run.
func Await(o pulumi.Output) (Resolved, error) {
	r, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		return Resolved{}, err
	}
	return Resolved{Value: r.Value, Known: r.Known, Secret: r.Secret}, nil
}
