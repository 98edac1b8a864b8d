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

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
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
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	_, _ = fmt.Fprintln(stderr, "atlas-multiorg:", err) // nothing is left to tell if stderr fails
	var exit *exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	// Cobra's own errors are flag and argument errors.
	return ExitUsage
}
