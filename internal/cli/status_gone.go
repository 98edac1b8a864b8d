package cli

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// singleOrgReader reads one organization: what the gone check asks of the Admin
// API. A client without it (a test's) leaves the check out.
type singleOrgReader interface {
	Organization(ctx context.Context, orgID string) (atlasapi.Organization, error)
}

// goneCheck is one organization the stack created, as the gone check needs
// it.
type goneCheck struct {
	stack, key string
	// urns are what the state holds of it, its Organization first when it
	// holds that.
	urns []string
	// protected: its environment registers it with protect (prod).
	protected bool
	// own is its own credential, as its provider signs in; caller is the
	// stack's default provider's, the paying organization's.
	own, caller atlasapi.ProviderConfig
	// credentialType is what own is: a service account or an API key.
	credentialType multiorg.CredentialType
	org            *OrgStatus
}

// goneFindings looks again at an organization the stack created whose own
// credential Atlas refused when its people were read, and says what is
// gone: the organization itself (deleted outside the code; the caller's
// credential reads 404), or only its credential (the service account, the
// secret the stack signs in with, or the API key, deleted outside the code).
// Either way nothing the stack holds can act inside it any more, which is
// also why its people could not be read and the refresh of what is inside
// it fails: the `gone` finding replaces that `unchecked`, and, for a deleted
// organization, the findings that follow from it (a plan to create it
// again, which no run does). Each such finding is byHand: its message says
// the recovery, which no `pulumi up --refresh` is. The check costs a call only when the
// credential was refused. It reports whether it found one.
func (o *statusOptions) goneFindings(ctx context.Context, g goneCheck) bool {
	if g.org.OrgID == "" || g.own.Credentials == (atlasapi.Credentials{}) || !atlasapi.IsRefused(g.org.peopleUnread) {
		return false
	}
	if o.readOrg(ctx, g.caller, g.org.OrgID) == orgNotFound {
		g.org.failed = nil
		g.org.Findings = []Finding{{Kind: KindGone, Resource: shortType(mongodbatlas.OrganizationType) + " " + multiorg.OrgResourceName(multiorg.StackComponentName, g.key),
			Message: multiorg.DeletedOrgRecovery(g.stack, g.urns, g.key, g.org.Name, g.protected), byHand: true}}
		return true
	}
	if slices.ContainsFunc(g.org.Findings, func(f Finding) bool { return f.Kind == KindExpired && f.byHand }) {
		// Its secret expired: that finding says so, with the same steps.
		g.org.failed = nil
		g.org.Findings = slices.DeleteFunc(g.org.Findings, func(f Finding) bool { return f.Kind == KindUnchecked })
		return true
	}
	what := "its credential"
	switch g.credentialType {
	case multiorg.CredentialServiceAccount:
		what = fmt.Sprintf("service account %s", g.own.Credentials.ClientID)
	case multiorg.CredentialAPIKey:
		what = fmt.Sprintf("API key %s", g.own.Credentials.PublicKey)
	}
	g.org.failed = nil
	g.org.Findings = slices.DeleteFunc(g.org.Findings, func(f Finding) bool { return f.Kind == KindUnchecked })
	g.org.Findings = append(g.org.Findings, Finding{Kind: KindGone, Resource: what, Message: credentialGone(g, what), byHand: true})
	return true
}

// orgAnswer is what reading an organization with a credential came to.
type orgAnswer int

const (
	// orgUnknown: no answer that says anything (no credential, no client
	// that reads organizations, a failure).
	orgUnknown orgAnswer = iota
	// orgRead: the credential read it, or was known and lacked the role (403).
	orgRead
	// orgRefused: Atlas refused the credential itself (atlasapi.IsRefused).
	orgRefused
	// orgNotFound: Atlas has no such organization (404).
	orgNotFound
)

// readOrg reads the organization with the provider's credential.
func (o *statusOptions) readOrg(ctx context.Context, provider atlasapi.ProviderConfig, orgID string) orgAnswer {
	api, err := findAdminAPI(o.baseURL, []atlasapi.ProviderConfig{provider}, o.getenv)
	if err != nil {
		return orgUnknown
	}
	client, err := o.connect(ctx, api.baseURL, api.creds)
	if err != nil {
		return orgUnknown
	}
	reader, ok := client.(singleOrgReader)
	if !ok {
		return orgUnknown
	}
	_, err = reader.Organization(ctx, orgID)
	switch {
	case err == nil || atlasapi.IsForbidden(err):
		return orgRead
	case atlasapi.IsRefused(err):
		return orgRefused
	case atlasapi.IsNotFound(err):
		return orgNotFound
	}
	return orgUnknown
}

