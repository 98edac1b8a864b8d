package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// opRank picks the step that says most of a resource the preview has
// several steps for (a replacement is three).
var opRank = map[string]int{"replace": 6, "create": 5, "create-replacement": 4, "update": 3, "delete": 2, "delete-replaced": 1}

// driftFindings turns the refresh preview's steps into findings of their
// organizations; those of no organization come back.
func driftFindings(steps []deploy.Step, keys []string, inState map[string]bool, orgs map[string]*OrgStatus) []Finding {
	byURN := map[string]deploy.Step{}
	var order []string
	for _, s := range steps {
		prev, seen := byURN[s.URN]
		if !seen {
			order = append(order, s.URN)
		}
		if !seen || opRank[s.Op] > opRank[prev.Op] {
			byURN[s.URN] = s
		}
	}
	var rest []Finding
	for _, urn := range order {
		step := byURN[urn]
		name := urn[strings.LastIndex(urn, "::")+2:]
		resource := shortType(step.Type) + " " + name
		var found []Finding
		switch step.Op {
		case "replace", "create-replacement":
			if replacedByTheCode(step) {
				found = append(found, Finding{Kind: KindChanged, Resource: resource,
					Message: fmt.Sprintf("%s is due to be replaced by the code, not because of a change in Atlas (a rotation whose period has passed issues its next secret this way)", resource)})
				break
			}
			found = append(found, replacedFinding(resource, step))
		case "create":
			if inState[urn] {
				found = append(found, Finding{Kind: KindGone, Resource: resource,
					Message: fmt.Sprintf("%s is gone from Atlas (deleted outside the code)", resource)})
			} else {
				found = append(found, Finding{Kind: KindNotDeployed, Resource: resource,
					Message: fmt.Sprintf("%s is in the code and not deployed yet", resource)})
			}
		case "update":
			if f, ok := accessListSetBackFinding(step, name, keys); ok {
				found = append(found, f)
				break
			}
			drifted := driftedProperties(step)
			for _, d := range drifted {
				found = append(found, changedFinding(step.Type, resource, d))
			}
			if len(step.Diffs) == 0 {
				found = append(found, Finding{Kind: KindChanged, Resource: resource,
					Message: fmt.Sprintf("%s differs from the code", resource)})
			}
		case "import", "import-replacement":
			found = append(found, Finding{Kind: KindNotDeployed, Resource: resource,
				Message: fmt.Sprintf("%s is adopted in the code and not imported yet", resource)})
		case "delete", "delete-replaced":
			found = append(found, Finding{Kind: KindNotInCode, Resource: resource,
				Message: fmt.Sprintf("%s is held by the stack and no longer in the code", resource)})
		default:
			found = append(found, Finding{Kind: KindChanged, Resource: resource,
				Message: fmt.Sprintf("%s differs from the code (the update would %s it)", resource, step.Op)})
		}
		if org, ok := orgs[orgKeyOf(step.Type, name, keys)]; ok {
			org.Findings = append(org.Findings, found...)
		} else {
			rest = append(rest, found...)
		}
	}
	return rest
}

// accessListSetBackFinding is an organization's apiAccessListRequired
// changed in Atlas, as its switch's update shows it: the run that finds
// Atlas' value away from the code's counts one more set-back in the
// switch's input, and the update's hook sets the code's value again
// (components/multiorg/access_list_switch.go). It is a change of the
// Organization's field, with both values: a boolean, so the code's is the
// other one.
func accessListSetBackFinding(step deploy.Step, name string, keys []string) (Finding, bool) {
	child, ok := multiorg.ParseChildName(multiorg.StackComponentName, step.Type, name, keys)
	if !ok || child.Kind != multiorg.ChildAccessListSwitch {
		return Finding{}, false
	}
	for _, d := range step.Diffs {
		words, before := switchWords(d.Path, d.Code), switchWords(d.Path, d.Atlas)
		count, inAtlas, found := multiorg.AccessListSetBack(words)
		if !found {
			continue
		}
		if last, _, had := multiorg.AccessListSetBack(before); had && last >= count {
			continue
		}
		resource := shortType(mongodbatlas.OrganizationType) + " " + multiorg.ChildResourceName(multiorg.StackComponentName, multiorg.ChildOrganization, child.OrgKey, "")
		return changedFinding(mongodbatlas.OrganizationType, resource, deploy.PropertyDiff{
			Path: "apiAccessListRequired", Kind: d.Kind, Atlas: inAtlas, Code: !inAtlas}), true
	}
	return Finding{}, false
}

// switchWords are the otherSettings of a switch's input in a diff, which
// the engine reports as the whole input or as the one field.
func switchWords(path string, v any) string {
	switch path {
	case "input":
		input, _ := v.(map[string]any)
		words, _ := input["otherSettings"].(string)
		return words
	case "input.otherSettings":
		words, _ := v.(string)
		return words
	}
	return ""
}

// driftedProperties are the diffs of an update step that are drift: a
// property the code sets (an input of the resource's type in the binding)
// whose value in Atlas differs from the code's. What the provider computes
// (a person's lastAuth and teamIds, a secret's expiry) is not the code's to
// hold, and a diff whose two values are equal (the engine's diff of a
// computed property it cannot know before an update) is no change at all.
func driftedProperties(step deploy.Step) []deploy.PropertyDiff {
	var drifted []deploy.PropertyDiff
	for _, d := range step.Diffs {
		if !mongodbatlas.IsInputPath(step.Type, deploy.PathParts(d.Path)) {
			continue
		}
		if sameValue(step.Type, d) {
			continue
		}
		drifted = append(drifted, d)
	}
	return drifted
}

