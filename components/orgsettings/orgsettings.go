// Package orgsettings is the OrganizationSettings resource: the settings of
// an organization that provider 4.14.0 cannot express (session timeouts,
// the secret-validity cap, the operations contact, cross-project stream
// connections, delegated access), which the package's own plugin serves
// (docs/component-package.md, "The OrganizationSettings resource"). Its
// lifecycle is here as plain functions over the engine's property maps; the
// plugin's gRPC methods call them.
//
// Only the settings an input states are managed; the others keep what Atlas
// has. The outputs are the managed settings as Atlas last answered them,
// never the credential.
package orgsettings

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"os"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// Type is the resource's type token.
const Type = "atlas-multiorg:index:OrganizationSettings"

// Inputs besides the settings.
const (
	OrgID           = "orgId"
	BaseURL         = "baseUrl"
	ClientID        = "clientId"
	ClientSecret    = "clientSecret"
	PublicKey       = "publicKey"
	PrivateKey      = "privateKey"
	ReleaseOnDelete = "releaseOnDelete"
)

// credentialInputs are the inputs that sign in: secrets, never an output.
var credentialInputs = []resource.PropertyKey{ClientID, ClientSecret, PublicKey, PrivateKey}

var hexID = regexp.MustCompile(`^[a-f0-9]{24}$`)

// endpoint is the Admin API resource a setting belongs to.
type endpoint int

const (
	settingsEndpoint   endpoint = iota // PATCH /orgs/{orgId}/settings
	delegationEndpoint                 // PATCH /orgs/{orgId}/delegationSettings
)

// kind is a setting's type.
type kind int

const (
	integer kind = iota
	text
	boolean
)

// setting is one setting the resource manages, named as the Admin API names
// it (the session timeouts without their customSessionTimeouts object).
type setting struct {
	name     string
	endpoint endpoint
	kind     kind
	// min and max bound an integer.
	min, max float64
	// values are a text's allowed values; none: any address, when email.
	values []string
	email  bool
	// atlasDefault is what Atlas answers for it once reset (null: nothing).
	atlasDefault resource.PropertyValue
	// meaning says what it does, for the schema and the SDKs.
	meaning string
	// observe reads it from Atlas' answers.
	observe func(atlasapi.PluginSettings, atlasapi.DelegationSettings) resource.PropertyValue
}

// The bounds the Admin API specification gives.
const (
	minAbsoluteTimeout    = 3600
	maxAbsoluteTimeout    = 43200
	minIdleTimeout        = 300
	maxRefreshTokenSecond = 31536000
)