// credentialGone says that an organization's own credential is gone, what
// that leaves, and what only a person can do about it: for a service
// account, make one the stack takes over (serviceAccount.takeOver), step by
// step, so that the organization, its people and teams stay.
func credentialGone(g goneCheck, what string) string {
	text := fmt.Sprintf("organization %q is still in Atlas, but Atlas refuses its own credential, %s: %s. No credential this stack holds can act "+
		"inside it any more (the paying organization's is not a member of it), so neither `pulumi up` nor `pulumi up --refresh` can "+
		"read or fix anything in it, and consumers of its exported credential are refused too. Only a person can act: its "+
		"Organization Owner, in the Atlas UI. ", g.org.Name, what, credentialLoss(g.credentialType))
	if g.credentialType == multiorg.CredentialServiceAccount {
		return text + takeOverSteps(g.stack, g.key, g.org.OrgID) + " (docs/interrupted-deployments.md#when-atlas-deletes-what-the-stack-holds)"
	}
	return text + fmt.Sprintf("An organization made with an API key cannot take over a new credential (the provider 4.14.0 reads it only with the "+
		"key it was created with): if it holds nothing to keep, they delete it (Organization Settings, Delete Organization; against atlas-local "+
		"`atlas-local console delete-org %s`), and the next status says how the stack creates it again; otherwise leave it to them "+
		"(docs/interrupted-deployments.md#when-atlas-deletes-what-the-stack-holds)", g.org.OrgID)
}

// credentialLoss says what was lost, by the credential's type.
func credentialLoss(t multiorg.CredentialType) string {
	switch t {
	case multiorg.CredentialServiceAccount:
		return "the service account, or the secret the stack signs in with, was deleted outside the code (or the secret expired)"
	case multiorg.CredentialAPIKey:
		return "the API key was deleted outside the code"
	}
	return "it was deleted outside the code"
}

// takeOverSteps are the steps by which the stack takes over a service
// account the organization's owner makes: the organization, its people and
// teams stay. The secret goes from a file to a Pulumi secret, never through
// a command line.
func takeOverSteps(stack, key, orgID string) string {
	path := "orgs." + key + ".serviceAccount.takeOver"
	file := key + "-takeover.secret"
	return fmt.Sprintf("To keep the organization, its people and teams, the stack takes over a service account they make: "+
		"1. they make one with the role Organization Owner (Access Manager, Applications, Service Accounts) and keep its secret in a file "+
		"(against atlas-local, its console in their place: `bin/atlas-local console create-service-account --secret-file %s %s atlas-multiorg-%s`, "+
		"which prints its client ID); 2. `pulumi config set --stack %s --plaintext --path '%s.clientId' <clientId>` (a client ID is no secret); "+
		"3. `pulumi config set --stack %s --secret --path '%s.clientSecret' < %s`, then delete %s; "+
		"4. `pulumi up --refresh --run-program --stack %s`, which signs in with it, keeps the organization and exports the new credential "+
		"(consumers take it from credentials.%s); --run-program, so that the refresh reads with it, not with the credential the state holds, refused",
		file, orgID, key, shellWord(stack), path, shellWord(stack), path, file, file, shellWord(stack), key)
}

// orgURNs are the URNs in the state of the organization of org key key,
// among keys: its Organization first, then the rest sorted.
func orgURNs(urns map[string]bool, key string, keys []string) []string {
	var org string
	var rest []string
	for urn := range urns {
		typ, name := urnType(urn), urnName(urn)
		child, ok := multiorg.ParseChildName(multiorg.StackComponentName, typ, name, keys)
		if !ok || child.OrgKey != key || !strings.Contains(urn, multiorg.Type+"$") {
			continue
		}
		if typ == mongodbatlas.OrganizationType {
			org = urn
		} else {
			rest = append(rest, urn)
		}
	}
	slices.Sort(rest)
	if org == "" {
		return rest
	}
	return append([]string{org}, rest...)
}

// urnName is a URN's resource name: what follows its last "::".
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// urnType is a URN's resource type: its qualified type's last part, after
// the parents' types ("a$b$type").
func urnType(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	qualified := parts[len(parts)-2]
	return qualified[strings.LastIndex(qualified, "$")+1:]
}

// protectedEnvironment says whether the spec's environment protects its
// organizations.
func protectedEnvironment(spec multiorg.Spec) bool {
	return multiorg.Profiles[cmp.Or(spec.Environment, multiorg.DefaultEnvironment)].Protect
}

// explainGone says, in the reason of a stack whose refresh preview failed,
// which of its organizations are gone: the refresh of what is inside them
// cannot succeed, and their findings say what to do.
func explainGone(stack *StackStatus, orgs map[string]*OrgStatus) {
	if stack.State != StackFailed {
		return
	}
	var gone []string
	for _, key := range slices.Sorted(maps.Keys(orgs)) {
		if slices.ContainsFunc(orgs[key].Findings, actsNoMore) {
			gone = append(gone, key)
		}
	}
	if len(gone) == 0 {
		return
	}
	stack.fail(StackFailed, ExitFailure, fmt.Sprintf("%s (what is gone from organization %s explains it: see its finding)", stack.Reason, strings.Join(gone, ", ")))
}

// actsNoMore reports a finding of goneFindings: an organization, or its own
// credential, gone, so that nothing the stack holds acts inside it.
func actsNoMore(f Finding) bool {
	return f.Kind == KindGone && strings.Contains(f.Message, "credential this stack holds can act")
}
