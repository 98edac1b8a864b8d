package multiorg

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// A created organization acts in Atlas only through its own credential: the
// paying organization's is not a member of it. When that credential is
// deleted outside the code (its service account, or the secret the stack
// signs in with), or its secret expires, only a person can make a new one:
// the organization's Organization Owner, in the Atlas UI. The stack then
// takes that one over (serviceAccount.takeOver): the organization's own
// provider signs in with it, the Organization itself is read and updated
// through that provider (the provider 4.14.0 falls back from the refused
// creation credential in its state to the provider's), and the
// credentials export is it. Nothing is replaced: the organization, its
// people and teams stay.

// TakeOverCheckFunc signs in to the Admin API with a service account that a
// stack is to take over and reads the organization orgID with it: it
// returns the expiry of the service account's newest secret (the one its
// Organization Owner just made), or an error saying why Atlas refuses it.
type TakeOverCheckFunc func(ctx context.Context, orgID string, creds atlasapi.Credentials) (time.Time, error)

// AdminAPITakeOverCheck checks a service account to take over through the
// Admin API at baseURL.
func AdminAPITakeOverCheck(baseURL string) TakeOverCheckFunc {
	return func(ctx context.Context, orgID string, creds atlasapi.Credentials) (time.Time, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		client, err := atlasapi.New(ctx, baseURL, creds, atlasapi.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}))
		if err != nil {
			return time.Time{}, fmt.Errorf("it does not sign in: %w", err)
		}
		if _, err := client.Organization(ctx, orgID); err != nil {
			return time.Time{}, fmt.Errorf("it cannot read organization %s: %w", orgID, err)
		}
		accounts, err := client.OrganizationServiceAccounts(ctx, orgID)
		if err != nil {
			return time.Time{}, fmt.Errorf("it cannot list the organization's service accounts: %w", err)
		}
		i := slices.IndexFunc(accounts, func(sa atlasapi.ServiceAccount) bool { return sa.ClientID == creds.ClientID })
		switch {
		case i < 0:
			return time.Time{}, fmt.Errorf("it is not a service account of organization %s", orgID)
		case !slices.Contains(accounts[i].Roles, "ORG_OWNER"):
			return time.Time{}, fmt.Errorf("it lacks ORG_OWNER in organization %s, which the provider needs to change its settings; its owner gives it that role", orgID)
		case len(accounts[i].Secrets) == 0:
			return time.Time{}, fmt.Errorf("it has no secret")
		}
		newest := slices.MaxFunc(accounts[i].Secrets, func(a, b atlasapi.ServiceAccountSecret) int { return a.CreatedAt.Compare(b.CreatedAt) })
		return newest.ExpiresAt.UTC(), nil
	}
}

// DefaultTakeOverCheck checks through the Admin API the default provider
// talks to; nil without a credential (a mocked run).
func DefaultTakeOverCheck(ctx *pulumi.Context) TakeOverCheckFunc {
	api, err := defaultAdminAPI(func(key string) string { v, _ := ctx.GetConfig(key); return v }, os.Getenv)
	if err != nil || api.Credentials == (atlasapi.Credentials{}) {
		return nil
	}
	return AdminAPITakeOverCheck(api.BaseURL)
}

// takeOver is a service account the stack takes over, checked.
type takeOver struct {
	spec TakeOverSpec
	// expiresAt is its newest secret's expiry, RFC 3339; "" when unchecked.
	expiresAt string
}

// checkTakeOvers checks each serviceAccount.takeOver of the spec before
// anything is registered: the organization must be one the stack's state
// holds, and Atlas must take the credential in it. Every problem is
// reported at once, by its config path.
func checkTakeOvers(ctx context.Context, spec Spec, previous *Previous, check TakeOverCheckFunc) (map[string]takeOver, error) {
	found := map[string]takeOver{}
	var problems []Problem
	for _, key := range slices.Sorted(maps.Keys(spec.Orgs)) {
		entry := spec.Orgs[key]
		if entry.ServiceAccount == nil || entry.ServiceAccount.TakeOver == nil || entry.Adopted() {
			continue
		}
		t := takeOver{spec: *entry.ServiceAccount.TakeOver}
		path := "orgs." + key + ".serviceAccount.takeOver"
		orgID := ""
		if previous != nil {
			orgID = previous.Managed[key]
		}
		if orgID == "" {
			problems = append(problems, Problem{Path: path, Message: "the stack holds no organization for " + key + " to take a credential over in " +
				"(a takeover recovers an organization whose own credential was deleted or expired in Atlas): remove it, and pulumi up creates the " +
				"organization with a credential of its own"})
			continue
		}
		if check != nil {
			at, err := check(ctx, orgID, atlasapi.Credentials{ClientID: t.spec.ClientID, ClientSecret: t.spec.ClientSecret})
			if err != nil {
				problems = append(problems, Problem{Path: path, Message: fmt.Sprintf("service account %s: %v; check the client ID and the secret "+
					"(pulumi config set --secret --path '%s.clientSecret' < secret-file)", t.spec.ClientID, err, path)})
				continue
			}
			t.expiresAt = at.Format(time.RFC3339)
		}
		found[key] = t
	}
	return found, NewValidationError(problems)
}

// takenOverCredential is the credential of a taken-over service account,
// each field a secret, as the stack exports it and its provider signs in.
func takenOverCredential(t takeOver) pulumi.StringMap {
	return pulumi.StringMap{
		"clientId":     pulumi.ToSecret(pulumi.String(t.spec.ClientID)).(pulumi.StringOutput),
		"clientSecret": pulumi.ToSecret(pulumi.String(t.spec.ClientSecret)).(pulumi.StringOutput),
	}
}

// announceTakeOver warns, on the run that starts using a taken-over
// service account, that the stack now signs in with it and exports it:
// the credential consumers hold changes, so it is never silent. The
// warning names the client IDs, never a secret. A rotating service account
// exports the secrets it issues, so only its client ID is compared.
func (m *MultiOrg) announceTakeOver(org *Org, t takeOver, rotating bool) {
	if m.previous == nil || m.previous.Credentials == nil {
		return
	}
	last := m.previous.Credentials.ToStringMapMapOutput().MapIndex(pulumi.String(org.Key))
	pulumi.All(last.MapIndex(pulumi.String("clientId")), last.MapIndex(pulumi.String("clientSecret"))).ApplyT(func(values []any) error {
		clientID, _ := values[0].(string)
		secret, _ := values[1].(string)
		if clientID == t.spec.ClientID && (rotating || secret == t.spec.ClientSecret) {
			return nil
		}
		msg := fmt.Sprintf("organization %q: the stack takes over service account %s (orgs.%s.serviceAccount.takeOver), made by the "+
			"organization's owner: its own provider signs in with it from this run on, and credentials.%s exports it", org.Key, t.spec.ClientID, org.Key, org.Key)
		if clientID != "" && clientID != t.spec.ClientID {
			msg += fmt.Sprintf(" instead of service account %s; consumers must take the new credential", clientID)
		}
		return m.ctx.Log.Warn(msg, &pulumi.LogArgs{Resource: org.Resource})
	})
}