// sameValue says whether a diff's two values are equal, where both can be
// seen: a secret, masked on both sides, may still differ.
func sameValue(typeToken string, d deploy.PropertyDiff) bool {
	_, codeShown := displayValue(typeToken, d.Path, d.Code)
	_, atlasShown := displayValue(typeToken, d.Path, d.Atlas)
	if !codeShown || !atlasShown {
		return false
	}
	code, codeErr := json.Marshal(d.Code)
	atlas, atlasErr := json.Marshal(d.Atlas)
	return codeErr == nil && atlasErr == nil && string(code) == string(atlas)
}

// replacedFinding is a change made in Atlas that the refresh preview would
// undo by replacing the resource: deleting it in Atlas and creating it
// again, with a new ID. No `pulumi up --refresh` is its fix: for an
// Organization the replacement guard refuses it (a new organization would
// lose everything in it), and for anything else it is a deletion no one
// asked for. The message says what to do instead.
func replacedFinding(resource string, step deploy.Step) Finding {
	fields := diffPaths(step)
	text := fmt.Sprintf("%s differs from the code in a way that replaces it (%s): pulumi up --refresh would delete it in Atlas and create it again, "+
		"with a new ID, ", resource, fields)
	if step.Type == mongodbatlas.OrganizationType {
		text += "with everything in it, which the replacement guard refuses (as protect does in prod)"
	} else {
		text += "so whatever holds its ID loses it (a protected, prod, resource refuses)"
	}
	text += fmt.Sprintf(". Instead, set %s back in Atlas as the code says, or change the code to Atlas' value; then status is clean", fields)
	return Finding{Kind: KindChanged, Resource: resource, Message: text, byHand: true}
}

// replacedByTheCode says a replacement names no property that differs:
// what asks for it is the code's replacementTrigger (a rotation's period),
// which Atlas holds no copy of, so pulumi up --refresh is its fix as for
// any drift, and nothing in Atlas is to be set back by hand.
func replacedByTheCode(step deploy.Step) bool {
	for _, d := range step.Diffs {
		if d.Path != "replacementTrigger" && !strings.HasPrefix(d.Path, "__") {
			return false
		}
	}
	return true
}

func diffPaths(step deploy.Step) string {
	paths := make([]string, 0, len(step.Diffs))
	for _, d := range step.Diffs {
		paths = append(paths, d.Path)
	}
	if len(paths) == 0 {
		return "no field named"
	}
	return strings.Join(paths, ", ")
}

// shortType is a resource type's last part: Organization for
// mongodbatlas:index/organization:Organization.
func shortType(t string) string {
	return t[strings.LastIndex(t, ":")+1:]
}

// changedFinding is one changed field, with both values unless the field
// holds a secret.
func changedFinding(typeToken, resource string, d deploy.PropertyDiff) Finding {
	f := Finding{Kind: KindChanged, Resource: resource, Field: d.Path}
	code, codeOK := displayValue(typeToken, d.Path, d.Code)
	atlas, atlasOK := displayValue(typeToken, d.Path, d.Atlas)
	if !codeOK || !atlasOK {
		f.Withheld = true
		f.Message = fmt.Sprintf("%s: %s differs from the code; it holds a secret, so neither value is shown", resource, d.Path)
		return f
	}
	f.Code, f.Atlas = code, atlas
	f.Message = fmt.Sprintf("%s: %s is %s in Atlas, %s in the code (changed outside the code)", resource, d.Path, atlas, code)
	return f
}

// secretFields name the fields that hold a secret, whatever their value,
// in a type that does not declare its secrets.
var secretFields = []string{"secret", "privatekey", "apikey", "password", "token", "credential", "certificate"}

// declaredSecrets are, per resource type whose schema says which of its
// inputs are secrets, those inputs. For such a type the schema decides,
// not the field's name: the OrganizationSettings' secret-validity cap and
// refresh-token lifetimes are numbers a person wants to see, and its
// credential inputs are secrets whatever they are called.
var declaredSecrets = map[string]map[string]bool{orgsettings.Type: orgSettingsSecrets()}

func orgSettingsSecrets() map[string]bool {
	secrets := map[string]bool{}
	for _, p := range orgsettings.Properties() {
		if p.Secret {
			secrets[p.Name] = true
		}
	}
	return secrets
}

// displayValue is a value as JSON text, or false when it must not be
// shown: a field that holds a secret (by its type's schema, or else by its
// name), a value the engine masked, or one that looks like a credential.
// Masked values are not shown either: a secret appears in no form.
func displayValue(typeToken, path string, v any) (string, bool) {
	if secrets, declared := declaredSecrets[typeToken]; declared {
		if parts := deploy.PathParts(path); len(parts) == 0 || secrets[parts[0]] {
			return "", false
		}
	} else if namesASecret(path) {
		return "", false
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	text := string(raw)
	for _, mark := range []string{"[secret]", wrappedSig, "mdb_sa_sk_", "ciphertext", "plaintext"} {
		if strings.Contains(text, mark) {
			return "", false
		}
	}
	if len(text) > 120 {
		return fmt.Sprintf("(%d characters of JSON)", len(text)), true
	}
	return text, true
}

// namesASecret says whether a field's name says it holds a secret.
func namesASecret(path string) bool {
	lower := strings.ToLower(path)
	for _, s := range secretFields {
		if strings.Contains(lower, s) {
			return true
		}
	}
	return false
}
