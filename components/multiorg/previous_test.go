package multiorg

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

func TestReadPreviousRetriesATornCheckpointOnly(t *testing.T) {
	t.Parallel()
	torn := errors.New("invocation of pulumi:pulumi:readStackResourceOutputs returned an error: failed to load checkpoint: EOF")
	tests := map[string]struct {
		failures []error
		reads    int
		wantErr  string
	}{
		"no failure":                     {nil, 1, ""},
		"torn twice, then read":          {[]error{torn, torn}, 3, ""},
		"torn every time":                {[]error{torn, torn, torn, torn, torn, torn}, stateReadAttempts, "failed to load checkpoint"},
		"any other error is not retried": {[]error{errors.New("stack not found")}, 1, "stack not found"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			monitor := &atlasmock.Monitor{StateReadErrors: tt.failures}
			err := atlasmock.Run(t, monitor, nil, func(ctx *pulumi.Context) error {
				_, err := ReadPrevious(ctx, "orgs")
				return err
			})
			assert.Len(t, monitor.StateReads(), tt.reads)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "reading the state of organization/")
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

// TestReadPreviousFindsTheAccessListSwitches: the component's own switches,
// by org key, and neither another component's nor another stash.
func TestReadPreviousFindsTheAccessListSwitches(t *testing.T) {
	t.Parallel()
	urn := func(name string) string {
		return "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + Type + "$" + stashType + "::" + name
	}
	mon := &atlasmock.Monitor{State: map[string]resource.PropertyMap{
		urn(AccessListSwitchName("orgs", "analytics")): {},
		urn(AccessListSwitchName("other", "search")):   {},
		urn(DestroyGuardName("orgs", "billing")):       {},
		"urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + stashType + "::" + AccessListSwitchName("orgs", "loose"): {},
	}}
	var previous *Previous
	require.NoError(t, atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		var err error
		previous, err = ReadPrevious(ctx, "orgs")
		return err
	}))
	assert.Equal(t, map[string]bool{"analytics": true}, previous.AccessListSwitches)
}

// TestReadPreviousKeepsEachDeployedOrganization: the outputs of the
// component's own organizations, by org key, for the settings that keep
// what a deployed organization has; not another component's.
func TestReadPreviousKeepsEachDeployedOrganization(t *testing.T) {
	t.Parallel()
	urn := func(name string) string {
		return "urn:pulumi:" + atlasmock.Stack + "::" + atlasmock.Project + "::" + Type + "$" + mongodbatlas.OrganizationType + "::" + name
	}
	mon := &atlasmock.Monitor{State: map[string]resource.PropertyMap{
		urn(OrgResourceName("orgs", "analytics")): {"orgId": resource.NewProperty("0123456789abcdef01234567"), "skipDefaultAlertsSettings": resource.NewProperty(true)},
		urn(OrgResourceName("other", "search")):   {"orgId": resource.NewProperty("0123456789abcdef01234568"), "skipDefaultAlertsSettings": resource.NewProperty(true)},
	}}
	var previous *Previous
	require.NoError(t, atlasmock.Run(t, mon, nil, func(ctx *pulumi.Context) error {
		var err error
		previous, err = ReadPrevious(ctx, "orgs")
		return err
	}))
	require.Contains(t, previous.Deployed, "analytics")
	assert.NotContains(t, previous.Deployed, "search")
	assert.Equal(t, true, previous.Deployed["analytics"]["skipDefaultAlertsSettings"])
	assert.Equal(t, "0123456789abcdef01234567", previous.Managed["analytics"])
}
