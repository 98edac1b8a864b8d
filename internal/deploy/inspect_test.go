package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	props := map[string]any{
		"multiFactorAuthRequired": true,
		"serviceAccount":          map[string]any{"secrets": []any{map[string]any{"expiresAt": "2027-01-01"}}},
		"tags":                    map[string]any{"a.b": "x"},
	}
	tests := map[string]struct {
		path  string
		want  any
		found bool
	}{
		"a top-level field":         {"multiFactorAuthRequired", true, true},
		"into a list":               {"serviceAccount.secrets[0].expiresAt", "2027-01-01", true},
		"a quoted key with a dot":   {`tags["a.b"]`, "x", true},
		"an index out of range":     {"serviceAccount.secrets[3].expiresAt", nil, false},
		"a field that is not there": {"securityContact", nil, false},
		"into a scalar":             {"multiFactorAuthRequired.x", nil, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, found := Lookup(props, tc.path)
			assert.Equal(t, tc.found, found)
			assert.Equal(t, tc.want, got)
		})
	}
	_, found := Lookup(nil, "x")
	assert.False(t, found, "no properties, no value")
}

func TestStepOf(t *testing.T) {
	t.Parallel()
	kept, ok := stepOf(apitype.StepEventMetadata{
		Op: apitype.OpUpdate, URN: "urn:x::multiorg-a", Type: "mongodbatlas:index/organization:Organization",
		Old:          &apitype.StepEventStateMetadata{Outputs: map[string]any{"multiFactorAuthRequired": false}},
		New:          &apitype.StepEventStateMetadata{Inputs: map[string]any{"multiFactorAuthRequired": true}},
		DetailedDiff: map[string]apitype.PropertyDiff{"multiFactorAuthRequired": {Kind: apitype.DiffUpdate}},
	})
	require.True(t, ok)
	assert.Equal(t, []PropertyDiff{{Path: "multiFactorAuthRequired", Kind: "update", Atlas: false, Code: true}}, kept.Diffs,
		"the refreshed state is Atlas, the new inputs the code")
	for _, op := range []apitype.OpType{apitype.OpSame, apitype.OpRefresh, apitype.OpRead} {
		_, ok := stepOf(apitype.StepEventMetadata{Op: op, URN: "urn:x::y"})
		assert.False(t, ok, "%s changes nothing", op)
	}
	_, ok = stepOf(apitype.StepEventMetadata{Op: apitype.OpUpdate, Type: "pulumi:pulumi:Stack"})
	assert.False(t, ok, "the stack's outputs are not drift")
}

func TestLockedBy(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	_, locked := lockedBy(root, "atlas-multiorg", "dev-0")
	assert.False(t, locked, "no lock folder")
	dir := filepath.Join(root, ".pulumi", "locks", "organization", "atlas-multiorg", "dev-0")
	require.NoError(t, os.MkdirAll(dir, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "5e0c.json"),
		[]byte(`{"pid": 4242, "username": "ci", "hostname": "runner-1", "timestamp": "2026-12-04T18:00:00Z"}`), 0o600))
	holder, locked := lockedBy(root, "atlas-multiorg", "dev-0")
	assert.True(t, locked)
	assert.Equal(t, "locked by ci@runner-1, pid 4242, since 2026-12-04T18:00:00Z", holder)
	_, locked = lockedBy(root, "atlas-multiorg", "dev-1")
	assert.False(t, locked, "another stack's lock")
	_, locked = lockedBy(root, "other-project", "dev-0")
	assert.False(t, locked, "the same name in another project")
	_, locked = lockedBy(root, "atlas-multiorg", "organization/atlas-multiorg/dev-0")
	assert.True(t, locked, "by its fully qualified name")
}

func TestFileBackendRoot(t *testing.T) {
	t.Parallel()
	root, ok := fileBackendRoot("file:///srv/state/.pulumi?metadata=skip")
	assert.True(t, ok)
	assert.Equal(t, "/srv/state/.pulumi", root)
	for _, url := range []string{"", "postgres://u@h/db", "https://api.pulumi.com", "s3://bucket"} {
		_, ok := fileBackendRoot(url)
		assert.False(t, ok, url)
	}
}