var settings = []setting{
	{name: "absoluteSessionTimeoutInSeconds", kind: integer, meaning: "How long a session of the organization's people lasts at most, 3,600 to 43,200 seconds; Atlas' default is 43,200 (12 hours). A person in several organizations gets the shortest.", min: minAbsoluteTimeout, max: maxAbsoluteTimeout, atlasDefault: resource.NewNullProperty(),
		observe: func(s atlasapi.PluginSettings, _ atlasapi.DelegationSettings) resource.PropertyValue {
			if s.CustomSessionTimeouts == nil {
				return resource.NewNullProperty()
			}
			return intValue(s.CustomSessionTimeouts.AbsoluteSessionTimeoutInSeconds)
		}},
	{name: "idleSessionTimeoutInSeconds", kind: integer, meaning: "How long a session may stay idle, at least 300 seconds and at most the absolute timeout; Atlas' default is none. A person in several organizations gets the shortest.", min: minIdleTimeout, max: maxAbsoluteTimeout, atlasDefault: resource.NewNullProperty(),
		observe: func(s atlasapi.PluginSettings, _ atlasapi.DelegationSettings) resource.PropertyValue {
			if s.CustomSessionTimeouts == nil {
				return resource.NewNullProperty()
			}
			return intValue(s.CustomSessionTimeouts.IdleSessionTimeoutInSeconds)
		}},
	{name: "maxServiceAccountSecretValidityInHours", kind: integer, meaning: "How long a new service account secret of the organization may live at most, 8 to 8,760 hours; Atlas' default is no cap of the organization's own.", min: 8, max: 8760, atlasDefault: resource.NewNullProperty(),
		observe: func(s atlasapi.PluginSettings, _ atlasapi.DelegationSettings) resource.PropertyValue {
			return intValue(s.MaxServiceAccountSecretValidityInHours)
		}},
	{name: "operationsContact", kind: text, meaning: "The address that gets Atlas' notifications about the organization's infrastructure; Atlas' default is none.", email: true, atlasDefault: resource.NewNullProperty(),
		observe: func(s atlasapi.PluginSettings, _ atlasapi.DelegationSettings) resource.PropertyValue {
			if s.OperationsContact == nil {
				return resource.NewNullProperty()
			}
			return resource.NewStringProperty(*s.OperationsContact)
		}},
	{name: "streamsCrossGroupEnabled", kind: boolean, meaning: "Whether a project's Atlas Stream Processing workspaces may connect to other projects' clusters of the organization; Atlas' default is false.", atlasDefault: resource.NewBoolProperty(false),
		observe: func(s atlasapi.PluginSettings, _ atlasapi.DelegationSettings) resource.PropertyValue {
			return resource.NewBoolProperty(s.StreamsCrossGroupEnabled != nil && *s.StreamsCrossGroupEnabled)
		}},
	{name: "delegatedMcpAccess", endpoint: delegationEndpoint, meaning: "What MCP (Model Context Protocol) delegated access the organization allows: DISALLOWED (Atlas' default), READ_ONLY or READ_WRITE.", kind: text, values: []string{"DISALLOWED", "READ_ONLY", "READ_WRITE"},
		atlasDefault: resource.NewStringProperty("DISALLOWED"),
		observe: func(_ atlasapi.PluginSettings, d atlasapi.DelegationSettings) resource.PropertyValue {
			return resource.NewStringProperty(d.DelegatedMcpAccess)
		}},
	{name: "delegatedPartnerAccess", endpoint: delegationEndpoint, meaning: "Whether the organization allows partner delegated access: DISALLOWED (Atlas' default) or READ_WRITE.", kind: text, values: []string{"DISALLOWED", "READ_WRITE"},
		atlasDefault: resource.NewStringProperty("DISALLOWED"),
		observe: func(_ atlasapi.PluginSettings, d atlasapi.DelegationSettings) resource.PropertyValue {
			return resource.NewStringProperty(d.DelegatedPartnerAccess)
		}},
	{name: "idleRefreshTokenLifetime", endpoint: delegationEndpoint, meaning: "How long a delegated refresh token may stay idle, 1 to 31,536,000 seconds; Atlas' default applies when not stated.", kind: integer, min: 1, max: maxRefreshTokenSecond, atlasDefault: resource.NewNullProperty(),
		observe: func(_ atlasapi.PluginSettings, d atlasapi.DelegationSettings) resource.PropertyValue {
			return int64Value(d.IdleRefreshTokenLifetime)
		}},
	{name: "maximumRefreshTokenLifetime", endpoint: delegationEndpoint, meaning: "How long a delegated refresh token lives at most, 1 to 31,536,000 seconds; Atlas' default applies when not stated.", kind: integer, min: 1, max: maxRefreshTokenSecond, atlasDefault: resource.NewNullProperty(),
		observe: func(_ atlasapi.PluginSettings, d atlasapi.DelegationSettings) resource.PropertyValue {
			return int64Value(d.MaximumRefreshTokenLifetime)
		}},
}

// sessionTimeouts are the settings Atlas nests in customSessionTimeouts.
var sessionTimeouts = []string{"absoluteSessionTimeoutInSeconds", "idleSessionTimeoutInSeconds"}

func intValue(v *int) resource.PropertyValue {
	if v == nil {
		return resource.NewNullProperty()
	}
	return resource.NewNumberProperty(float64(*v))
}

func int64Value(v *int64) resource.PropertyValue {
	if v == nil {
		return resource.NewNullProperty()
	}
	return resource.NewNumberProperty(float64(*v))
}

