package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
)

// listFailing is an inspector whose project cannot be opened or listed.
type listFailing struct {
	stackInspector
	err error
}

func (l listFailing) ProjectStacks(context.Context) ([]string, error) { return nil, l.err }

// refusing signs in as atlas does, except that Atlas refuses organization
// a's own service account, as it does one deleted, expired or off its
// access list.
func refusing(atlas *fakeAtlas) func(context.Context, string, atlasapi.Credentials) (statusClient, error) {
	return func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error) {
		if creds.ClientID == "mdb_sa_id_a" {
			return nil, errors.New("Atlas refused the service account's client ID and secret (token request: 401 invalid_client)")
		}
		return atlas.connect(ctx, baseURL, creds)
	}
}

// TestStatusChecksEachOrganizationOnItsOwn: a provider whose refresh
// failed had its resources left out of the preview; the organizations it
// reads for are unchecked, with whose credential it signs in with and what
// failed, while the other organization of the stack still has its finding.
// People read with a refused credential say whose it was, not the
// environment's variables.
func TestStatusChecksEachOrganizationOnItsOwn(t *testing.T) {
	t.Parallel()
	const (
		ownProvider     = urnPrefix + "pulumi:providers:mongodbatlas::multiorg-a-period-8"
		defaultProvider = "urn:pulumi:dev-0::atlas-multiorg::pulumi:providers:mongodbatlas::default_4_14_0"
		secretA         = urnPrefix + "mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret::multiorg-a-secret"
		orgOfA          = urnPrefix + "mongodbatlas:index/organization:Organization::multiorg-a"
		orgOfB          = urnPrefix + "mongodbatlas:index/organization:Organization::multiorg-b"
		refused         = "Atlas refused the credentials (403 IP_ADDRESS_NOT_ON_ACCESS_LIST)"
	)
	changedB := deploy.Step{Op: "update", URN: orgOfB, Type: "mongodbatlas:index/organization:Organization",
		Diffs: []deploy.PropertyDiff{{Path: "securityContact", Kind: "update", Atlas: "someone@example.com", Code: nil}}}
	tests := map[string]struct {
		leftOut deploy.LeftOut
		steps   []deploy.Step
		// unchecked are the messages of each organization's unchecked findings.
		unchecked map[string][]string
		changed   []string
	}{
		"an organization's own provider": {
			leftOut: deploy.LeftOut{Provider: ownProvider, Resources: []string{secretA}, Failed: secretA, Reason: refused},
			steps:   []deploy.Step{changedB},
			unchecked: map[string][]string{"a": {
				"1 resource of it read with the own provider of organization a (multiorg-a-period-8, signed in with a service account of that organization, kept in the stack's state), " +
					"so not compared with Atlas: the refresh of ServiceAccountSecret multiorg-a-secret failed: " + refused,
				"its people and teams were not checked: Atlas refused the service account's client ID and secret (token request: 401 invalid_client) " +
					"(signed in with a service account given by the own provider of organization a in the stack's state)",
			}},
			changed: []string{"b"},
		},
		"the stack's default provider": {
			leftOut: deploy.LeftOut{Provider: defaultProvider, Resources: []string{orgOfA, orgOfB}, Failed: orgOfB, Reason: refused},
			unchecked: map[string][]string{
				"a": {
					"1 resource of it read with the stack's default provider (default_4_14_0, signed in with the caller's credential: a service account given by the environment), " +
						"so not compared with Atlas: the refresh of Organization multiorg-b failed: " + refused,
					"its people and teams were not checked: Atlas refused the service account's client ID and secret (token request: 401 invalid_client) " +
						"(signed in with a service account given by the own provider of organization a in the stack's state)",
				},
				"b": {"1 resource of it read with the stack's default provider (default_4_14_0, signed in with the caller's credential: a service account given by the environment), " +
					"so not compared with Atlas: the refresh of Organization multiorg-b failed: " + refused},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := deploy.Inspection{Environment: "dev", Config: stackConfig(), Deployment: deployment(t, "2027-02-21T12:00:00Z"),
				Steps: tc.steps, LeftOut: []deploy.LeftOut{tc.leftOut}}
			atlas := cleanAtlas()
			opts := statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": in}}, atlas, false)
			opts.connect, opts.output = refusing(atlas), "json"
			got := runStatus(t, opts, "dev-0")
			assert.Equal(t, ExitFailure, got.code, "an organization not checked is a failure: %s", got.stdout)
			var report StatusReport
			require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
			unchecked, changed := map[string][]string{}, []string(nil)
			for _, org := range report.Orgs {
				for _, f := range org.Findings {
					switch f.Kind {
					case KindUnchecked:
						unchecked[org.Key] = append(unchecked[org.Key], f.Message)
					case KindChanged:
						changed = append(changed, org.Key)
					}
				}
			}
			assert.Equal(t, tc.unchecked, unchecked)
			assert.Equal(t, tc.changed, changed, "the other organization's finding is still reported")
			require.Len(t, report.Stacks, 1)
			assert.Equal(t, StackChecked, report.Stacks[0].State, "the stack was checked, without what was left out")
			assert.NotContains(t, got.stdout, "MONGODB_ATLAS_CLIENT", "a refused credential of the stack's state is not the environment's")
		})
	}
}

