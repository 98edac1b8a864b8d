package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// credentialReader is what status reads of an organization's credentials:
// what the provider never reads back (an Organization's API key and service
// account are creation-only inputs), and what Atlas holds on them that the
// code did not put there.
type credentialReader interface {
	OrganizationAPIKeys(ctx context.Context, orgID string) ([]atlasapi.APIKey, error)
	APIKeyAccessList(ctx context.Context, orgID, keyID string) ([]atlasapi.AccessListEntry, error)
	OrganizationServiceAccounts(ctx context.Context, orgID string) ([]atlasapi.ServiceAccount, error)
	ServiceAccountAccessList(ctx context.Context, orgID, clientID string) ([]atlasapi.AccessListEntry, error)
}

// Where the secret that expires first came from (OrgStatus.SecretOrigin).
const (
	// SecretOfTheStack is a secret the stack made and holds.
	SecretOfTheStack = "stack"
	// SecretOfARotation is one an earlier rotation replaced and left in
	// Atlas until it expires, so that consumers still holding it work.
	SecretOfARotation = "earlier-rotation"
	// SecretOutsideTheCode is one made in Atlas by hand.
	SecretOutsideTheCode = "outside-the-code"
)

// credentialFindings compares the organization's own credential in Atlas
// with the code, where the refresh preview cannot: the API key's
// description and roles, the service account's name, description and roles
// (all creation-only inputs of the Organization, which the provider never
// reads back). It reports what Atlas holds on them that the stack did not
// make (a secret, an access-list entry) and every other API key and service
// account: in an organization the stack created, made outside the code; in
// an adopted one, there before the stack adopted it or made since. Neither
// is the code's to delete, and signedIn, the credential status read with
// (an adopted organization's is the caller's), is never reported. And it
// sets the expiry column to the secret that expires first.
func (o *statusOptions) credentialFindings(ctx context.Context, client credentialReader, entry multiorg.OrgSpec, key string, held *heldObjects,
	org *OrgStatus, signedIn atlasapi.Credentials,
) {
	unchecked := func(err error) {
		org.failed = worse(org.failed, failureError("its credentials were not checked: %w", err))
		org.Findings = append(org.Findings, Finding{Kind: KindUnchecked, Message: "its credentials were not checked: " + err.Error()})
	}
	created := entry.ImportID == ""
	resource := shortType(mongodbatlas.OrganizationType) + " " + multiorg.OrgResourceName(multiorg.StackComponentName, key)
	keys, err := client.OrganizationAPIKeys(ctx, org.OrgID)
	if err != nil {
		unchecked(err)
		return
	}
	for _, k := range keys {
		if !held.publicKeys[k.PublicKey] {
			if k.PublicKey != signedIn.PublicKey {
				org.Findings = append(org.Findings, otherCredential("API key "+k.PublicKey, k.Description, k.OrgRoles(org.OrgID), key, created))
			}
			continue
		}
		if spec := entry.APIKey; spec != nil {
			org.Findings = append(org.Findings, creationOnlyFindings(resource, key, "apiKey", []creationOnlyField{
				{"description", "description", spec.Description, k.Description},
				{"roleNames", "roles", sortedRoles(spec.Roles), sortedRoles(k.OrgRoles(org.OrgID))},
			})...)
		}
		list, err := client.APIKeyAccessList(ctx, org.OrgID, k.ID)
		if err != nil {
			unchecked(err)
			return
		}
		org.Findings = append(org.Findings, extraEntries(list, held, "API key "+k.PublicKey, key, "apiKey")...)
	}
	accounts, err := client.OrganizationServiceAccounts(ctx, org.OrgID)
	if err != nil {
		unchecked(err)
		return
	}
	for _, sa := range accounts {
		if !held.clientIDs[sa.ClientID] {
			if sa.ClientID != signedIn.ClientID {
				org.Findings = append(org.Findings, otherCredential("service account "+sa.ClientID, sa.Name, sa.Roles, key, created))
			}
			continue
		}
		if entry.ServiceAccount != nil && created && sa.ClientID != held.takenOver {
			// A taken-over service account's name, description and roles
			// are its owner's, not the code's; a field the block leaves out
			// is the default's.
			spec := entry.ServiceAccount.Resolved(key)
			org.Findings = append(org.Findings, creationOnlyFindings(resource, key, "serviceAccount", []creationOnlyField{
				{"serviceAccount.name", "name", spec.Name, sa.Name},
				{"serviceAccount.description", "description", spec.Description, sa.Description},
				{"serviceAccount.roles", "roles", sortedRoles(spec.Roles), sortedRoles(sa.Roles)},
			})...)
		}
		org.Findings = append(org.Findings, o.secretFindings(sa, held, org)...)
		list, err := client.ServiceAccountAccessList(ctx, org.OrgID, sa.ClientID)
		if err != nil {
			unchecked(err)
			return
		}
		org.Findings = append(org.Findings, extraEntries(list, held, "service account "+sa.ClientID, key, "serviceAccount")...)
	}
}