// Failure is a refused input: its property path and why.
type Failure struct {
	Property, Reason string
}

// Check refuses what Atlas would refuse, every problem at once, each with
// its input's name. Values not known yet (a new organization's ID in a
// preview) are not checked.
func Check(news resource.PropertyMap) []Failure {
	var failures []Failure
	if v, ok := news[OrgID]; !ok || known(v) && (!plain(v).IsString() || !hexID.MatchString(plain(v).StringValue())) {
		failures = append(failures, Failure{OrgID, "must be the organization's 24-hexadecimal-digit ID"})
	}
	for _, pair := range [][2]resource.PropertyKey{{ClientID, ClientSecret}, {PublicKey, PrivateKey}} {
		_, first := news[pair[0]]
		_, second := news[pair[1]]
		if first != second {
			failures = append(failures, Failure{string(pair[0]), fmt.Sprintf("%s and %s go together: give both or neither", pair[0], pair[1])})
		}
	}
	for _, s := range settings {
		v, ok := news[resource.PropertyKey(s.name)]
		if !ok || !known(v) {
			continue
		}
		if reason := s.refuse(plain(v)); reason != "" {
			failures = append(failures, Failure{s.name, reason})
		}
	}
	absolute, idle := news["absoluteSessionTimeoutInSeconds"], news["idleSessionTimeoutInSeconds"]
	if known(absolute) && known(idle) && plain(absolute).IsNumber() && plain(idle).IsNumber() && plain(idle).NumberValue() > plain(absolute).NumberValue() {
		failures = append(failures, Failure{"idleSessionTimeoutInSeconds", fmt.Sprintf("%d seconds is longer than absoluteSessionTimeoutInSeconds, %d: a session cannot idle longer than it lasts",
			int64(plain(idle).NumberValue()), int64(plain(absolute).NumberValue()))})
	}
	return failures
}

// refuse says why Atlas would refuse v for the setting; "" when it would not.
func (s setting) refuse(v resource.PropertyValue) string {
	switch s.kind {
	case integer:
		if !v.IsNumber() || v.NumberValue() != float64(int64(v.NumberValue())) {
			return "must be a whole number"
		}
		if n := v.NumberValue(); n < s.min || n > s.max {
			return fmt.Sprintf("%d is not between %d and %d", int64(n), int64(s.min), int64(s.max))
		}
	case boolean:
		if !v.IsBool() {
			return "must be true or false"
		}
	case text:
		if !v.IsString() {
			return "must be a string"
		}
		if s.email {
			if a, err := mail.ParseAddress(v.StringValue()); err != nil || a.Address != v.StringValue() {
				return fmt.Sprintf("%q is not an email address", v.StringValue())
			}
		}
		if len(s.values) > 0 && !slices.Contains(s.values, v.StringValue()) {
			return fmt.Sprintf("%q is not one of %v", v.StringValue(), s.values)
		}
	}
	return ""
}

// DiffResult is what a Diff found.
type DiffResult struct {
	// Changed are the inputs whose change the engine shows, each an update.
	Changed []string
	// Replace is set when the organization itself changes.
	Replace bool
}

// Diff compares the code's inputs (news) with what Atlas had when last read
// (olds, the outputs): a managed setting whose value differs, one the code
// no longer states that a created organization must set back to Atlas'
// default, another organization, or another releaseOnDelete. A rotated
// credential or another base URL changes nothing in Atlas.
func Diff(olds, news resource.PropertyMap) DiffResult {
	var result DiffResult
	if oldID, newID := olds[OrgID], news[OrgID]; !known(newID) || !plain(oldID).DeepEquals(plain(newID)) {
		result.Replace = true
		result.Changed = append(result.Changed, OrgID)
	}
	release := releases(news)
	for _, s := range settings {
		key := resource.PropertyKey(s.name)
		newV, stated := news[key]
		oldV, managed := olds[key]
		switch {
		case stated && (!known(newV) || !plain(oldV).DeepEquals(plain(newV))):
			result.Changed = append(result.Changed, s.name)
		case !stated && managed && !release && !plain(oldV).DeepEquals(s.atlasDefault):
			result.Changed = append(result.Changed, s.name)
		}
	}
	if releases(olds) != release {
		result.Changed = append(result.Changed, ReleaseOnDelete)
	}
	return result
}