func TestLockRefusal(t *testing.T) {
	t.Parallel()
	assert.NotNil(t, lockRefusal("error: [409] Conflict: Another update is currently in progress."))
	assert.NotNil(t, lockRefusal("the stack is currently locked by 1 lock(s). Either wait"))
	assert.Nil(t, lockRefusal("error: 401 Unauthorized"))
}

func TestOtherProject(t *testing.T) {
	t.Parallel()
	others := []string{"organization/atlas-multiorg-projects/dev", "organization/atlas-multiorg/dev-0"}
	assert.Equal(t, "atlas-multiorg-projects", otherProject(others, "atlas-multiorg", "dev"))
	assert.Equal(t, "atlas-multiorg-projects", otherProject(others, "atlas-multiorg", "organization/atlas-multiorg-projects/dev"))
	assert.Empty(t, otherProject(others, "atlas-multiorg", "dev-0"), "our own")
	assert.Empty(t, otherProject(others, "atlas-multiorg", "nowhere"))
}

func TestPostgresLockWithoutPsql(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no psql: the lock is not known, and nothing fails
	_, locked := postgresLockedBy(t.Context(), "postgres://pulumi:pw@127.0.0.1:1/pulumi_state", "atlas-multiorg", "dev-0")
	assert.False(t, locked)
}

func TestHolderOf(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "locked by ci@runner-1, pid 7, since 2026-12-04T18:00:00Z",
		holderOf([]byte(`{"pid": 7, "username": "ci", "hostname": "runner-1", "timestamp": "2026-12-04T18:00:00Z"}`)))
	assert.Empty(t, holderOf([]byte("not json")), "locked, by whom unknown")
}

