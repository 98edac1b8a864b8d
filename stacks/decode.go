package stacks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// decoder turns config JSON into Go values strictly: an unknown field or a
// value of the wrong type is a problem at its config path, never ignored, and
// decoding goes on so that every problem is reported at once.
type decoder struct {
	problems []multiorg.Problem
	// badValues are the paths whose value could not be decoded; a later
	// "required" complaint about them would only repeat the problem.
	badValues map[string]bool
}

func (d *decoder) add(path, format string, args ...any) {
	d.problems = append(d.problems, multiorg.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// object decodes a JSON object into the struct dst points to, by `json` tags,
// with embedded structs' fields inlined as encoding/json does.
func (d *decoder) object(path string, raw json.RawMessage, dst any) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		d.invalid(path, "must be an object of fields")
		return
	}
	known := jsonFields(reflect.ValueOf(dst).Elem())
	for _, name := range sortedKeys(fields) {
		value := fields[name]
		field, ok := known[name]
		p := path + "." + name
		if !ok {
			d.add(p, "unknown field%s", suggest(name, known))
			continue
		}
		if bytes.Equal(bytes.TrimSpace(value), []byte("null")) {
			continue
		}
		if field.Kind() == reflect.Pointer && field.Type().Elem().Kind() == reflect.Struct {
			field.Set(reflect.New(field.Type().Elem()))
			d.object(p, value, field.Interface())
			continue
		}
		if err := json.Unmarshal(value, field.Addr().Interface()); err != nil {
			d.invalid(p, "must be %s", describe(field.Type()))
		}
	}
}

// orgs decodes the orgs object: one OrgSpec per key.
func (d *decoder) orgs(path, raw string) map[string]multiorg.OrgSpec {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &entries); err != nil || entries == nil {
		d.invalid(path, "must be an object keyed by org key (orgs.<key>.name: ...)")
		return nil
	}
	orgs := make(map[string]multiorg.OrgSpec, len(entries))
	for key, value := range entries {
		var org multiorg.OrgSpec
		d.object(path+"."+key, value, &org)
		orgs[key] = org
	}
	return orgs
}

func (d *decoder) invalid(path, format string, args ...any) {
	d.add(path, format, args...)
	if d.badValues == nil {
		d.badValues = map[string]bool{}
	}
	d.badValues[path] = true
}

// covers reports whether problem p merely repeats a value that failed to decode.
func (d *decoder) covers(p multiorg.Problem) bool {
	for bad := range d.badValues {
		if p.Path == bad || strings.HasPrefix(p.Path, bad+".") {
			return true
		}
	}
	return false
}

// jsonFields maps each JSON name of the struct v to its settable field.
func jsonFields(v reflect.Value) map[string]reflect.Value {
	fields := map[string]reflect.Value{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for name, inner := range jsonFields(v.Field(i)) {
				fields[name] = inner
			}
			continue
		}
		if name := strings.Split(f.Tag.Get("json"), ",")[0]; name != "" && name != "-" {
			fields[name] = v.Field(i)
		}
	}
	return fields
}

// describe says, for a user, what a value of type t looks like.
func describe(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "a whole number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(describe(t.Elem()), "a ") + "s"
	default:
		return "a " + t.Kind().String()
	}
}

// suggest names the known field closest to a misspelt one.
func suggest[V any](name string, known map[string]V) string {
	best, bestDistance := "", 3
	for candidate := range known {
		if strings.EqualFold(candidate, name) {
			return fmt.Sprintf("; did you mean %q? (names are case-sensitive)", candidate)
		}
		if dist := editDistance(strings.ToLower(name), strings.ToLower(candidate)); dist < bestDistance ||
			(dist == bestDistance && best != "" && candidate < best) {
			best, bestDistance = candidate, dist
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return "; known fields are " + strings.Join(sortedKeys(known), ", ")
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
