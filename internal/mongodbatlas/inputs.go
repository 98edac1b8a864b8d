package mongodbatlas

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// resourceInputs are the wire shapes of the inputs of every resource type
// the binding registers, by type token: what a program can set, as opposed
// to what the provider computes. inputs_test.go holds it to the type tokens
// the binding declares.
var resourceInputs = map[string]reflect.Type{
	OrganizationType:                    reflect.TypeFor[organizationArgs](),
	ProviderType:                        reflect.TypeFor[providerArgs](),
	ResourcePolicyType:                  reflect.TypeFor[resourcePolicyArgs](),
	ProjectType:                         reflect.TypeFor[projectArgs](),
	ServiceAccountProjectAssignmentType: reflect.TypeFor[serviceAccountProjectAssignmentArgs](),
	ApiKeyProjectAssignmentType:         reflect.TypeFor[apiKeyProjectAssignmentArgs](),
	ServiceAccountSecretType:            reflect.TypeFor[serviceAccountSecretArgs](),
	ServiceAccountAccessListEntryType:   reflect.TypeFor[serviceAccountAccessListEntryArgs](),
	ServiceAccountType:                  reflect.TypeFor[serviceAccountArgs](),
	AccessListApiKeyType:                reflect.TypeFor[accessListApiKeyArgs](),
	CloudUserOrgAssignmentType:          reflect.TypeFor[cloudUserOrgAssignmentArgs](),
	TeamType:                            reflect.TypeFor[teamArgs](),
	CloudUserTeamAssignmentType:         reflect.TypeFor[cloudUserTeamAssignmentArgs](),
	TeamProjectAssignmentType:           reflect.TypeFor[teamProjectAssignmentArgs](),
}

// nestedInputs are the nested types an input shares with the outputs (one
// struct for both, as upstream has), each with the Args struct whose
// fields, by Go name, are the ones a program can set; the rest the provider
// computes (an Organization's serviceAccount.secrets).
var nestedInputs = map[reflect.Type]reflect.Type{
	reflect.TypeFor[OrganizationServiceAccount]():  reflect.TypeFor[OrganizationServiceAccountArgs](),
	reflect.TypeFor[CloudUserOrgAssignmentRoles](): reflect.TypeFor[CloudUserOrgAssignmentRolesArgs](),
	reflect.TypeFor[ResourcePolicyPolicy]():        reflect.TypeFor[ResourcePolicyPolicyArgs](),
}

// ResourceTypes are the type tokens of every resource the binding
// registers, sorted.
func ResourceTypes() []string {
	types := make([]string, 0, len(resourceInputs))
	for t := range resourceInputs {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// InputNames are the top-level inputs (wire names) of the resource type
// typeToken, sorted; false for a type the binding does not register.
func InputNames(typeToken string) ([]string, bool) {
	shape, ok := resourceInputs[typeToken]
	if !ok {
		return nil, false
	}
	var names []string
	for i := range shape.NumField() {
		if wire := wireName(shape.Field(i)); wire != "" {
			names = append(names, wire)
		}
	}
	slices.Sort(names)
	return names, true
}

// IsInputPath says whether the property path (its keys and indexes, as the
// engine's diffs name them: ["serviceAccount", "secrets", "0", "secret"])
// of a resource of type typeToken is something a program sets, rather than
// something the provider computes (lastAuth, teamIds, a secret's expiry).
// A type the binding does not register is taken as all input: nothing is
// known to be computed there.
func IsInputPath(typeToken string, path []string) bool {
	shape, ok := resourceInputs[typeToken]
	if !ok {
		return true
	}
	return isInput(shape, path)
}

func isInput(t reflect.Type, path []string) bool {
	for len(path) > 0 {
		switch t.Kind() {
		case reflect.Pointer:
			t = t.Elem()
			continue
		case reflect.Slice, reflect.Array:
			if _, err := strconv.Atoi(path[0]); err != nil {
				return false
			}
			t, path = t.Elem(), path[1:]
			continue
		case reflect.Map:
			t, path = t.Elem(), path[1:]
			continue
		case reflect.Struct:
		default:
			return false // a scalar has no properties of its own
		}
		field, ok := fieldByWire(t, path[0])
		if !ok {
			return false
		}
		if args, shared := nestedInputs[t]; shared {
			if _, set := args.FieldByName(field.Name); !set {
				return false
			}
		}
		t, path = field.Type, path[1:]
	}
	return true
}

// fieldByWire finds a struct's field by its wire name.
func fieldByWire(t reflect.Type, wire string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); wireName(f) == wire {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// wireName is a field's `pulumi` tag name, "" for an untagged field.
func wireName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("pulumi"), ",")
	return name
}
