package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

// stackRunFlags are the flags of the commands that run the pulumi CLI on
// many org stacks (deploy, status): where the project is, how many stacks
// run at once, each run's own parallelism, and which program runs.
type stackRunFlags struct {
	dir            string
	parallel       int
	pulumiParallel int
	inline         bool
}

// register adds the flags to cmd, with the commands' own words for the two
// kinds of parallelism.
func (f *stackRunFlags) register(cmd *cobra.Command, parallelHelp, pulumiParallelHelp string) {
	cmd.Flags().StringVarP(&f.dir, "dir", "C", ".", "the org stack's project folder (where its Pulumi.yaml is)")
	cmd.Flags().IntVarP(&f.parallel, "parallel", "j", 4, parallelHelp)
	cmd.Flags().IntVar(&f.pulumiParallel, "pulumi-parallel", 0, pulumiParallelHelp)
	cmd.Flags().BoolVar(&f.inline, "inline", true,
		"run the org stack's program inside this command (the one it was built with), not through the project's Go runtime")
}

// autoRunner runs the stacks through the Automation API as the flags say.
func (f *stackRunFlags) autoRunner() *deploy.AutoRunner {
	runner := &deploy.AutoRunner{WorkDir: f.dir, Parallel: f.pulumiParallel}
	if f.inline {
		runner.Program, runner.Project = stacks.Program, stacks.Namespace
	}
	return runner
}

// interruptibly is a RunE whose context Ctrl-C and SIGTERM cancel, so that
// the pulumi runs under way are interrupted and waited for, not abandoned
// with their locks held.
func interruptibly(run func(ctx context.Context, names []string, stdout, stderr io.Writer) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, names []string) error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return run(ctx, names, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
}
