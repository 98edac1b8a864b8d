package mongodbatlas

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referencePath is the provider surface extracted from the upstream SDK at
// sdk/v4.14.0; CI checks the project out with ../shared beside it.
var referencePath = filepath.Join("..", "..", "..", "shared", "reference", "mongodbatlas-provider-v4.14.0.json")

type referenceField struct {
	Wire   string `json:"wire"`
	GoType string `json:"goType"`
}

type referenceResource struct {
	Token                   string           `json:"token"`
	RequiredInputs          []string         `json:"requiredInputs"`
	AdditionalSecretOutputs []string         `json:"additionalSecretOutputs"`
	Inputs                  []referenceField `json:"inputs"`
	Outputs                 []referenceField `json:"outputs"`
}

type reference struct {
	Resources map[string]referenceResource `json:"resources"`
	Types     map[string][]referenceField  `json:"types"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	raw, err := os.ReadFile(referencePath) //nolint:gosec // G304: a fixed path to the shared reference
	if os.IsNotExist(err) {
		t.Skipf("provider reference not found at %s (CI has ../shared beside the clone)", referencePath)
	}
	require.NoError(t, err)
	var ref reference
	require.NoError(t, json.Unmarshal(raw, &ref))
	return ref
}

// wireFields lists a struct's `pulumi` tags with the Go type of each field,
// written the way the reference writes them (package prefix of this binding dropped).
func wireFields(t reflect.Type) map[string]string {
	fields := map[string]string{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("pulumi"), ",")[0]
		if tag == "" {
			continue
		}
		fields[tag] = strings.ReplaceAll(f.Type.String(), "mongodbatlas.", "")
	}
	return fields
}

func TestBindingMatchesProviderReference(t *testing.T) {
	t.Parallel()
	ref := loadReference(t)

	projectOutputsUnbound := []string{"ipAddresses", "limits", "teams"}
	for _, out := range ref.Resources["Project"].Outputs {
		if strings.HasPrefix(out.Wire, "is") {
			projectOutputsUnbound = append(projectOutputsUnbound, out.Wire)
		}
	}
	resources := map[string]struct {
		token   string
		inputs  reflect.Type
		outputs reflect.Type
		secrets []string
		// unboundInputs and unboundOutputs list what the binding leaves out on purpose.
		unboundInputs, unboundOutputs []string
	}{
		"Organization":   {OrganizationType, reflect.TypeOf(organizationArgs{}), reflect.TypeOf(Organization{}), organizationSecrets, nil, nil},
		"Provider":       {ProviderType, reflect.TypeOf(providerArgs{}), reflect.TypeOf(Provider{}), providerSecrets, []string{"assumeRole"}, nil},
		"ResourcePolicy": {ResourcePolicyType, reflect.TypeOf(resourcePolicyArgs{}), reflect.TypeOf(ResourcePolicy{}), nil, nil, []string{"createdByUser", "lastUpdatedByUser"}},
		"Project":        {ProjectType, reflect.TypeOf(projectArgs{}), reflect.TypeOf(Project{}), nil, []string{"limits", "teams"}, projectOutputsUnbound},
		"ServiceAccountProjectAssignment": {ServiceAccountProjectAssignmentType, reflect.TypeOf(serviceAccountProjectAssignmentArgs{}),
			reflect.TypeOf(ServiceAccountProjectAssignment{}), nil, nil, nil},
		"ApiKeyProjectAssignment": {ApiKeyProjectAssignmentType, reflect.TypeOf(apiKeyProjectAssignmentArgs{}),
			reflect.TypeOf(ApiKeyProjectAssignment{}), nil, nil, nil},
		"ServiceAccountSecret": {ServiceAccountSecretType, reflect.TypeOf(serviceAccountSecretArgs{}),
			reflect.TypeOf(ServiceAccountSecret{}), serviceAccountSecretSecrets, nil, nil},
		"ServiceAccountAccessListEntry": {ServiceAccountAccessListEntryType, reflect.TypeOf(serviceAccountAccessListEntryArgs{}),
			reflect.TypeOf(ServiceAccountAccessListEntry{}), nil, nil, nil},
		"ServiceAccount": {ServiceAccountType, reflect.TypeOf(serviceAccountArgs{}),
			reflect.TypeOf(ServiceAccount{}), serviceAccountSecrets, nil, nil},
		"AccessListApiKey": {AccessListApiKeyType, reflect.TypeOf(accessListApiKeyArgs{}),
			reflect.TypeOf(AccessListApiKey{}), nil, nil, nil},
	}
	for name, bound := range resources {
		t.Run(name, func(t *testing.T) {
			want, ok := ref.Resources[name]
			require.True(t, ok, "reference has no resource %s", name)
			assert.Equal(t, want.Token, bound.token)
			checkFields(t, "input", want.Inputs, wireFields(bound.inputs), bound.unboundInputs)
			checkFields(t, "output", want.Outputs, wireFields(bound.outputs), bound.unboundOutputs)
			assert.Subset(t, bound.secrets, want.AdditionalSecretOutputs, "every output upstream marks secret stays secret")
			for _, required := range want.RequiredInputs {
				field, ok := bound.inputs.FieldByName(required)
				require.True(t, ok, "required input %s is bound", required)
				assert.NotEqual(t, reflect.Pointer, field.Type.Kind(), "required input %s is not optional", required)
			}
		})
	}
}

// checkFields requires every reference field to be bound with its Go type,
// except the listed unbound ones, and the binding to add none of its own.
func checkFields(t *testing.T, kind string, want []referenceField, bound map[string]string, unbound []string) {
	t.Helper()
	for _, f := range want {
		if contains(unbound, f.Wire) {
			assert.NotContains(t, bound, f.Wire, "%s %s is listed as unbound", kind, f.Wire)
			continue
		}
		assert.Equal(t, f.GoType, bound[f.Wire], "%s %s", kind, f.Wire)
	}
	assert.Len(t, bound, len(want)-len(unbound), "the binding has %ss the reference lacks", kind)
}

func TestNestedTypesMatchProviderReference(t *testing.T) {
	t.Parallel()
	ref := loadReference(t)
	for name, typ := range map[string]reflect.Type{
		"OrganizationServiceAccount":       reflect.TypeOf(OrganizationServiceAccount{}),
		"OrganizationServiceAccountSecret": reflect.TypeOf(OrganizationServiceAccountSecret{}),
		"ResourcePolicyPolicy":             reflect.TypeOf(ResourcePolicyPolicy{}),
		"ServiceAccountSecretType":         reflect.TypeOf(ServiceAccountSecretInfo{}),
	} {
		got := wireFields(typ)
		want := map[string]string{}
		for _, f := range ref.Types[name] {
			want[f.Wire] = f.GoType
		}
		assert.Equal(t, want, got, name)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
