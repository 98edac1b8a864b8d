package multiorg

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// replacementGuard is the before-create hook of every organization the
// component creates. It refuses a replacement, and a twin (twins.go). Atlas cannot change an organization's owner or first
// credential, so any plan that replaces an Organization deletes an existing
// organization, with everything in it, and makes a new one. The engine
// creates the replacement first, so failing that create stops the run before
// anything is deleted. A create is a replacement when the stack's state
// already holds the organization.
func (m *MultiOrg) replacementGuard(args *pulumi.ResourceHookArgs) error {
	key, ok := strings.CutPrefix(args.Name, m.name+"-")
	if !ok {
		return nil
	}
	orgID := m.managed(key)
	if orgID == "" {
		name, _ := args.NewInputs["name"].V.(string)
		return m.twinCheck(key, name)
	}
	return fmt.Errorf("organization %q (orgId %s) exists, and this run would create it again: that replaces it, "+
		"and Atlas deletes the organization with everything in it. It was neither created again nor deleted. "+
		"No change of config replaces an organization (creation-only fields are ignored after creation), so this comes "+
		"from `pulumi up --replace` or a replace of something it depends on: run without it. To start the organization "+
		"over on purpose, remove its entry and run `pulumi up` (that deletes it), then add the entry again", key, orgID)
}

// registerGuard registers the replacement guard once per component. It runs
// in previews too, so that `pulumi preview` already fails.
func (m *MultiOrg) registerGuard() (*pulumi.ResourceHook, error) {
	return m.ctx.RegisterResourceHook(m.name+"-no-organization-replacement", m.replacementGuard,
		&pulumi.ResourceHookOptions{OnDryRun: true})
}
