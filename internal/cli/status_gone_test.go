package cli

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

// orgsAtlas answers GET /orgs/{id} per credential (by client ID or public
// key): each credential's answer, 200 when none is set.
type orgsAtlas struct {
	answers map[string]int
	read    []string
}

type orgsClient struct {
	statusClient
	atlas *orgsAtlas
	who   string
}

func (c *orgsClient) Organization(_ context.Context, orgID string) (atlasapi.Organization, error) {
	c.atlas.read = append(c.atlas.read, c.who)
	if status := c.atlas.answers[c.who]; status != 0 && status != http.StatusOK {
		return atlasapi.Organization{}, &atlasapi.APIError{Status: status}
	}
	return atlasapi.Organization{ID: orgID}, nil
}

func (a *orgsAtlas) connect(_ context.Context, _ string, creds atlasapi.Credentials) (statusClient, error) {
	return &orgsClient{atlas: a, who: creds.ClientID + creds.PublicKey}, nil
}

// TestGoneFindings: an organization whose own credential Atlas refused
// when its people were read is gone when the caller's credential reads 404,
// and otherwise only its credential is: each a `gone` finding that names
// what is gone and says what to do, instead of `unchecked`; a credential
// that still signs in, or one refused for another reason, is no such
// finding, and costs no call.
func TestGoneFindings(t *testing.T) {
	t.Parallel()
	const urn = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-analytics"
	const provider = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$pulumi:providers:mongodbatlas::multiorg-analytics"
	own := atlasapi.ProviderConfig{Where: "its provider", BaseURL: "http://atlas.test", Credentials: atlasapi.Credentials{ClientID: "mdb_sa_id_own", ClientSecret: "mdb_sa_sk_own"}}
	ownKey := atlasapi.ProviderConfig{Where: "its provider", BaseURL: "http://atlas.test", Credentials: atlasapi.Credentials{PublicKey: "abcdefgh", PrivateKey: "private"}}
	caller := atlasapi.ProviderConfig{Where: "the stack", BaseURL: "http://atlas.test", Credentials: atlasapi.Credentials{ClientID: "mdb_sa_id_paying", ClientSecret: "mdb_sa_sk_paying"}}
	refused := failureError("its people and teams were not checked: %w", &atlasapi.APIError{Status: http.StatusUnauthorized})
	tests := map[string]struct {
		own            atlasapi.ProviderConfig
		credentialType multiorg.CredentialType
		// people is why its people were not read; nil when they were.
		people    error
		answers   map[string]int
		protected bool
		// leftOutFirst: the preview's left-out refresh of it failed before
		// its people were read, and is its failure.
		leftOutFirst bool
		// resource and message of the one gone finding; "" for none.
		resource string
		message  []string
	}{
		"its credential signs in: nothing gone": {own: own, credentialType: multiorg.CredentialServiceAccount},
		"refused for its role, not for itself": {own: own, credentialType: multiorg.CredentialServiceAccount,
			people: failureError("its people and teams were not checked: %w", &atlasapi.APIError{Status: http.StatusForbidden})},
		"the organization deleted in Atlas": {own: own, credentialType: multiorg.CredentialServiceAccount,
			people: refused, answers: map[string]int{"mdb_sa_id_paying": http.StatusNotFound},
			resource: "Organization multiorg-analytics",
			message: []string{`organization "acme-dev-analytics" (org key analytics) is gone from Atlas`,
				"`pulumi state delete --stack dev --target-dependents --yes '" + urn + "' '" + provider + "'`", "then `pulumi up --stack dev`"}},
		"a protected organization deleted in Atlas": {own: own, credentialType: multiorg.CredentialServiceAccount, protected: true,
			people: refused, answers: map[string]int{"mdb_sa_id_paying": http.StatusNotFound},
			resource: "Organization multiorg-analytics",
			message:  []string{"--target-dependents --force --yes", "ask its owners whether it was meant to go"}},
		"its service account or secret deleted": {own: own, credentialType: multiorg.CredentialServiceAccount,
			people: refused, answers: map[string]int{"mdb_sa_id_paying": http.StatusForbidden},
			resource: "service account mdb_sa_id_own",
			message: []string{`organization "acme-dev-analytics" is still in Atlas, but Atlas refuses its own credential, service account mdb_sa_id_own`,
				"the service account, or the secret the stack signs in with, was deleted outside the code",
				"Only a person can act: its Organization Owner",
				"`bin/atlas-local console create-service-account --secret-file analytics-takeover.secret 6750aaaabbbbccccddddeeee atlas-multiorg-analytics`",
				"`pulumi config set --stack dev --plaintext --path 'orgs.analytics.serviceAccount.takeOver.clientId' <clientId>`",
				"`pulumi config set --stack dev --secret --path 'orgs.analytics.serviceAccount.takeOver.clientSecret' < analytics-takeover.secret`",
				"`pulumi up --refresh --run-program --stack dev`"}},
		"its service account deleted, after its refresh was left out": {own: own, credentialType: multiorg.CredentialServiceAccount,
			people: refused, leftOutFirst: true, answers: map[string]int{"mdb_sa_id_paying": http.StatusForbidden},
			resource: "service account mdb_sa_id_own",
			message:  []string{"the service account, or the secret the stack signs in with, was deleted outside the code"}},
		"its API key deleted": {own: ownKey, credentialType: multiorg.CredentialAPIKey,
			people:   refused,
			resource: "API key abcdefgh",
			message: []string{"refuses its own credential, API key abcdefgh: the API key was deleted outside the code",
				"cannot take over a new credential", "`atlas-local console delete-org 6750aaaabbbbccccddddeeee`"}},
		"no credential of its own": {credentialType: multiorg.CredentialNone, people: refused},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			atlas := &orgsAtlas{answers: tc.answers}
			o := &statusOptions{connect: atlas.connect, getenv: func(string) string { return "" }}
			drift := Finding{Kind: KindGone, Resource: "Organization multiorg-analytics", Message: "pulumi up creates it again"}
			before := []Finding{drift}
			if tc.people != nil {
				before = append(before, Finding{Kind: KindUnchecked, Message: tc.people.Error()})
			}
			org := &OrgStatus{Stack: "dev", Key: "analytics", OrgID: "6750aaaabbbbccccddddeeee", Name: "acme-dev-analytics",
				Findings: slices.Clone(before), failed: tc.people, peopleUnread: tc.people}
			if tc.leftOutFirst && tc.people != nil {
				// A refresh the preview left out failed first: that is the
				// organization's failure, and the refusal comes second.
				org.failed = failureError("the refresh of Organization multiorg-analytics failed: 403 USER_UNAUTHORIZED")
				org.Findings = append(org.Findings, Finding{Kind: KindUnchecked, Message: org.failed.Error()})
				before = slices.Clone(org.Findings)
			}
			found := o.goneFindings(context.Background(), goneCheck{stack: "dev", key: "analytics", urns: []string{urn, provider}, protected: tc.protected,
				own: tc.own, caller: caller, credentialType: tc.credentialType, org: org})
			if tc.resource == "" {
				assert.False(t, found)
				assert.Equal(t, before, org.Findings)
				assert.Equal(t, tc.people, org.failed)
				assert.Empty(t, atlas.read, "no call")
				return
			}
			require.True(t, found)
			assert.Equal(t, []string{"mdb_sa_id_paying"}, atlas.read, "one call, with the caller's credential")
			assert.NoError(t, org.failed, "not a failure: a finding")
			assert.False(t, slices.ContainsFunc(org.Findings, func(f Finding) bool { return f.Kind == KindUnchecked }), "gone, not unchecked")
			var gone []Finding
			for _, f := range org.Findings {
				if actsNoMore(f) {
					gone = append(gone, f)
				}
			}
			require.Len(t, gone, 1, "%+v", org.Findings)
			assert.Equal(t, tc.resource, gone[0].Resource)
			for _, s := range tc.message {
				assert.Contains(t, gone[0].Message, s)
			}
			assert.NotContains(t, gone[0].Message, "mdb_sa_sk_", "no secret")
			assert.NotContains(t, gone[0].Message, "private")
			if tc.resource == "Organization multiorg-analytics" {
				assert.Len(t, org.Findings, 1, "what follows from a deleted organization is not reported besides")
			}
		})
	}
}

