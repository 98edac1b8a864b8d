package multiorg

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// LinkedOrg is an organization linked to the paying organization. Name is
// "" when the caller's credential may not read it.
type LinkedOrg struct {
	ID   string
	Name string
}

// LinkedOrgsFunc lists the organizations linked to the paying organization.
type LinkedOrgsFunc func(ctx context.Context) ([]LinkedOrg, error)

// twinCheck stops the creation of an organization whose name an
// organization linked to the paying organization already has while the
// stack's state does not hold it. That is the organization an earlier run
// created and lost: the answer to its create never came back (a timeout, a
// 502 or 504 from a proxy after Atlas committed it, a runner killed
// mid-update), so Pulumi holds no state for it, and creating it again makes
// a twin, billed like the first. The provider cannot tell: it creates
// without looking, and Atlas accepts two organizations of one name.
type twinCheck struct {
	list LinkedOrgsFunc
	// held are the organization IDs the stack's state holds.
	held map[string]bool
	once sync.Once
	// unheld are the linked organizations the state does not hold, by name.
	unheld map[string][]string
	err    error
}

// newTwinCheck is the twin check of a run that starts from previous.
func newTwinCheck(list LinkedOrgsFunc, previous *Previous) *twinCheck {
	held := map[string]bool{}
	if previous != nil {
		for _, id := range previous.Managed {
			held[id] = true
		}
	}
	return &twinCheck{list: list, held: held}
}

// linked lists the linked organizations the state does not hold, once per
// run: they only grow during it, and what this run creates is in no danger
// of being created twice.
func (c *twinCheck) linked() (map[string][]string, error) {
	c.once.Do(func() {
		var orgs []LinkedOrg
		if orgs, c.err = c.list(context.Background()); c.err != nil {
			return
		}
		c.unheld = map[string][]string{}
		for _, o := range orgs {
			if !c.held[o.ID] {
				c.unheld[o.Name] = append(c.unheld[o.Name], o.ID)
			}
		}
	})
	return c.unheld, c.err
}

// twinCheck is the twin check of org key about to be created as name.
func (m *MultiOrg) twinCheck(key, name string) error {
	if m.twins == nil || name == "" {
		return nil
	}
	unheld, err := m.twins.linked()
	if err != nil {
		return fmt.Errorf("orgs.%s: before creating organization %q, the run looks for an organization of that name that an "+
			"earlier, interrupted run created, and could not: %w. Nothing was created. Run again once the Admin API answers", key, name, err)
	}
	twins := slices.Clone(unheld[name])
	if len(twins) == 0 {
		return nil
	}
	slices.Sort(twins)
	return fmt.Errorf("orgs.%s: organization %q (orgId %s) already exists, linked to the paying organization, but this stack's "+
		"state does not hold it: an earlier run created it and lost the answer (a timeout, a 502 or 504, a killed runner, or a "+
		"provider that failed right after and could not delete it again), and its first credential with it. Nothing was created, so that no twin is billed. Fix: its Organization Owner "+
		"(atlas-multiorg:orgOwnerId) deletes it in the Atlas UI, then run again; or adopt it with orgs.%s.importId: %s (the "+
		"caller then needs Organization Owner in it); or, if another stack of this paying organization holds it, give this entry another name. See docs/interrupted-deployments.md and `atlas-multiorg orphans`",
		key, name, strings.Join(twins, ", "), key, twins[0])
}

// AdminAPILinkedOrgs lists the organizations linked to payingOrgID through
// the Admin API at baseURL, signed in with creds: the caller's credential,
// the one the provider creates organizations with.
func AdminAPILinkedOrgs(baseURL string, creds atlasapi.Credentials, payingOrgID string) LinkedOrgsFunc {
	return func(ctx context.Context) ([]LinkedOrg, error) {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		client, err := atlasapi.New(ctx, baseURL, creds, atlasapi.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
		if err != nil {
			return nil, err
		}
		found, err := client.LinkedOrganizations(ctx, payingOrgID)
		if err != nil {
			return nil, err
		}
		linked := make([]LinkedOrg, len(found))
		for i, o := range found {
			linked[i] = LinkedOrg{ID: o.ID, Name: o.Name}
		}
		return linked, nil
	}
}

// DefaultLinkedOrgs lists the linked organizations with the default
// provider's credential and Admin API, resolved as the provider resolves them
// (atlasapi.Resolve) from the stack's mongodbatlas: config and the
// environment. Without a credential (a mocked run) there is no twin check.
func DefaultLinkedOrgs(ctx *pulumi.Context, payingOrgID string) LinkedOrgsFunc {
	api, err := defaultAdminAPI(func(key string) string { v, _ := ctx.GetConfig(key); return v }, os.Getenv)
	switch {
	case err != nil:
		return func(context.Context) ([]LinkedOrg, error) { return nil, err }
	case api.Credentials == (atlasapi.Credentials{}) || payingOrgID == "":
		return nil
	}
	return AdminAPILinkedOrgs(api.BaseURL, api.Credentials, payingOrgID)
}

// defaultAdminAPI is the default provider's Admin API and credential, from
// the stack's config (decrypted, as the engine hands it over) and the
// environment.
func defaultAdminAPI(config, getenv func(string) string) (atlasapi.Resolution, error) {
	values := map[string]string{}
	for _, key := range atlasapi.ProviderConfigKeys {
		values[key] = config(key)
	}
	return atlasapi.Resolve(atlasapi.StackProviderConfig("the stack config", values, nil), getenv)
}
