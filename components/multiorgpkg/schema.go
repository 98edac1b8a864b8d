package multiorgpkg

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
)

// Name is the package's name: the schema's, the plugin's
// (pulumi-resource-<Name>) and the first part of every type token.
const Name = "atlas-multiorg"

// Version is the package's version, in the schema, the plugin's info, and
// the generated SDKs. make release sets it with -ldflags -X, so that a
// release's plugin and SDKs agree on it.
var Version = "0.1.0"

// PluginDownloadURL is where the Pulumi CLI downloads the plugin of a
// release from (the schema's pluginDownloadURL); make release sets it, and
// a build from source has none.
var PluginDownloadURL = ""

// property is one property of the schema (a subset of Pulumi's PropertySpec).
type property struct {
	Type                 string    `json:"type,omitempty"`
	Ref                  string    `json:"$ref,omitempty"`
	Items                *property `json:"items,omitempty"`
	AdditionalProperties *property `json:"additionalProperties,omitempty"`
	Description          string    `json:"description,omitempty"`
	Secret               bool      `json:"secret,omitempty"`
}

// objectType is an object type, an enum type, or a resource's properties.
type objectType struct {
	Type        string               `json:"type,omitempty"`
	Description string               `json:"description,omitempty"`
	Properties  map[string]*property `json:"properties,omitempty"`
	Required    []string             `json:"required,omitempty"`
	Enum        []enumValue          `json:"enum,omitempty"`
}

// enumValue is one value of an enum type.
type enumValue struct {
	Value       string `json:"value"`
	Description string `json:"description,omitempty"`
	// Name is the value's name in the SDKs, where the generators' own guess
	// is poor (ORG_OWNER would be OR_G_OWNER in Python).
	Name string `json:"name,omitempty"`
}

// component is the schema of a component resource.
type component struct {
	IsComponent     bool                 `json:"isComponent"`
	Description     string               `json:"description"`
	InputProperties map[string]*property `json:"inputProperties"`
	RequiredInputs  []string             `json:"requiredInputs"`
	Properties      map[string]*property `json:"properties"`
	Required        []string             `json:"required"`
}

// packageSchema is the package schema Pulumi's codegen and CLI read.
type packageSchema struct {
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Version     string `json:"version"`
	// PluginDownloadURL is omitted from a build from source.
	PluginDownloadURL string                 `json:"pluginDownloadURL,omitempty"`
	Description       string                 `json:"description"`
	Keywords          []string               `json:"keywords"`
	License           string                 `json:"license"`
	Repository        string                 `json:"repository"`
	Language          map[string]any         `json:"language"`
	Types             map[string]*objectType `json:"types"`
	Resources         map[string]*component  `json:"resources"`
}

// objectTypes names the schema type of each config struct.
var objectTypes = map[reflect.Type]string{
	reflect.TypeFor[multiorg.OrgSpec]():            "Org",
	reflect.TypeFor[multiorg.ServiceAccountSpec](): "ServiceAccount",
	reflect.TypeFor[multiorg.APIKeySpec]():         "ApiKey",
	reflect.TypeFor[multiorg.AccessListEntry]():    "AccessListEntry",
	reflect.TypeFor[multiorg.ResourcePolicies]():   "ResourcePolicies",
	reflect.TypeFor[multiorg.TierRange]():          "ClusterTier",
	reflect.TypeFor[multiorg.MemberSpec]():         "Member",
	reflect.TypeFor[multiorg.TeamSpec]():           "Team",
}

