package multiorg

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// replacementGuard is the before-create hook of every organization the
// component creates. It refuses a replacement, a twin (twins.go), and the
// creation again of an organization deleted in Atlas outside the code, which
// it tells from a replacement by asking Atlas (gone.go). Atlas cannot change
// an organization's owner or first
// credential, so any plan that replaces an Organization deletes an existing
// organization, with everything in it, and makes a new one. The engine
// creates the replacement first, so failing that create stops the run before
// anything is deleted. A create is a replacement when the stack's state
// already holds the organization.
func (m *MultiOrg) replacementGuard(args *pulumi.ResourceHookArgs) error {
	child, ok := ParseChildName(m.name, mongodbatlas.OrganizationType, args.Name, nil)
	if !ok {
		return nil
	}
	key := child.OrgKey
	orgID := m.managed(key)
	name, _ := args.NewInputs["name"].V.(string)
	m.mu.Lock()
	protected := m.protected[key]
	m.mu.Unlock()
	if orgID == "" {
		if left := m.leftovers(key); len(left) > 0 {
			// A refresh of a failed run dropped the organization from the
			// state, Atlas having deleted it, and kept what was inside it.
			return fmt.Errorf("%s. Nothing was created", DeletedOrgRecovery(m.stack, left, key, name, protected))
		}
		return m.twinCheck(key, name)
	}
	if m.deletedInAtlas(orgID) {
		return fmt.Errorf("%s. Nothing was created", DeletedOrgRecovery(m.stack, append([]string{string(args.URN)}, m.leftovers(key)...), key, name, protected))
	}
	return fmt.Errorf("organization %q (orgId %s) exists, and this run would create it again: that replaces it, "+
		"and Atlas deletes the organization with everything in it. It was neither created again nor deleted. "+
		"No change of config replaces an organization (creation-only fields are ignored after creation), so this comes "+
		"from `pulumi up --replace` or a replace of something it depends on: run without it. To start the organization "+
		"over on purpose, remove its entry and run `pulumi up` (that deletes it), then add the entry again", key, orgID)
}

// deletedInAtlas says whether Atlas answers that the organization no longer
// exists: then the create comes from a refresh that found it deleted outside
// the code, not from a replacement. Unknown (no check, a refusal, a failure)
// is not deleted: the guard refuses either way, and only its advice differs.
func (m *MultiOrg) deletedInAtlas(orgID string) bool {
	if m.orgExists == nil {
		return false
	}
	exists, err := m.orgExists(context.Background(), orgID)
	return err == nil && !exists
}

// leftovers are the URNs the state holds of the organization of key besides
// its Organization.
func (m *MultiOrg) leftovers(key string) []string {
	if m.previous == nil {
		return nil
	}
	return m.previous.Leftovers[key]
}

// registerGuard registers the replacement guard once per component. It runs
// in previews too, so that `pulumi preview` already fails.
func (m *MultiOrg) registerGuard() (*pulumi.ResourceHook, error) {
	return m.ctx.RegisterResourceHook(replacementHookName(m.name), m.replacementGuard,
		&pulumi.ResourceHookOptions{OnDryRun: true})
}

// registerDestroyGuard keeps what is inside a protected organization in the
// state when a destroy is refused. The resources inside it are deleted with
// the organization (inside), and the engine deletes dependents first: with
// the preview skipped (`pulumi destroy --skip-preview`, the Automation API),
// it records each of them deleted, with no call to Atlas, before the
// organization's own delete is refused for its protection, and the next
// `pulumi up` creates them again beside the ones Atlas still holds. The
// guard depends on all of them and is protected too, so it is the first
// delete of the organization and is refused, and the engine then deletes
// nothing it depends on (pkg/resource/deploy/deployment_executor.go skips
// the dependencies of a failed delete).
func (m *MultiOrg) registerDestroyGuard(org *Org) error {
	if len(org.inside) == 0 {
		return nil
	}
	_, err := pulumi.NewStash(m.ctx, DestroyGuardName(m.name, org.Key), &pulumi.StashArgs{Input: pulumi.String(org.Key)},
		pulumi.Parent(m), pulumi.Protect(true), pulumi.DependsOn(append([]pulumi.Resource{org.Resource}, org.inside...)))
	if err != nil {
		return fmt.Errorf("registering the destroy guard: %w", err)
	}
	return nil
}
