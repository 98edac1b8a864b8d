package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExitCodeReadsTheFailureKind: the exit code is the ExitError's code,
// found through any wrapping; the worse of two failures is the one of the
// higher code.
func TestExitCodeReadsTheFailureKind(t *testing.T) {
	t.Parallel()
	cause := errors.New("the cause")
	findings := &ExitError{Code: ExitFindings, Err: errors.New("2 secrets expire within 336h0m0s")}
	tests := map[string]struct {
		err       error
		want      int
		worseThan error
	}{
		"none":                       {nil, ExitOK, nil},
		"findings":                   {findings, ExitFindings, nil},
		"usage, over findings":       {usageError("--output must be text or json, got %q", "yaml"), ExitUsage, findings},
		"a failure, wrapped":         {fmt.Errorf("stack dev: %w", failureError("listing the stacks: %w", cause)), ExitFailure, usageError("bad")},
		"cobra's own, a usage error": {errors.New(`unknown flag: --nope`), ExitUsage, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, exitCode(tc.err))
			assert.Equal(t, tc.err, worse(tc.worseThan, tc.err), "the worse of the two")
			assert.Equal(t, tc.err, worse(tc.err, tc.worseThan), "in either order")
		})
	}
	assert.ErrorIs(t, failureError("listing the stacks: %w", cause), cause, "the cause stays in the chain")
}
