// Package cli is the atlas-multiorg command-line tool: one file per
// subcommand, output through the command's writers, exit codes in one place.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes, the same for every subcommand.
const (
	// ExitOK: the command did what it was asked and found nothing wrong.
	ExitOK = 0
	// ExitFindings: the command ran and found what it checks for (such as a
	// secret inside its expiry window).
	ExitFindings = 1
	// ExitUsage: bad flags, or input that cannot be read or parsed.
	ExitUsage = 2
	// ExitFailure: an Admin API call or the state backend failed, so the
	// command could not check what it was asked to.
	ExitFailure = 3
)

// ExitError is a command's failure and its kind: the exit code it calls for
// (ExitFindings, ExitUsage or ExitFailure). Execute reads the code with
// errors.As; status keeps one for each part it could not check.
type ExitError struct {
	Code int
	Err  error
	// Said is a failure the command's output already says (status's
	// summary line, at the end of its table): Execute does not print it
	// again.
	Said bool
}

// Error is the failure's message, without its kind.
func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap is the failure's cause, for errors.Is and errors.As.
func (e *ExitError) Unwrap() error { return e.Err }

// usageError is a failure for bad flags or unreadable input (ExitUsage).
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// failureError is a failure of an Admin API call or of the state backend
// (ExitFailure).
func failureError(format string, args ...any) error {
	return &ExitError{Code: ExitFailure, Err: fmt.Errorf(format, args...)}
}

// exitCode is the exit code err calls for: ExitOK for none, an ExitError's
// code, else ExitUsage (cobra's own errors are flag and argument errors).
func exitCode(err error) int {
	var exit *ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exit):
		return exit.Code
	}
	return ExitUsage
}

// worse is the failure of a and b that calls for the higher exit code:
// a failure (3) before a usage error (2) before findings (1).
func worse(a, b error) error {
	if exitCode(b) > exitCode(a) {
		return b
	}
	return a
}

// NewRootCommand builds the atlas-multiorg command with every subcommand.
func NewRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	return newRootCommand(stdin, stdout, stderr, time.Now, os.Getenv)
}

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer, now func() time.Time, getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:   "atlas-multiorg",
		Short: "Tools for atlas-multiorg org stacks",
		Long: `Tools for atlas-multiorg org stacks.

Exit codes: 0 nothing found, 1 findings (for example an expiring secret, or
a stack deploy could not update), 2 bad flags or unreadable input, 3 an Admin
API call or the state backend failed (discover, billing, orphans, status).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newCheckExpiryCommand(now), newImportFileCommand(), newDiscoverCommand(getenv), newBillingCommand(now, getenv), newDeployCommand(), newOrphansCommand(getenv),
		newStatusCommand(now, getenv))
	return root
}

// Execute runs the tool and returns its exit code; errors go to stderr.
func Execute(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return execute(args, stdin, stdout, stderr, time.Now, os.Getenv)
}

func execute(args []string, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time, getenv func(string) string) int {
	root := newRootCommand(stdin, stdout, stderr, now, getenv)
	root.SetArgs(args)
	return finish(root.Execute(), stderr)
}

// finish prints a command's failure on stderr, unless its output said it
// already, and returns its exit code.
func finish(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	if exit, ok := errors.AsType[*ExitError](err); !ok || !exit.Said {
		_, _ = fmt.Fprintln(stderr, "atlas-multiorg:", err) // nothing is left to tell if stderr fails
	}
	return exitCode(err)
}
