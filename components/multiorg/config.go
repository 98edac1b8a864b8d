package multiorg

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ConfigNamespace is the org stack's config namespace, its project name (the
// name in Pulumi.yaml). Unknown keys are reported under it whether they come
// from stack config or from the component's inputs.
const ConfigNamespace = "atlas-multiorg"

// StackComponentName is the MultiOrg's resource name in the org stack; its
// children are named "<StackComponentName>-<org key>..." (names.go), which
// the command-line tool reads back from the stack's state.
const StackComponentName = "multiorg"

// ConfigKeys are the org stack's config keys, which are also the component
// package's top-level inputs: the paths of StackConfigFields, sorted.
func ConfigKeys() []string {
	keys := make([]string, 0, len(StackConfigFields))
	for _, f := range StackConfigFields {
		keys = append(keys, f.Path)
	}
	slices.Sort(keys)
	return keys
}

// LoadSpec reads the org stack's config into a validated spec. The error
// lists every problem: unknown keys and fields, values of the wrong type, and
// every rule of Spec.Validate.
func LoadSpec(ctx *pulumi.Context) (Spec, error) {
	spec, err := SpecFromConfig(ReadConfig(ctx, ConfigNamespace, ConfigKeys()), ctx.Stack())
	if err != nil {
		return Spec{}, err
	}
	return spec, NewValidationError(TakeOverSecretProblems(spec, ctx.IsConfigSecret(ConfigNamespace+":orgs")))
}

// TakeOverSecretProblems are the serviceAccount.takeOver blocks whose
// clientSecret is not a Pulumi secret (orgsSecret: the stack config holds
// no secret inside orgs): a secret set in clear text would sit in the stack
// file, readable by anyone who reads the repository.
func TakeOverSecretProblems(spec Spec, orgsSecret bool) []Problem {
	if orgsSecret {
		return nil
	}
	var problems []Problem
	for _, key := range slices.Sorted(maps.Keys(spec.Orgs)) {
		if sa := spec.Orgs[key].ServiceAccount; sa != nil && sa.TakeOver != nil {
			path := "orgs." + key + ".serviceAccount.takeOver.clientSecret"
			problems = append(problems, Problem{Path: path, Message: "must be a Pulumi secret, not clear text in the stack file: " +
				"pulumi config set --secret --path '" + path + "' < secret-file (the secret read from a file, never typed on a command line)"})
		}
	}
	return problems
}

// Environment is the org stack's environment profile: its
// atlas-multiorg:environment (config as SpecFromConfig takes it), or else
// the stack's name.
func Environment(config map[string]string, stack string) string {
	return cmp.Or(config[ConfigNamespace+":environment"], stack)
}

// SpecFromConfig turns an org stack's config (full keys, objects as JSON, as
// Pulumi hands them to the program) into a validated spec, exactly as the
// program does; stack is the stack name, the default environment. Keys of
// other namespaces are left alone.
func SpecFromConfig(config map[string]string, stack string) (Spec, error) {
	values := map[string]any{}
	for full, value := range config {
		if key, ok := strings.CutPrefix(full, ConfigNamespace+":"); ok {
			values[key] = value
		}
	}
	return SpecFromValues(values, stack)
}

// SpecFromValues decodes the org stack's top-level values, by key, into a
// validated spec: each value either as stack config holds it (a string,
// objects as JSON text) or as a component's inputs arrive (plain strings,
// numbers, objects and lists). The error lists every problem with its config
// path; stack is the default environment.
func SpecFromValues(values map[string]any, stack string) (Spec, error) {
	texts := make(map[string]string, len(values))
	for key, value := range values {
		t, err := configText(value)
		if err != nil {
			return Spec{}, fmt.Errorf("reading %s: %w", key, err)
		}
		texts[key] = t
	}
	text := func(key string) string { return texts[key] }
	var d ConfigDecoder
	spec := Spec{
		PayingOrgID: text("payingOrgId"),
		OrgOwnerID:  text("orgOwnerId"),
		Environment: cmp.Or(text("environment"), stack),
	}
	if raw := text("expiryWarningHours"); raw != "" {
		hours, err := strconv.Atoi(raw)
		if err != nil {
			d.Invalid("expiryWarningHours", "must be a whole number of hours, got %q", raw)
		}
		spec.ExpiryWarningHours = hours
	}
	if raw, ok := texts["orgs"]; ok {
		spec.Orgs = DecodeEntries[OrgSpec](&d, "orgs", raw, "org key (orgs.<key>.name: ...)")
	}
	d.UnknownKeys(texts, "", ConfigNamespace, ConfigKeys())

	problems := d.Problems
	var verr *ValidationError
	if err := spec.Validate(); errors.As(err, &verr) {
		for _, p := range verr.Problems {
			if !d.Covers(p) {
				problems = append(problems, p)
			}
		}
	}
	if err := NewValidationError(problems); err != nil {
		return Spec{}, err
	}
	return spec, nil
}

// configText is a value as Pulumi config text: a string as itself, a number
// in decimal, anything else (an input's object or list) as JSON, which the
// strict decoder then reads field by field.
func configText(value any) (string, error) {
	switch v := value.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	default:
		raw, err := json.Marshal(v)
		return string(raw), err
	}
}