// Preview is what Create answers in a preview: the stated settings as the
// code states them, with no call.
func Preview(news resource.PropertyMap) resource.PropertyMap {
	return outputs(news, managedIn(news), nil)
}

// Create sets the stated settings and returns the organization's ID, which
// is the resource's, and the outputs.
func Create(ctx context.Context, news resource.PropertyMap) (string, resource.PropertyMap, error) {
	c, orgID, err := client(ctx, news)
	if err != nil {
		return "", nil, err
	}
	changes := map[string]resource.PropertyValue{}
	for _, name := range managedIn(news) {
		changes[name] = plain(news[resource.PropertyKey(name)])
	}
	observed, err := apply(ctx, c, orgID, changes, news)
	if err != nil {
		return "", nil, err
	}
	return orgID, outputs(news, managedIn(news), observed), nil
}

// Update sets what Diff found changed: the stated settings that differ from
// Atlas', and, for a created organization, those the code no longer states
// back to Atlas' defaults.
func Update(ctx context.Context, olds, news resource.PropertyMap) (resource.PropertyMap, error) {
	c, orgID, err := client(ctx, news)
	if err != nil {
		return nil, err
	}
	changes := map[string]resource.PropertyValue{}
	for _, name := range Diff(olds, news).Changed {
		switch v, stated := news[resource.PropertyKey(name)]; {
		case name == OrgID || name == ReleaseOnDelete:
		case stated:
			changes[name] = plain(v)
		default:
			changes[name] = resource.NewNullProperty()
		}
	}
	observed, err := apply(ctx, c, orgID, changes, news)
	if err != nil {
		return nil, err
	}
	return outputs(news, managedIn(news), observed), nil
}

// Delete sets a created organization's managed settings back to Atlas'
// defaults; an adopted organization's (releaseOnDelete) are released as
// they are. An organization Atlas no longer has has no settings to set.
func Delete(ctx context.Context, oldInputs, olds resource.PropertyMap) error {
	if releases(olds) {
		return nil
	}
	c, orgID, err := client(ctx, withCredential(olds, oldInputs))
	if err != nil {
		return err
	}
	changes := map[string]resource.PropertyValue{}
	for _, name := range managedIn(olds) {
		changes[name] = resource.NewNullProperty()
	}
	if _, err := apply(ctx, c, orgID, changes, nil); err != nil && !atlasapi.IsNotFound(err) {
		return err
	}
	return nil
}