// TestExplainGone: the reason of a stack whose refresh preview failed names
// the organizations gone from Atlas that explain it.
func TestExplainGone(t *testing.T) {
	t.Parallel()
	stack := &StackStatus{Stack: "dev"}
	stack.fail(StackFailed, ExitFailure, "refresh preview failed: invalid_client")
	gone := Finding{Kind: KindGone, Resource: "service account x", Message: "No credential this stack holds can act inside it"}
	explainGone(stack, map[string]*OrgStatus{"b": {Findings: []Finding{gone}}, "a": {Findings: []Finding{{Kind: KindChanged}}}})
	assert.Equal(t, "refresh preview failed: invalid_client (what is gone from organization b explains it: see its finding)", stack.Reason)

	checked := &StackStatus{Stack: "dev", State: StackChecked}
	explainGone(checked, map[string]*OrgStatus{"b": {Findings: []Finding{gone}}})
	assert.Empty(t, checked.Reason, "a checked stack has no reason")
}

func TestOrgURNs(t *testing.T) {
	t.Parallel()
	const in = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$"
	org := in + "mongodbatlas:index/organization:Organization::multiorg-analytics"
	provider := in + "pulumi:providers:mongodbatlas::multiorg-analytics"
	member := in + "mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment::multiorg-analytics-member-ada@example.com"
	urns := map[string]bool{org: true, provider: true, member: true,
		in + "mongodbatlas:index/organization:Organization::multiorg-ops":         true,
		"urn:pulumi:dev::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-dev": true,
	}
	keys := []string{"analytics", "ops"}
	assert.Equal(t, []string{org, member, provider}, orgURNs(urns, "analytics", keys), "its Organization first")
	delete(urns, org)
	assert.Equal(t, []string{member, provider}, orgURNs(urns, "analytics", keys), "what a refresh left of it")
	assert.Empty(t, orgURNs(urns, "billing", keys))
}
