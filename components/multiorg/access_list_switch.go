package multiorg

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// stashType is the type token of pulumi.Stash.
const stashType = "pulumi:index:Stash"

// accessListSwitchTimeout bounds one switch: a token and a PATCH, each
// retried a few times on 429 and 5xx answers.
const accessListSwitchTimeout = 2 * time.Minute

// needsAccessListSwitch says whether a created organization's
// apiAccessListRequired goes through its switch rather than through the
// Organization. The provider turns the setting on with the organization's
// own credential and at once reads the organization with it; the access
// list entries are separate resources, created only once the organization
// exists, so in the run that creates them that read would come from an
// address on no list, and the organization would lock the run out. The
// switch sets it once the entries exist, in the same run. An organization
// keeps its switch once it had one, so that taking the list away can switch
// the setting off first; it goes with the organization.
func (m *MultiOrg) needsAccessListSwitch(plan orgPlan) bool {
	if plan.importID != "" {
		return false
	}
	return len(plan.accessList) > 0 || (m.previous != nil && m.previous.AccessListSwitches[plan.key])
}

// registerAccessListSwitch registers the organization's switch: a stash of
// the value to set (required), which the switch hook sets in Atlas with the
// organization's own credential before the stash is created or updated. It
// depends on the access list entries, so the engine sets the value after
// they exist, and it holds the organization's other settings, so that an
// update of the Organization, which sends its own apiAccessListRequired
// along with them, is followed by the switch setting it again.
func (m *MultiOrg) registerAccessListSwitch(org *Org, plan orgPlan, required bool, entries []pulumi.Resource) error {
	hook, err := m.accessListHook()
	if err != nil {
		return err
	}
	m.awaitCredential(org)
	input := pulumi.Map{
		"orgId":                 org.Resource.OrgId,
		"apiAccessListRequired": pulumi.Bool(required),
		"otherSettings":         m.switchWords(plan, required),
	}
	if m.baseURL != nil {
		input["baseUrl"] = m.baseURL
	}
	stash, err := pulumi.NewStash(m.ctx, AccessListSwitchName(m.name, org.Key), &pulumi.StashArgs{Input: input},
		pulumi.Parent(m), pulumi.DependsOn(append([]pulumi.Resource{org.Resource}, entries...)), pulumi.DeletedWith(org.Resource),
		pulumi.ResourceHooks(&pulumi.ResourceHookBinding{BeforeCreate: []*pulumi.ResourceHook{hook}, BeforeUpdate: []*pulumi.ResourceHook{hook}}))
	if err != nil {
		return fmt.Errorf("registering the apiAccessListRequired switch: %w", err)
	}
	org.track(stash)
	return nil
}

// setBackWord begins the word of the switch's otherSettings that counts the
// runs that set apiAccessListRequired back after a change made in Atlas:
// setBack=<count>:<the value Atlas had>.
const setBackWord = "setBack="

// switchWords is the switch's otherSettings. The Organization ignores
// apiAccessListRequired and the switch is a Stash, which no refresh reads,
// so a change of it made in Atlas would go unseen: once the switch has set
// the value the code states, each run reads Atlas' value with the
// organization's last credential, and when it differs, counts one more
// set-back in these words. The switch's input changes, so the preview
// shows it (status reports it as the changed field) and the update's hook
// sets the value again, after the access list entries, as on creation.
// The count stays as it is while Atlas agrees, so the next run previews no
// changes; a stack that never had one has no such word, as before.
func (m *MultiOrg) switchWords(plan orgPlan, required bool) pulumi.StringInput {
	settings := otherSettings(plan.settings)
	withCount := func(n int, inAtlas bool) string {
		if n == 0 {
			return settings
		}
		return strings.TrimSpace(fmt.Sprintf("%s %s%d:%t", settings, setBackWord, n, inAtlas))
	}
	if m.previous == nil || m.previous.Credentials == nil {
		return pulumi.String(settings)
	}
	last, switched := m.previous.AccessListSwitched[plan.key]
	orgID := m.previous.Managed[plan.key]
	if !switched || last.Required != required || orgID == "" {
		return pulumi.String(withCount(last.SetBack, last.SetBackFrom))
	}
	key := plan.key
	words := withCount(last.SetBack, last.SetBackFrom)
	return pulumi.Unsecret(m.previous.Credentials.ToStringMapMapOutput().ApplyT(func(credentials map[string]map[string]string) string {
		inAtlas, err := m.readAccessListRequired(orgID, credentials[key], last.BaseURL)
		if err != nil {
			// Unread, it is left as the last run left it: the run goes on,
			// and the next one reads again.
			_ = m.ctx.Log.Warn(fmt.Sprintf("organization %q: reading apiAccessListRequired in Atlas: %v", key, err), nil)
			return words
		}
		if inAtlas == required {
			return words
		}
		return withCount(last.SetBack+1, inAtlas)
	})).(pulumi.StringOutput)
}

