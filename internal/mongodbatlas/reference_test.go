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
	raw, err := os.ReadFile(referencePath)
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

	resources := map[string]struct {
		token   string
		inputs  reflect.Type
		outputs reflect.Type
		secrets []string
		// unbound lists reference inputs the binding leaves out on purpose.
		unbound []string
	}{
		"Organization": {OrganizationType, reflect.TypeOf(organizationArgs{}), reflect.TypeOf(Organization{}), organizationSecrets, nil},
		"Provider":     {ProviderType, reflect.TypeOf(providerArgs{}), reflect.TypeOf(Provider{}), providerSecrets, []string{"assumeRole"}},
	}
	for name, bound := range resources {
		t.Run(name, func(t *testing.T) {
			want, ok := ref.Resources[name]
			require.True(t, ok, "reference has no resource %s", name)
			assert.Equal(t, want.Token, bound.token)

			inputs := wireFields(bound.inputs)
			for _, in := range want.Inputs {
				if contains(bound.unbound, in.Wire) {
					assert.NotContains(t, inputs, in.Wire)
					continue
				}
				assert.Equal(t, in.GoType, inputs[in.Wire], "input %s", in.Wire)
			}
			assert.Len(t, inputs, len(want.Inputs)-len(bound.unbound), "binding has inputs the reference lacks")

			outputs := wireFields(bound.outputs)
			for _, out := range want.Outputs {
				assert.Equal(t, out.GoType, outputs[out.Wire], "output %s", out.Wire)
			}
			assert.Len(t, outputs, len(want.Outputs), "binding has outputs the reference lacks")

			assert.Subset(t, bound.secrets, want.AdditionalSecretOutputs, "every output upstream marks secret stays secret")
		})
	}
}

func TestNestedTypesMatchProviderReference(t *testing.T) {
	t.Parallel()
	ref := loadReference(t)
	for name, typ := range map[string]reflect.Type{
		"OrganizationServiceAccount":       reflect.TypeOf(OrganizationServiceAccount{}),
		"OrganizationServiceAccountSecret": reflect.TypeOf(OrganizationServiceAccountSecret{}),
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
