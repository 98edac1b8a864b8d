package multiorg

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// OrgExistsFunc says whether the organization orgID still exists in Atlas,
// read with the caller's credential: false only when Atlas answers that there
// is no such organization (404), never for a refusal or a failure, which
// come back as errors.
type OrgExistsFunc func(ctx context.Context, orgID string) (bool, error)

// AdminAPIOrgExists reads organizations through the Admin API at baseURL,
// signed in with creds: the caller's credential, the one the provider falls
// back to when an organization's own credential is refused (so what it
// reads is what the provider's refresh concluded from).
func AdminAPIOrgExists(baseURL string, creds atlasapi.Credentials) OrgExistsFunc {
	return func(ctx context.Context, orgID string) (bool, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		client, err := atlasapi.New(ctx, baseURL, creds, atlasapi.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
		if err != nil {
			return false, err
		}
		_, err = client.Organization(ctx, orgID)
		var apiErr *atlasapi.APIError
		switch {
		case err == nil:
			return true, nil
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound:
			return false, nil
		case errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden:
			return true, nil // there, and not the caller's to read
		}
		return false, err
	}
}

// DefaultOrgExists reads organizations with the default provider's
// credential and Admin API, resolved as the provider resolves them; nil
// without a credential (a mocked run).
func DefaultOrgExists(ctx *pulumi.Context) OrgExistsFunc {
	api, err := defaultAdminAPI(func(key string) string { v, _ := ctx.GetConfig(key); return v }, os.Getenv)
	if err != nil || api.Credentials == (atlasapi.Credentials{}) {
		return nil
	}
	return AdminAPIOrgExists(api.BaseURL, api.Credentials)
}

// DeletedOrgRecovery says what an organization deleted in Atlas outside the
// code leaves the stack with, and how it is created again on purpose. The
// replacement guard and `atlas-multiorg status` both say it. No run creates
// it again on its own: a refresh drops it from the state and the plan then
// creates it, which the guard refuses (a create of an organization the state
// held is also what a replacement looks like), or, once a failed `pulumi up
// --refresh` has saved the state without it, the guard refuses while what
// was inside it is still held. So the stack first forgets it, and everything
// that was inside it (urns: what the state still holds of it), in one
// explicit step that calls nothing in Atlas; the next `pulumi up` then
// creates it as new. protected (prod) needs --force, since its resources are
// protected.
func DeletedOrgRecovery(stack string, urns []string, key, name string, protected bool) string {
	force := ""
	if protected {
		force = " --force"
	}
	quoted := make([]string, len(urns))
	for i, urn := range urns {
		quoted[i] = "'" + urn + "'"
	}
	forget := fmt.Sprintf("`pulumi state delete --stack %s --target-dependents%s --yes %s` (the stack forgets it and what was inside it; "+
		"Atlas is not called), then ", stack, force, strings.Join(quoted, " "))
	if len(urns) == 0 {
		forget = "nothing of it is left in the state, so "
	}
	text := fmt.Sprintf("organization %q (org key %s) is gone from Atlas: it was deleted outside the code, with everything in it and its own "+
		"credential, so no credential this stack holds can act in it any more. To create it again on purpose: %s`pulumi up --stack %s`, "+
		"which creates a new organization %q with a new orgId and a new credential (consumers must take the new `credentials` export), "+
		"invites its members again and makes its teams again. To let it go instead, remove orgs.%s from the config",
		name, key, forget, stack, name, key)
	if len(urns) > 0 {
		text += " and run the same state delete. Until then no run creates it again"
	}
	if protected {
		text += ". It is a protected (prod) organization: ask its owners whether it was meant to go before you create it again"
	}
	return text + " (docs/interrupted-deployments.md#when-atlas-deletes-what-the-stack-holds)"
}