// TestStatusSaysEachPartOnce: a run with nothing to tabulate prints no
// table header and no blank line before its answer, and its HTML report no
// empty table; the summary line ends the table and is not said again on
// stderr, where -o json still says it for a CI log.
func TestStatusSaysEachPartOnce(t *testing.T) {
	t.Parallel()
	opts := statusWith(&fakeInspector{}, cleanAtlas(), false)
	opts.html = filepath.Join(t.TempDir(), "status.html")
	var stdout, stderr bytes.Buffer
	err := opts.run(t.Context(), []string{"dev-typo"}, &stdout, &stderr)
	require.Error(t, err)
	assert.Equal(t, ExitUsage, finish(err, &stderr))
	html, err := os.ReadFile(opts.html)
	require.NoError(t, err)
	assert.Contains(t, string(html), "<p>No organization was checked: the stacks below say why.</p>")
	assert.NotContains(t, string(html), "<th>Org key</th>", "no table of no organization")
	assert.NotContains(t, string(html), "Paying organizations", "no paying organization was read")
	assert.Regexp(t, `^Stacks:\n  dev-typo: unknown: no such stack in the backend \(pulumi stack ls lists the project's stacks\)\n\n`+
		`checked 0 of 1 stack and 0 organizations in [0-9.]+m?s: 0 findings, 1 stack not checked\n$`, stdout.String())
	assert.Empty(t, stderr.String(), "the summary line is said once, at the end of the table")

	stdout.Reset()
	opts.output = "json"
	err = opts.run(t.Context(), []string{"dev-typo"}, &stdout, &stderr)
	assert.Equal(t, ExitUsage, finish(err, &stderr))
	assert.Regexp(t, `^atlas-multiorg: checked 0 of 1 stack and 0 organizations in [0-9.]+m?s: 0 findings, 1 stack not checked\n$`, stderr.String(),
		"beside JSON, the summary line goes to stderr once")

	stdout.Reset()
	opts = statusWith(&fakeInspector{byName: map[string]deploy.Inspection{"dev-0": driftedStack(t)}}, driftedAtlas(), false)
	err = opts.run(t.Context(), []string{"dev-0"}, &stdout, &stderr)
	require.Error(t, err)
	assert.Equal(t, 1, strings.Count(stdout.String(), "checked 1 of 1 stack and 2 organizations"), stdout.String())
	assert.True(t, strings.HasPrefix(stdout.String(), "STACK "), "a table of organizations starts with its header")
	assert.NotContains(t, stdout.String(), "\n\n\n", "one blank line between parts")
}

// TestStatusOutsideTheProjectIsAUsageError: a folder that is not the org
// stack's project is one line and exit 2, whether stacks are named or not;
// a backend that cannot be listed is one line and exit 3, with its reason.
func TestStatusOutsideTheProjectIsAUsageError(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		err   error
		names []string
		code  int
		line  string
	}{
		"no Pulumi.yaml, every stack": {&deploy.ProjectError{Dir: "/srv/elsewhere", Want: "atlas-multiorg"}, nil, ExitUsage,
			"/srv/elsewhere is not the org stack's project: it holds no Pulumi.yaml; run from the org stack's project folder, or give it with --dir"},
		"another project, stacks named": {&deploy.ProjectError{Dir: "stacks/projects", Project: "atlas-multiorg-projects", Want: "atlas-multiorg"}, []string{"dev-0"}, ExitUsage,
			`the project in stacks/projects is "atlas-multiorg-projects", not the org stack's project "atlas-multiorg"`},
		"a backend that cannot be listed": {errors.New("cannot list the stacks of the project in .: could not connect to PostgreSQL: connection refused"), []string{"dev-0"}, ExitFailure,
			"listing the stacks: cannot list the stacks of the project in .: could not connect to PostgreSQL: connection refused"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := statusWith(listFailing{stackInspector: &fakeInspector{}, err: tc.err}, cleanAtlas(), false)
			var stdout, stderr bytes.Buffer
			code := finish(opts.run(t.Context(), tc.names, &stdout, &stderr), &stderr)
			assert.Equal(t, tc.code, code)
			assert.Empty(t, stdout.String(), "nothing was checked: no table")
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %s", stderr.String())
			assert.Contains(t, stderr.String(), "atlas-multiorg: "+tc.line)
		})
	}
}