// enums are the closed sets of string values, by schema type name, so that
// the SDKs refuse a typo when the program is compiled or type-checked
// instead of when it runs. Each comes from the list the validation uses.
func enums() map[string]*objectType {
	environments := &objectType{Type: "string", Description: "An environment profile: the defaults and rules an organization gets."}
	for _, name := range multiorg.PromotionOrder {
		environments.Enum = append(environments.Enum, enumValue{Value: name, Description: multiorg.Profiles[name].Why})
	}
	roles := &objectType{Type: "string", Description: "An Atlas organization role."}
	for _, role := range multiorg.OrgRoles {
		roles.Enum = append(roles.Enum, enumValue{Value: role, Name: pascalCase(role)})
	}
	return map[string]*objectType{
		"Environment": environments,
		"OrgRole":     roles,
		"CredentialType": {Type: "string", Description: "The kind of an organization's own credential.", Enum: []enumValue{
			{Value: string(multiorg.CredentialServiceAccount), Description: "A service account: clientId and clientSecret."},
			{Value: string(multiorg.CredentialAPIKey), Description: "A programmatic API key: publicKey and privateKey."},
			{Value: string(multiorg.CredentialNone), Description: "None: an adopted organization without a serviceAccount block."},
		}},
	}
}

// pascalCase turns ORG_BILLING_ADMIN into OrgBillingAdmin.
func pascalCase(upperSnake string) string {
	var b strings.Builder
	for _, word := range strings.Split(strings.ToLower(upperSnake), "_") {
		if word != "" {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}

// enumFields are the config fields whose values an enum closes, by path
// ("[]" for a list's items).
var enumFields = map[string]string{
	"environment":             "Environment",
	"serviceAccount.roles[]":  "OrgRole",
	"apiKey.roles[]":          "OrgRole",
	"members.<email>.roles[]": "OrgRole",
}

// enumRef is a reference to the enum type named name.
func enumRef(name string) *property { return &property{Ref: "#/types/" + Name + ":index:" + name} }

// mapKeys names the keys of the config's maps in their documented paths
// (members.<email>.roles).
var mapKeys = map[string]string{"members": "<email>", "teams": "<team key>"}

// Schema is the package's schema, as JSON. Every description comes from
// multiorg's config reference, which the configuration guide's tables are made from, and
// every type from the structs the stack config decodes into: a field without
// a documented row is an error, not an undocumented input.
func Schema() ([]byte, error) {
	b := schemaBuilder{docs: map[string]multiorg.ConfigField{}, used: map[string]bool{}, types: map[string]*objectType{}}
	for name, enum := range enums() {
		b.types[Name+":index:"+name] = enum
	}
	for _, f := range multiorg.OrgFields {
		b.docs[f.Path] = f
	}
	org := b.object(reflect.TypeFor[multiorg.OrgSpec](), "", multiorg.ConfigField{Meaning: "One organization of a MultiOrg: an `orgs.<key>` entry."})

	inputs := map[string]*property{}
	var required []string
	for _, f := range multiorg.StackConfigFields {
		p := &property{Description: describe(f)}
		switch f.Path {
		case "environment":
			p.Ref = enumRef(enumFields[f.Path]).Ref
		case "orgs":
			p.Type, p.AdditionalProperties = "object", org
		case "expiryWarningHours":
			p.Type = "integer"
		default:
			p.Type = "string"
		}
		inputs[f.Path] = p
		if f.Default == "required" {
			required = append(required, f.Path)
		}
	}

	outputs := map[string]*property{}
	docs := map[string]multiorg.ConfigField{}
	for _, f := range multiorg.OutputFields {
		docs[f.Path] = f
	}
	m := reflect.TypeFor[multiorg.MultiOrg]()
	for i := range m.NumField() {
		name := m.Field(i).Tag.Get("pulumi")
		if name == "" {
			continue
		}
		doc, ok := docs[name]
		if !ok {
			b.errs = append(b.errs, fmt.Sprintf("output %s has no row in multiorg.OutputFields", name))
			continue
		}
		p := outputType(name, m.Field(i).Type)
		if p == nil {
			b.errs = append(b.errs, fmt.Sprintf("output %s: no schema type for %s", name, m.Field(i).Type))
			continue
		}
		p.Description, p.Secret = plain(doc.Meaning), slices.Contains(multiorg.SecretOutputs, name)
		outputs[name] = p
		delete(docs, name)
	}
	for name := range docs {
		b.errs = append(b.errs, fmt.Sprintf("multiorg.OutputFields documents %s, which MultiOrg does not output", name))
	}
	for path := range b.docs {
		if !b.used[path] {
			b.errs = append(b.errs, fmt.Sprintf("multiorg.OrgFields documents %s, which no config struct has", path))
		}
	}
	if len(b.errs) > 0 {
		slices.Sort(b.errs)
		return nil, fmt.Errorf("the package schema does not match the config reference:\n  %s", strings.Join(b.errs, "\n  "))
	}
	slices.Sort(required)

	spec := packageSchema{
		Name:              Name,
		DisplayName:       "Atlas MultiOrg",
		Version:           Version,
		PluginDownloadURL: PluginDownloadURL,
		Description:       "Many MongoDB Atlas organizations as code: each created or adopted, linked to one paying organization, with a credential of its own exported as a secret.",
		Keywords:          []string{"pulumi", "mongodb", "atlas", "organizations", "kind/component", "category/database"},
		License:           "Apache-2.0",
		Repository:        "https://github.com/atlas-multiorg/atlas-multiorg",
		Language: map[string]any{
			"nodejs": map[string]any{
				"packageName":        "@atlas-multiorg/atlas-multiorg",
				"packageDescription": "MongoDB Atlas organizations as code: the MultiOrg component.",
				"dependencies":       map[string]string{"@pulumi/pulumi": "^3.0.0"},
				// The SDK's version is the package's, so the engine loads the
				// plugin of this version, not a placeholder to fill in.
				"respectSchemaVersion": true,
			},
			"python": map[string]any{
				"packageName":          "atlas_multiorg",
				"requires":             map[string]string{"pulumi": ">=3.0.0,<4.0.0"},
				"pyproject":            map[string]any{"enabled": true},
				"respectSchemaVersion": true,
			},
		},
		Types: b.types,
		Resources: map[string]*component{multiorg.Type: {
			IsComponent: true,
			Description: "Creates or adopts many MongoDB Atlas organizations from one declaration, validated as a whole before anything is registered: " +
				"each created organization is linked to the paying organization and gets a credential of its own, exported as a secret.",
			InputProperties: inputs,
			RequiredInputs:  required,
			Properties:      outputs,
			Required:        slices.Sorted(maps.Keys(outputs)),
		}, orgsettings.Type: settingsResourceSchema()},
	}
	return json.MarshalIndent(spec, "", "  ")
}

// settingsResourceSchema is the schema of the plugin's custom resource,
// OrganizationSettings, from its own property list.
func settingsResourceSchema() *component {
	res := &component{
		Description: "The settings of one MongoDB Atlas organization that the mongodbatlas provider 4.14.0 cannot express: session timeouts, " +
			"the secret-validity cap, the operations contact, cross-project stream connections and delegated access. Only the settings stated are managed; " +
			"the credential that acts in the organization is a secret input, never an output.",
		InputProperties: map[string]*property{}, Properties: map[string]*property{},
	}
	for _, p := range orgsettings.Properties() {
		if p.Input {
			res.InputProperties[p.Name] = &property{Type: p.Type, Description: p.Meaning, Secret: p.Secret}
			if p.Required {
				res.RequiredInputs = append(res.RequiredInputs, p.Name)
			}
		}
		if p.Output {
			res.Properties[p.Name] = &property{Type: p.Type, Description: p.Meaning}
		}
	}
	res.Required = []string{orgsettings.OrgID, orgsettings.ReleaseOnDelete}
	return res
}

// schemaBuilder turns the config structs into object types.
type schemaBuilder struct {
	docs  map[string]multiorg.ConfigField
	used  map[string]bool
	types map[string]*objectType
	errs  []string
}

// object registers t's object type once and returns a reference to it;
// prefix is the dotted path of t's fields in an orgs entry.
func (b *schemaBuilder) object(t reflect.Type, prefix string, doc multiorg.ConfigField) *property {
	name, ok := objectTypes[t]
	if !ok {
		b.errs = append(b.errs, fmt.Sprintf("%s: no schema type is named for %s", prefix, t))
		return &property{Type: "object"}
	}
	token := Name + ":index:" + name
	if _, done := b.types[token]; !done {
		object := &objectType{Type: "object", Description: plain(doc.Meaning), Properties: map[string]*property{}}
		b.types[token] = object
		b.fields(t, prefix, object)
		slices.Sort(object.Required)
	}
	return &property{Ref: "#/types/" + token}
}

// fields adds t's fields, embedded structs' inlined, to object.
func (b *schemaBuilder) fields(t reflect.Type, prefix string, object *objectType) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			b.fields(f.Type, prefix, object)
			continue
		}
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		path := prefix + name
		doc, ok := b.docs[path]
		if !ok {
			b.errs = append(b.errs, fmt.Sprintf("%s has no row in multiorg.OrgFields", path))
			continue
		}
		b.used[path] = true
		p := b.property(f.Type, path, doc)
		if p.Ref == "" {
			p.Description = describe(doc)
		} else {
			p = &property{Ref: p.Ref, Description: describe(doc)}
		}
		object.Properties[name] = p
		if doc.Default == "required" {
			object.Required = append(object.Required, name)
		}
	}
}