// readAccessListRequired reads an organization's apiAccessListRequired in
// Atlas with its credential, from the Admin API its switch last called.
func (m *MultiOrg) readAccessListRequired(orgID string, fields map[string]string, baseURL string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), accessListSwitchTimeout)
	defer cancel()
	credential := atlasapi.Credentials{ClientID: fields["clientId"], ClientSecret: fields["clientSecret"],
		PublicKey: fields["publicKey"], PrivateKey: fields["privateKey"]}
	api, err := atlasapi.Resolve(atlasapi.ProviderConfig{Where: "the organization's provider", BaseURL: baseURL, Credentials: credential}, os.Getenv)
	if err != nil {
		return false, err
	}
	client, err := atlasapi.New(ctx, api.BaseURL, api.Credentials)
	if err != nil {
		return false, err
	}
	settings, err := client.OrganizationSettings(ctx, orgID)
	if err != nil {
		return false, err
	}
	return settings.APIAccessListRequired, nil
}

// AccessListSetBack reads the set-back word of a switch's otherSettings:
// how many runs set apiAccessListRequired back, and the value Atlas had the
// last time; ok is false when it has none.
func AccessListSetBack(words string) (count int, inAtlas bool, ok bool) {
	for _, word := range strings.Fields(words) {
		rest, found := strings.CutPrefix(word, setBackWord)
		if !found {
			continue
		}
		n, value, _ := strings.Cut(rest, ":")
		count, err := strconv.Atoi(n)
		if err != nil {
			return 0, false, false
		}
		inAtlas, err := strconv.ParseBool(value)
		return count, inAtlas, err == nil
	}
	return 0, false, false
}

// awaitedCredential is an organization's provider credential, once the
// program has it.
type awaitedCredential struct {
	ready      chan struct{}
	credential atlasapi.Credentials
}

// awaitCredential makes the organization's provider credential available
// to the switch hook once it resolves. The hook signs in with what the
// organization's own provider signs in with (with rotation, the newest
// secret still valid when the run started); it is not in the switch's
// input, so neither the state holds another copy of it nor does a rotation
// change the switch.
func (m *MultiOrg) awaitCredential(org *Org) {
	awaited := &awaitedCredential{ready: make(chan struct{})}
	m.mu.Lock()
	if m.switchCredentials == nil {
		m.switchCredentials = map[string]*awaitedCredential{}
	}
	m.switchCredentials[org.Key] = awaited
	m.mu.Unlock()
	org.providerCredential.ToStringMapOutput().ApplyT(func(c map[string]string) int {
		awaited.credential = atlasapi.Credentials{ClientID: c["clientId"], ClientSecret: c["clientSecret"],
			PublicKey: c["publicKey"], PrivateKey: c["privateKey"]}
		close(awaited.ready)
		return 0
	})
}

// credentialFor waits for the organization's provider credential.
func (m *MultiOrg) credentialFor(ctx context.Context, key string) (atlasapi.Credentials, error) {
	m.mu.Lock()
	awaited, ok := m.switchCredentials[key]
	m.mu.Unlock()
	if !ok {
		return atlasapi.Credentials{}, fmt.Errorf("the program registered no apiAccessListRequired switch for it")
	}
	select {
	case <-awaited.ready:
		return awaited.credential, nil
	case <-ctx.Done():
		return atlasapi.Credentials{}, fmt.Errorf("waiting for its credential: %w", ctx.Err())
	}
}