// Read reads the managed settings from Atlas. On a refresh they are those
// of the last outputs, and the inputs stay the code's; on an import (no
// inputs) they are every setting Atlas has away from its default, and they
// are the inputs too. It returns nil outputs for an organization Atlas no
// longer has.
func Read(ctx context.Context, id string, inputs, olds resource.PropertyMap) (newInputs, newOutputs resource.PropertyMap, err error) {
	given := withCredential(inputs, nil)
	if _, ok := given[OrgID]; !ok {
		given[OrgID] = resource.NewStringProperty(id)
	}
	c, orgID, err := client(ctx, given)
	if err != nil {
		return nil, nil, err
	}
	observed, err := observe(ctx, c, orgID)
	if atlasapi.IsNotFound(err) {
		return nil, nil, nil
	}
	if len(inputs) > 0 && atlasapi.IsRefused(err) {
		// A refresh reads with the credential in the state. When Atlas no
		// longer has it (deleted or expired outside the code), the run that
		// takes over the organization's new service account (its inputs
		// carry that one) must not fail here: the settings stay as last read,
		// the update that follows reads and sets them with the new
		// credential, and status reports the refused credential itself.
		return inputs, olds, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if len(inputs) > 0 {
		return inputs, outputs(olds, managedIn(olds), observed), nil
	}
	imported := resource.PropertyMap{OrgID: resource.NewStringProperty(orgID)}
	for _, s := range settings {
		if v := observed[s.name]; !v.DeepEquals(s.atlasDefault) {
			imported[resource.PropertyKey(s.name)] = v
		}
	}
	return imported, outputs(imported, managedIn(imported), observed), nil
}

// patches are the bodies of the two PATCHes that make changes (null:
// Atlas' default). The session timeouts go together in
// customSessionTimeouts: when one changes, the other stated one (news) is
// sent with it, so that the object Atlas gets is whole whether it merges
// it or replaces it.
func patches(changes map[string]resource.PropertyValue, news resource.PropertyMap) (settingsPatch, delegationPatch map[string]any) {
	settingsPatch, delegationPatch = map[string]any{}, map[string]any{}
	timeouts := map[string]any{}
	for _, s := range settings {
		v, ok := changes[s.name]
		if !ok {
			continue
		}
		switch {
		case slices.Contains(sessionTimeouts, s.name):
			timeouts[s.name] = v.Mappable()
		case s.endpoint == settingsEndpoint:
			settingsPatch[s.name] = v.Mappable()
		default:
			delegationPatch[s.name] = v.Mappable()
		}
	}
	if len(timeouts) > 0 {
		for _, name := range sessionTimeouts {
			if _, changed := timeouts[name]; !changed {
				if v, stated := news[resource.PropertyKey(name)]; stated {
					timeouts[name] = plain(v).Mappable()
				}
			}
		}
		settingsPatch["customSessionTimeouts"] = timeouts
	}
	return settingsPatch, delegationPatch
}

// apply PATCHes changes, each endpoint only when it has one, then reads
// every setting back.
func apply(ctx context.Context, c *atlasapi.Client, orgID string, changes map[string]resource.PropertyValue, news resource.PropertyMap) (map[string]resource.PropertyValue, error) {
	settingsPatch, delegationPatch := patches(changes, news)
	if len(settingsPatch) > 0 {
		if _, err := c.UpdateOrganizationPluginSettings(ctx, orgID, settingsPatch); err != nil {
			return nil, err
		}
	}
	if len(delegationPatch) > 0 {
		if _, err := c.UpdateDelegationSettings(ctx, orgID, delegationPatch); err != nil {
			return nil, err
		}
	}
	return observe(ctx, c, orgID)
}

// observe reads every setting the resource can manage, by name.
func observe(ctx context.Context, c *atlasapi.Client, orgID string) (map[string]resource.PropertyValue, error) {
	s, err := c.OrganizationPluginSettings(ctx, orgID)
	if err != nil {
		return nil, err
	}
	d, err := c.DelegationSettings(ctx, orgID)
	if err != nil {
		return nil, err
	}
	observed := map[string]resource.PropertyValue{}
	for _, st := range settings {
		observed[st.name] = st.observe(s, d)
	}
	return observed, nil
}

// outputs are the organization, releaseOnDelete and the managed settings:
// as Atlas answered them (observed), or as from states them when nothing was
// observed (a preview). Never the credential.
func outputs(from resource.PropertyMap, managed []string, observed map[string]resource.PropertyValue) resource.PropertyMap {
	out := resource.PropertyMap{OrgID: from[OrgID], ReleaseOnDelete: resource.NewBoolProperty(releases(from))}
	if v, ok := from[BaseURL]; ok {
		out[BaseURL] = v
	}
	for _, name := range managed {
		key := resource.PropertyKey(name)
		out[key] = from[key]
		if observed != nil {
			out[key] = observed[name]
		}
	}
	return out
}

// managedIn are the settings props states, in the table's order.
func managedIn(props resource.PropertyMap) []string {
	var names []string
	for _, s := range settings {
		if _, ok := props[resource.PropertyKey(s.name)]; ok {
			names = append(names, s.name)
		}
	}
	return names
}

func releases(props resource.PropertyMap) bool {
	v := plain(props[ReleaseOnDelete])
	return v.IsBool() && v.BoolValue()
}

// withCredential is props with the credential and base URL of from added
// (a delete has the outputs, which hold no credential, and the last inputs).
func withCredential(props, from resource.PropertyMap) resource.PropertyMap {
	merged := maps.Clone(props)
	if merged == nil {
		merged = resource.PropertyMap{}
	}
	for _, key := range append([]resource.PropertyKey{BaseURL}, credentialInputs...) {
		if v, ok := from[key]; ok {
			merged[key] = v
		}
	}
	return merged
}

// client signs in with the credential props give; without one, with the
// caller's, resolved as the provider resolves it from the environment (an
// import has no inputs yet).
func client(ctx context.Context, props resource.PropertyMap) (*atlasapi.Client, string, error) {
	text := func(key resource.PropertyKey) string {
		if v := plain(props[key]); v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	orgID := text(OrgID)
	if orgID == "" {
		return nil, "", errors.New("the organization's ID is not known")
	}
	creds := atlasapi.Credentials{ClientID: text(ClientID), ClientSecret: text(ClientSecret), PublicKey: text(PublicKey), PrivateKey: text(PrivateKey)}
	baseURL := text(BaseURL)
	if creds == (atlasapi.Credentials{}) {
		resolved, err := atlasapi.Resolve(atlasapi.ProviderConfig{Where: "the plugin's environment"}, os.Getenv)
		if err != nil {
			return nil, "", fmt.Errorf("organization %s: %w", orgID, err)
		}
		creds = resolved.Credentials
		if baseURL == "" {
			baseURL = resolved.BaseURL
		}
	}
	if baseURL == "" {
		baseURL = atlasapi.DefaultBaseURL
	}
	c, err := atlasapi.New(ctx, baseURL, creds)
	if err != nil {
		return nil, "", fmt.Errorf("organization %s: %w", orgID, err)
	}
	return c, orgID, nil
}

// known is false for a value the engine does not know yet.
func known(v resource.PropertyValue) bool {
	switch {
	case v.IsComputed():
		return false
	case v.IsOutput():
		return v.OutputValue().Known && known(v.OutputValue().Element)
	case v.IsSecret():
		return known(v.SecretValue().Element)
	}
	return true
}

// plain strips secrets and known outputs, down to the value.
func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	}
	return v
}