// otherCredential is an API key or service account (credential, "API key
// <public key>") of the organization that is not the stack's: the code
// gives an organization one credential. In one the stack created it was
// made outside the code; an adopted one may have had it before. Either way
// it is not the code's, and only its owners know whether it is used.
func otherCredential(credential, name string, roles []string, key string, created bool) Finding {
	where := fmt.Sprintf("which gives it one credential (orgs.%s): it was made outside the code", key)
	if !created {
		where = fmt.Sprintf("which manages only orgs.%s.serviceAccount in this adopted organization: it was there before the stack adopted it, or made since", key)
	}
	return Finding{Kind: KindUnmanaged, Resource: credential,
		Message: fmt.Sprintf("%s (%q, %s) is in the organization in Atlas and not in the code, %s; remove it in Atlas once no one uses it",
			credential, name, rolesText(roles), where)}
}

// creationOnlyField is one creation-only input of the Organization: its
// property path, its name in the config block, its value in the code and
// in Atlas.
type creationOnlyField struct {
	path, config string
	code, atlas  any
}

// creationOnlyFindings are the changed fields among fields, each with both
// values: the provider sets them only when it creates the organization, so
// pulumi up does not set them back.
func creationOnlyFindings(resource, key, block string, fields []creationOnlyField) []Finding {
	var found []Finding
	for _, f := range fields {
		code, codeErr := json.Marshal(f.code)
		atlas, atlasErr := json.Marshal(f.atlas)
		if codeErr != nil || atlasErr != nil || string(code) == string(atlas) {
			continue
		}
		found = append(found, Finding{Kind: KindChanged, Resource: resource, Field: f.path, Code: string(code), Atlas: string(atlas), byHand: true,
			Message: fmt.Sprintf("%s: %s is %s in Atlas, %s in the code (changed outside the code): the provider sets it only when it creates the organization, "+
				"so pulumi up does not set it back; set it back in Atlas, or change orgs.%s.%s.%s", resource, f.path, atlas, code, key, block, f.config)})
	}
	return found
}

// secretFindings reports the secrets of one of the stack's service accounts
// that the stack did not make, and sets the organization's expiry column to
// the secret that expires first among those still valid, naming it. A
// rotating service account keeps the secrets earlier rotations replaced
// until they expire, out of the state: a secret made before the newest one
// the stack holds is taken for one of those, and only one made after it is
// known to be made by hand.
func (o *statusOptions) secretFindings(sa atlasapi.ServiceAccount, held *heldObjects, org *OrgStatus) []Finding {
	now := o.now()
	var found []Finding
	var first *atlasapi.ServiceAccountSecret
	origin := ""
	for i := range sa.Secrets {
		s := &sa.Secrets[i]
		from := SecretOfTheStack
		switch {
		case held.rotating && !s.CreatedAt.Before(held.newestSecret):
			if !held.secretIDs[s.ID] {
				from = SecretOutsideTheCode
			}
		case held.rotating:
			from = SecretOfARotation
		case !held.secretIDs[s.ID] && sa.ClientID != held.takenOver:
			// A taken-over service account's secrets are its owner's: the
			// stack cannot tell which one it was given.
			from = SecretOutsideTheCode
		}
		if from == SecretOutsideTheCode {
			found = append(found, Finding{Kind: KindUnmanaged, Resource: "secret " + s.ID + " of service account " + sa.ClientID,
				Message: fmt.Sprintf("service account %s has a secret the code did not make (%s, made %s, expires %s): the stack neither uses nor rotates it; "+
					"remove it in Atlas once no one uses it", sa.ClientID, s.ID, s.CreatedAt.UTC().Format(time.RFC3339), s.ExpiresAt.UTC().Format(time.RFC3339))})
		}
		if !s.ExpiresAt.After(now) {
			continue // expired already: the column keeps the stack's own expiry
		}
		if first == nil || s.ExpiresAt.Before(first.ExpiresAt) {
			first, origin = s, from
		}
	}
	if first != nil && org.SecretExpiresAt != nil && !first.ExpiresAt.After(*org.SecretExpiresAt) {
		at := first.ExpiresAt.UTC()
		days := int(math.Floor(at.Sub(now).Hours() / 24))
		org.SecretExpiresAt, org.DaysLeft, org.SecretID, org.SecretOrigin = &at, &days, first.ID, origin
	}
	return found
}

// extraEntries are the entries of a credential's access list that the
// stack did not make.
func extraEntries(list []atlasapi.AccessListEntry, held *heldObjects, credential, key, block string) []Finding {
	var found []Finding
	for _, e := range list {
		entry, ok := accessListPrefix(e.IPAddress, e.CIDRBlock)
		if !ok || held.accessList[entry] {
			continue
		}
		found = append(found, Finding{Kind: KindUnmanaged, Resource: "access-list entry " + entry.String() + " of " + credential,
			Message: fmt.Sprintf("the access list of %s admits %s in Atlas, which the code does not list: add it under orgs.%s.%s.accessList, or remove it in Atlas",
				credential, entry, key, block)})
	}
	return found
}

func sortedRoles(roles []string) []string {
	out := slices.Clone(roles)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func rolesText(roles []string) string {
	if len(roles) == 0 {
		return "no role"
	}
	return strings.Join(roles, ", ")
}