// otherSettings are the settings the provider sends in the same PATCH as
// apiAccessListRequired when it updates the Organization (the other fields
// of PATCH /orgs/{orgId}/settings), as "name=value" words in orgSettings'
// order. skipDefaultAlertsSettings is not among them: the provider changes it
// with PATCH /orgs/{orgId}, which leaves apiAccessListRequired alone, so a
// change of it needs no switch run after it. Nor are the PluginSettings:
// the plugin PATCHes only the fields it sets, never apiAccessListRequired.
func otherSettings(s Settings) string {
	var words []string
	for _, st := range orgSettings {
		if st.apiRequest == settingsPatch && st.setBy == byOrganization {
			words = append(words, st.name+"="+st.value.shown(s))
		}
	}
	return strings.Join(words, " ")
}

// accessListHook registers the switch hook on first use, once per
// component. Hooks run in the program, not in previews.
func (m *MultiOrg) accessListHook() (*pulumi.ResourceHook, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.switchHook != nil {
		return m.switchHook, nil
	}
	hook, err := m.ctx.RegisterResourceHook(switchHookName(m.name), m.switchAccessList, nil)
	if err != nil {
		return nil, err
	}
	m.switchHook = hook
	return hook, nil
}

// switchAccessList sets apiAccessListRequired as the switch's new input
// says. A failure fails the stash's create or update, so the next run tries
// again.
func (m *MultiOrg) switchAccessList(args *pulumi.ResourceHookArgs) error {
	child, _ := ParseChildName(m.name, stashType, args.Name, nil)
	key := child.OrgKey
	sw, err := decodeSwitch(args.NewInputs)
	if err != nil {
		return fmt.Errorf("organization %q: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), accessListSwitchTimeout)
	defer cancel()
	credential, err := m.credentialFor(ctx, key)
	if err != nil {
		return fmt.Errorf("organization %q: switching apiAccessListRequired: %w", key, err)
	}
	// The organization's own provider holds its credential in its config, so
	// it calls the Admin API its config names, else Atlas.
	api, err := atlasapi.Resolve(atlasapi.ProviderConfig{Where: "the organization's provider", BaseURL: sw.baseURL, Credentials: credential}, os.Getenv)
	if err != nil {
		return fmt.Errorf("organization %q: switching apiAccessListRequired: %w", key, err)
	}
	client, err := atlasapi.New(ctx, api.BaseURL, api.Credentials)
	if err != nil {
		return fmt.Errorf("organization %q: switching apiAccessListRequired: %w", key, err)
	}
	if err := client.SetAPIAccessListRequired(ctx, sw.orgID, sw.required); err != nil {
		return fmt.Errorf("organization %q: %w", key, err)
	}
	return nil
}

// accessListSwitch is a switch's input, decoded.
type accessListSwitch struct {
	orgID, baseURL string
	required       bool
}

func decodeSwitch(inputs resource.PropertyMap) (accessListSwitch, error) {
	plain := func(v resource.PropertyValue) resource.PropertyValue {
		for v.IsSecret() {
			v = v.SecretValue().Element
		}
		return v
	}
	str := func(m resource.PropertyMap, k string) string {
		if v := plain(m[resource.PropertyKey(k)]); v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	in := plain(inputs["input"])
	if !in.IsObject() {
		return accessListSwitch{}, fmt.Errorf("the apiAccessListRequired switch has no input object")
	}
	obj := in.ObjectValue()
	sw := accessListSwitch{orgID: str(obj, "orgId"), baseURL: str(obj, "baseUrl")}
	if v := plain(obj["apiAccessListRequired"]); v.IsBool() {
		sw.required = v.BoolValue()
	}
	if sw.orgID == "" {
		return accessListSwitch{}, fmt.Errorf("the apiAccessListRequired switch has no organization ID")
	}
	return sw, nil
}