// TestProviderFailuresLeaveOutTheirResources: a resource whose refresh
// failed leaves out the resources its provider reads for its organization,
// and only those, once; a provider's own failure is its resources'; a
// shared provider that fails for a fifth organization is left out whole; a
// failure the state cannot place (the program's, a resource not in the
// state) leaves nothing out, so the preview has failed.
func TestProviderFailuresLeaveOutTheirResources(t *testing.T) {
	t.Parallel()
	const (
		stackURN   = "urn:pulumi:dev::atlas-multiorg::pulumi:pulumi:Stack::atlas-multiorg-dev"
		prefix     = "urn:pulumi:dev::atlas-multiorg::atlas-multiorg:index:MultiOrg$"
		defaultURN = "urn:pulumi:dev::atlas-multiorg::pulumi:providers:mongodbatlas::default_4_14_0"
		providerA  = prefix + "pulumi:providers:mongodbatlas::multiorg-a"
		providerB  = prefix + "pulumi:providers:mongodbatlas::multiorg-b"
		orgA       = prefix + "mongodbatlas:index/organization:Organization::multiorg-a"
		orgB       = prefix + "mongodbatlas:index/organization:Organization::multiorg-b"
		orgC       = prefix + "mongodbatlas:index/organization:Organization::multiorg-c"
		orgD       = prefix + "mongodbatlas:index/organization:Organization::multiorg-d"
		orgE       = prefix + "mongodbatlas:index/organization:Organization::multiorg-e"
		teamA      = prefix + "mongodbatlas:index/team:Team::multiorg-a-team-x"
		memberA    = prefix + "mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment::multiorg-a-member-ada@example.com"
		teamB      = prefix + "mongodbatlas:index/team:Team::multiorg-b-team-y"
	)
	raw, err := json.Marshal(map[string]any{"resources": []map[string]any{
		{"urn": stackURN, "type": "pulumi:pulumi:Stack"},
		{"urn": defaultURN, "id": "d-1", "type": "pulumi:providers:mongodbatlas"},
		{"urn": providerA, "id": "a-1", "type": "pulumi:providers:mongodbatlas"},
		{"urn": providerB, "id": "b-1", "type": "pulumi:providers:mongodbatlas"},
		{"urn": orgA, "type": "mongodbatlas:index/organization:Organization", "provider": defaultURN + "::d-1"},
		{"urn": orgB, "type": "mongodbatlas:index/organization:Organization", "provider": defaultURN + "::d-1"},
		{"urn": orgC, "type": "mongodbatlas:index/organization:Organization", "provider": defaultURN + "::d-1"},
		{"urn": orgD, "type": "mongodbatlas:index/organization:Organization", "provider": defaultURN + "::d-1"},
		{"urn": orgE, "type": "mongodbatlas:index/organization:Organization", "provider": defaultURN + "::d-1"},
		{"urn": teamA, "type": "mongodbatlas:index/team:Team", "provider": providerA + "::a-1"},
		{"urn": memberA, "type": "mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment", "provider": providerA + "::a-1"},
		{"urn": teamB, "type": "mongodbatlas:index/team:Team", "provider": providerB + "::b-1"},
	}})
	require.NoError(t, err)
	providers := providersOf(raw, []string{"a", "b", "c", "d", "e"})
	refused := "Atlas refused the credential (403 IP_ADDRESS_NOT_ON_ACCESS_LIST)"
	defaultForA := LeftOut{Provider: defaultURN, Resources: []string{orgA}, Failed: orgA, Reason: refused, org: "a"}
	defaultForB := LeftOut{Provider: defaultURN, Resources: []string{orgB}, Failed: orgB, Reason: refused, org: "b"}
	defaultForC := LeftOut{Provider: defaultURN, Resources: []string{orgC}, Failed: orgC, Reason: refused, org: "c"}
	defaultForD := LeftOut{Provider: defaultURN, Resources: []string{orgD}, Failed: orgD, Reason: refused, org: "d"}

	tests := map[string]struct {
		already []LeftOut
		failed  []failedResource
		urns    []string
		leftOut []LeftOut
	}{
		"one organization's provider": {nil, []failedResource{{teamA, refused}}, []string{teamA, memberA},
			[]LeftOut{{Provider: providerA, Resources: []string{teamA, memberA}, Failed: teamA, Reason: refused, org: "a"}}},
		"twice the same provider, left out once": {nil, []failedResource{{memberA, refused}, {teamA, "again"}}, []string{teamA, memberA},
			[]LeftOut{{Provider: providerA, Resources: []string{teamA, memberA}, Failed: memberA, Reason: refused, org: "a"}}},
		"the provider's own failure": {nil, []failedResource{{providerB, "cannot configure"}}, []string{teamB},
			[]LeftOut{{Provider: providerB, Resources: []string{teamB}, Failed: providerB, Reason: "cannot configure", org: "b"}}},
		"the default provider, for one organization only": {nil, []failedResource{{orgB, refused}}, []string{orgB}, []LeftOut{defaultForB}},
		"the default provider, for a second organization": {[]LeftOut{defaultForB}, []failedResource{{orgA, refused}}, []string{orgA},
			[]LeftOut{defaultForB, defaultForA}},
		"the default provider, for a third: still that one": {[]LeftOut{defaultForB, defaultForA}, []failedResource{{orgC, refused}}, []string{orgC},
			[]LeftOut{defaultForB, defaultForA, defaultForC}},
		"the default provider, for a fifth: whole": {[]LeftOut{defaultForB, defaultForA, defaultForC, defaultForD}, []failedResource{{orgE, refused}}, []string{orgE},
			[]LeftOut{defaultForB, defaultForA, defaultForC, defaultForD, {Provider: defaultURN, Resources: []string{orgE}, Failed: orgE, Reason: refused, org: "e", whole: true}}},
		"a provider left out already fails no more": {[]LeftOut{{Provider: providerA, org: "a"}}, []failedResource{{teamA, refused}}, nil,
			[]LeftOut{{Provider: providerA, org: "a"}}},
		"the program's failure, with another": {nil, []failedResource{{teamA, refused}, {stackURN, "program failed"}}, nil, nil},
		"a resource not in the state":         {nil, []failedResource{{prefix + "mongodbatlas:index/team:Team::multiorg-a-team-new", refused}}, nil, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			leftOut := slices.Clone(tc.already)
			assert.Equal(t, tc.urns, providers.leaveOut(tc.failed, &leftOut))
			assert.Equal(t, tc.leftOut, leftOut)
		})
	}
	assert.Empty(t, providersOf(json.RawMessage(`not a state`), nil).leaveOut([]failedResource{{teamA, refused}}, new([]LeftOut)),
		"a state that cannot be read leaves nothing out")
	assert.Equal(t, []string{"a", "b"}, orgKeysOf(`{"b": {"name": "x"}, "a": {}}`))
	assert.Empty(t, orgKeysOf(`not JSON`))
}
