package deploy

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAutoErrorsKeepTheirChain: an Automation API error is said short (the
// engine's error line, or the first line) and still unwraps, so errors.Is
// and errors.As see the cause.
func TestAutoErrorsKeepTheirChain(t *testing.T) {
	t.Parallel()
	cause := errors.New("the cause")
	long := fmt.Errorf("failed to run update: exit status 255\ncode: 255\nstdout: {\"secrets\": \"plain\"}\nstderr: : %w", cause)
	engine := fmt.Errorf("code: 255\nstdout:\nerror: the engine said this\nstderr: %w", cause)
	tests := map[string]struct {
		err, cause error
		want       string
	}{
		"first line only": {fmt.Errorf("cannot export its state: %w", &autoError{err: long, firstLine: true}), cause,
			"cannot export its state: failed to run update: exit status 255"},
		"the engine's line": {&autoError{err: engine}, cause, "the engine said this"},
		"cancelled":         {&autoError{err: fmt.Errorf("running: %w", context.Canceled), firstLine: true}, context.Canceled, "running: context canceled"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.EqualError(t, tc.err, tc.want)
			assert.NotContains(t, tc.err.Error(), "plain", "the command's stdout is never said")
			assert.ErrorIs(t, tc.err, tc.cause)
		})
	}
}

// TestOpeningAProjectWithoutTheCLIKeepsTheCause: the project is opened
// through the pulumi CLI; without one on PATH the error says so in a line,
// and errors.Is still finds exec.ErrNotFound under it.
func TestOpeningAProjectWithoutTheCLIKeepsTheCause(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	_, err := (&AutoRunner{WorkDir: dir}).ProjectStacks(context.Background())
	require.Error(t, err)
	assert.ErrorIs(t, err, exec.ErrNotFound)
	var execErr *exec.Error
	require.ErrorAs(t, err, &execErr)
	assert.Equal(t, "pulumi", execErr.Name)
	assert.Equal(t, "cannot open the project in "+dir+": failed to run `pulumi version`: exec: \"pulumi\": executable file not found in $PATH", err.Error())
}