// Property is one property of the resource, for its schema.
type Property struct {
	Name string
	// Type is the schema's: integer, string or boolean.
	Type    string
	Meaning string
	// Input and Output say where it is; Secret and Required apply to inputs.
	Input, Output, Secret, Required bool
}

// Properties are the resource's inputs and outputs, the settings in the
// table's order after the organization and its credential.
func Properties() []Property {
	props := []Property{
		{Name: OrgID, Type: "string", Meaning: "The Atlas organization's ID; another one replaces the resource.", Input: true, Output: true, Required: true},
		{Name: BaseURL, Type: "string", Meaning: "The Admin API's base URL; Atlas itself when not stated.", Input: true, Output: true},
		{Name: ClientID, Type: "string", Meaning: "The client ID of the service account that acts in the organization, a secret.", Input: true, Secret: true},
		{Name: ClientSecret, Type: "string", Meaning: "That service account's secret, a secret, never an output; a rotated one changes nothing in Atlas.", Input: true, Secret: true},
		{Name: PublicKey, Type: "string", Meaning: "The public key of the API key that acts in the organization, a secret; instead of a service account.", Input: true, Secret: true},
		{Name: PrivateKey, Type: "string", Meaning: "That API key's private key, a secret, never an output.", Input: true, Secret: true},
		{Name: ReleaseOnDelete, Type: "boolean", Meaning: "Leave the settings as they are when the resource is deleted or stops stating one (an adopted organization's); " +
			"otherwise they go back to Atlas' defaults.", Input: true, Output: true},
	}
	types := map[kind]string{integer: "integer", text: "string", boolean: "boolean"}
	for _, s := range settings {
		props = append(props, Property{Name: s.name, Type: types[s.kind], Meaning: s.meaning + " Never stated, it is not managed: Atlas' value stays.", Input: true, Output: true})
	}
	return props
}
