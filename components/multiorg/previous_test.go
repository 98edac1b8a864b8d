package multiorg

import (
	"errors"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasmock"
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
