package multiorg

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
)

const takenOverClientID = "mdb_sa_id_0123456789abcdef01234567"

// withTakeOver is validSpec with a takeOver on analytics (the created
// organization with the default service account) and on legacy (adopted).
func withTakeOver(analytics, legacy *TakeOverSpec) Spec {
	spec := validSpec()
	org := spec.Orgs["analytics"]
	org.ServiceAccount = &ServiceAccountSpec{TakeOver: analytics}
	spec.Orgs["analytics"] = org
	if legacy != nil {
		adopted := spec.Orgs["legacy"]
		adopted.ServiceAccount = &ServiceAccountSpec{Name: "legacy", Description: "legacy automation", Roles: []string{RoleOrgOwner}, TakeOver: legacy}
		spec.Orgs["legacy"] = adopted
	}
	return spec
}

// TestTakeOverValidation: a takeOver block names a service account's client
// ID and a secret, on an organization the stack created only; every problem
// by its config path.
func TestTakeOverValidation(t *testing.T) {
	t.Parallel()
	good := &TakeOverSpec{ClientID: takenOverClientID, ClientSecret: "mdb_sa_sk_x"}
	tests := map[string]struct {
		spec     Spec
		problems map[string]string
	}{
		"a created organization's": {spec: withTakeOver(good, nil)},
		"no secret, a bad client ID": {spec: withTakeOver(&TakeOverSpec{ClientID: "abc"}, nil), problems: map[string]string{
			"orgs.analytics.serviceAccount.takeOver.clientId":     `"abc" is not a service account's client ID`,
			"orgs.analytics.serviceAccount.takeOver.clientSecret": "required: one of its secrets, as a Pulumi secret read from a file",
		}},
		"an API key organization's": {spec: func() Spec {
			spec := validSpec()
			billing := spec.Orgs["billing"]
			billing.ServiceAccount = &ServiceAccountSpec{TakeOver: good}
			spec.Orgs["billing"] = billing
			return spec
		}(), problems: map[string]string{
			"orgs.billing.serviceAccount.takeOver": "an organization made with an API key cannot take over a service account",
		}},
		"an adopted organization's": {spec: withTakeOver(nil, good), problems: map[string]string{
			"orgs.legacy.serviceAccount.takeOver": "only an organization the stack created takes over a credential",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := tc.spec.Validate()
			if tc.problems == nil {
				require.NoError(t, err)
				return
			}
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			got := map[string]string{}
			for _, p := range verr.Problems {
				got[p.Path] = p.Message
			}
			require.Len(t, got, len(tc.problems), "%v", got)
			for path, want := range tc.problems {
				assert.Contains(t, got[path], want, path)
			}
		})
	}
}

// TestTakeOverSecretMustBeAPulumiSecret: a clientSecret in clear text in
// the stack file is refused, with the command that stores it as a secret.
func TestTakeOverSecretMustBeAPulumiSecret(t *testing.T) {
	t.Parallel()
	spec := withTakeOver(&TakeOverSpec{ClientID: takenOverClientID, ClientSecret: "mdb_sa_sk_x"}, nil)
	assert.Empty(t, TakeOverSecretProblems(spec, true))
	assert.Empty(t, TakeOverSecretProblems(validSpec(), false), "no takeOver, nothing to refuse")
	problems := TakeOverSecretProblems(spec, false)
	require.Len(t, problems, 1)
	assert.Equal(t, "orgs.analytics.serviceAccount.takeOver.clientSecret", problems[0].Path)
	assert.Contains(t, problems[0].Message, "pulumi config set --secret --path 'orgs.analytics.serviceAccount.takeOver.clientSecret' < secret-file")
	assert.NotContains(t, problems[0].Message, "mdb_sa_sk_x", "no secret in the message")
}

// TestCheckTakeOvers: before anything is registered, each takeOver is
// signed in with against the organization the state holds; a refusal, or
// no organization to take over in, is a problem by its path, with no secret
// in it; the expiry of the newest secret is what the stack exports.
func TestCheckTakeOvers(t *testing.T) {
	t.Parallel()
	const orgID = "64b1c2d3e4f5a6b7c8d9e0aa"
	expiry := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	spec := withTakeOver(&TakeOverSpec{ClientID: takenOverClientID, ClientSecret: "mdb_sa_sk_x"}, nil)
	held := &Previous{Managed: map[string]string{"analytics": orgID}}
	tests := map[string]struct {
		previous *Previous
		check    TakeOverCheckFunc
		expires  string
		problem  string
	}{
		"taken: its expiry": {previous: held, expires: "2027-03-01T00:00:00Z",
			check: func(_ context.Context, id string, creds atlasapi.Credentials) (time.Time, error) {
				assert.Equal(t, orgID, id)
				assert.Equal(t, atlasapi.Credentials{ClientID: takenOverClientID, ClientSecret: "mdb_sa_sk_x"}, creds)
				return expiry, nil
			}},
		"refused": {previous: held, problem: "service account " + takenOverClientID + ": it does not sign in: invalid_client; check the client ID and the secret",
			check: func(context.Context, string, atlasapi.Credentials) (time.Time, error) {
				return time.Time{}, errors.New("it does not sign in: invalid_client")
			}},
		"no organization in the state": {previous: &Previous{}, problem: "the stack holds no organization for analytics to take a credential over in"},
		"no check (a mocked run)":      {previous: held},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			found, err := checkTakeOvers(t.Context(), spec, tc.previous, tc.check)
			if tc.problem != "" {
				var verr *ValidationError
				require.ErrorAs(t, err, &verr)
				require.Len(t, verr.Problems, 1)
				assert.Equal(t, "orgs.analytics.serviceAccount.takeOver", verr.Problems[0].Path)
				assert.Contains(t, verr.Problems[0].Message, tc.problem)
				assert.NotContains(t, verr.Problems[0].Message, "mdb_sa_sk_x")
				return
			}
			require.NoError(t, err)
			require.Contains(t, found, "analytics")
			assert.Equal(t, tc.expires, found["analytics"].expiresAt)
			assert.NotContains(t, found, "billing")
		})
	}
}
