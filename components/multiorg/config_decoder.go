package multiorg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// ConfigDecoder decodes Pulumi stack config (objects arrive as JSON), or a
// component's inputs, strictly: an unknown field or a value of the wrong type
// is a problem at its config path, never ignored, and decoding goes on so
// that every problem is reported at once. Both programs' config (the org
// stack's and the consumer stack's) is decoded with it.
type ConfigDecoder struct {
	// Problems are the problems found so far.
	Problems []Problem
	// badValues are the paths whose value could not be decoded; a later
	// "required" complaint about them would only repeat the problem.
	badValues map[string]bool
}

// Add records a problem at path.
func (d *ConfigDecoder) Add(path, format string, args ...any) {
	d.Problems = append(d.Problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Object decodes a JSON object into the struct dst points to, by `json` tags,
// with embedded structs' fields inlined as encoding/json does. Nested
// struct pointers are decoded as objects the same way.
func (d *ConfigDecoder) Object(path string, raw json.RawMessage, dst any) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		d.Invalid(path, "must be an object of fields")
		return
	}
	known := jsonFields(reflect.ValueOf(dst).Elem())
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		value := fields[name]
		field, ok := known[name]
		p := path + "." + name
		if !ok {
			d.Add(p, "unknown field%s", Suggest(name, known))
			continue
		}
		if bytes.Equal(bytes.TrimSpace(value), []byte("null")) {
			continue
		}
		if field.Kind() == reflect.Pointer && field.Type().Elem().Kind() == reflect.Struct {
			field.Set(reflect.New(field.Type().Elem()))
			d.Object(p, value, field.Interface())
			continue
		}
		if field.Kind() == reflect.Map && field.Type().Key().Kind() == reflect.String && field.Type().Elem().Kind() == reflect.Struct {
			d.objects(p, value, field)
			continue
		}
		if err := json.Unmarshal(value, field.Addr().Interface()); err != nil {
			d.Invalid(p, "must be %s", describe(field.Type()))
		}
	}
}

// objects decodes an object keyed by the user's own keys (emails, team
// keys) whose values are objects, each as strictly as Object decodes one.
func (d *ConfigDecoder) objects(path string, raw json.RawMessage, field reflect.Value) {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil || entries == nil {
		d.Invalid(path, "must be an object of entries")
		return
	}
	m := reflect.MakeMapWithSize(field.Type(), len(entries))
	for _, key := range slices.Sorted(maps.Keys(entries)) {
		entry := reflect.New(field.Type().Elem())
		d.Object(path+"."+key, entries[key], entry.Interface())
		m.SetMapIndex(reflect.ValueOf(key), entry.Elem())
	}
	field.Set(m)
}

// DecodeEntries decodes an object keyed by the user's own keys (such as org
// keys) whose values are objects, each into a T as strictly as Object decodes
// one; what says how such an entry looks. An undecodable whole is a problem
// at path and gives no entries.
func DecodeEntries[T any](d *ConfigDecoder, path, raw, what string) map[string]T {
	var entries map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &entries); err != nil || entries == nil {
		d.Invalid(path, "must be an object keyed by %s", what)
	}
	decoded := make(map[string]T, len(entries))
	for key, value := range entries {
		var entry T
		d.Object(path+"."+key, value, &entry)
		decoded[key] = entry
	}
	return decoded
}

// Invalid records a value that could not be decoded at path.
func (d *ConfigDecoder) Invalid(path, format string, args ...any) {
	d.Add(path, format, args...)
	if d.badValues == nil {
		d.badValues = map[string]bool{}
	}
	d.badValues[path] = true
}

// Covers reports whether problem p merely repeats a value that failed to decode.
func (d *ConfigDecoder) Covers(p Problem) bool {
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

// Suggest names the known name closest to a misspelt one, as the tail of a
// message ("; did you mean ...?").
func Suggest[V any](name string, known map[string]V) string {
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
	return "; known fields are " + strings.Join(slices.Sorted(maps.Keys(known)), ", ")
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

// UnknownKeys records a problem, at namespace:key, for each key of config
// that starts with prefix and is not one of known once prefix is cut:
// config's keys are full keys (prefix "namespace:", as ReadConfig returns
// them) or bare ones (prefix "").
func (d *ConfigDecoder) UnknownKeys(config map[string]string, prefix, namespace string, known []string) {
	for _, full := range slices.Sorted(maps.Keys(config)) {
		if key, ok := strings.CutPrefix(full, prefix); ok && !slices.Contains(known, key) {
			d.Add(namespace+":"+key, "unknown config key%s", Suggest(key, keySet(known)))
		}
	}
}