// property is the schema type of a config field of Go type t.
func (b *schemaBuilder) property(t reflect.Type, path string, doc multiorg.ConfigField) *property {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		if enum, ok := enumFields[path]; ok {
			return enumRef(enum)
		}
		return &property{Type: "string"}
	case reflect.Bool:
		return &property{Type: "boolean"}
	case reflect.Int:
		return &property{Type: "integer"}
	case reflect.Slice:
		return &property{Type: "array", Items: b.property(t.Elem(), path+"[]", doc)}
	case reflect.Struct:
		return b.object(t, path+".", doc)
	case reflect.Map:
		key, ok := mapKeys[path]
		if !ok {
			b.errs = append(b.errs, fmt.Sprintf("%s: a map needs its key named in mapKeys", path))
		}
		return &property{Type: "object", AdditionalProperties: b.property(t.Elem(), path+"."+key, doc)}
	}
	b.errs = append(b.errs, fmt.Sprintf("%s: no schema type for %s", path, t))
	return &property{}
}

// outputType is the schema type of MultiOrg's output name, of Go type t.
// credentials stays a map of maps of strings: a typed object would be
// exported by a Python program with snake_case keys (client_secret), and
// consumers read clientSecret.
func outputType(name string, t reflect.Type) *property {
	str := &property{Type: "string"}
	switch name {
	case "credentialTypes":
		return &property{Type: "object", AdditionalProperties: enumRef("CredentialType")}
	}
	switch t {
	case reflect.TypeFor[pulumi.StringOutput]():
		return str
	case reflect.TypeFor[pulumi.StringMapOutput]():
		return &property{Type: "object", AdditionalProperties: str}
	case reflect.TypeFor[pulumi.IntMapOutput]():
		return &property{Type: "object", AdditionalProperties: &property{Type: "integer"}}
	case reflect.TypeFor[pulumi.StringMapMapOutput]():
		return &property{Type: "object", AdditionalProperties: &property{Type: "object", AdditionalProperties: str}}
	}
	return nil
}

// describe is a field's schema description: its meaning, then its default.
func describe(f multiorg.ConfigField) string {
	text := plain(f.Meaning)
	switch f.Default {
	case "", "none", "required":
	default:
		text += " Default: " + f.Default + "."
	}
	return text
}

// guideLink is a link to a guide of docs/, or to a section of one.
var guideLink = regexp.MustCompile(`\[([^\]]+)\]\((?:#|[\w-]+\.md)[^)]*\)`)

// plain drops the links to the guides, which mean nothing in an SDK's
// documentation, and keeps their text.
func plain(markdown string) string { return guideLink.ReplaceAllString(markdown, "$1") }
