package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
)

type deployOptions struct {
	stackRunFlags
	every     int
	preview   bool
	destroy   bool
	output    string
	maxMemory string
	newRunner func(o *deployOptions) deploy.Runner
}

func newDeployCommand() *cobra.Command {
	opts := &deployOptions{newRunner: func(o *deployOptions) deploy.Runner { return o.autoRunner() }}
	cmd := &cobra.Command{
		Use:   "deploy STACK...",
		Short: "Deploy several org stacks: environments in order, the shards of each in parallel",
		Long: `Runs pulumi up (or --preview, or --destroy) on every org stack named, through
Pulumi's Automation API and the pulumi CLI on PATH, with this shell's
environment: PULUMI_BACKEND_URL, the secrets passphrase, credentials.

Each stack's environment is its atlas-multiorg:environment, or else its name.
The environments run in promotion order, dev, then staging, then prod
(destroy reverses it), and the stacks of one environment, its shards, run in
parallel, --parallel at a time. When a stack fails, the rest of its
environment goes on, since shards are independent, and every later
environment is skipped. Ctrl-C interrupts the running stacks the way it
interrupts pulumi up, and starts nothing more.

The org stack's program runs inside this command, through the Automation
API's inline programs: the program this command was built with (make builds
both from the same source), with no go build, language host or program
process per stack. --inline=false runs the project's own runtime instead.

Memory bounds how many stacks run at once as much as --parallel does: the
engine keeps one provider plugin process alive per organization that has
anything inside it (every prod organization: its resource policies) to the
end of the run, about 100 MB each. A stack starts only while the estimated
memory of the running ones, 250 MB plus 100 MB per organization, fits
--max-memory.

Progress lines are prefixed with their stack: each start and end, every
--every finished resources, and every warning and error. No output value is
printed: the summary counts a stack's outputs and its secret outputs.

A stack another run holds (its lock on a file or PostgreSQL backend, read
through psql where it is on PATH; an update in progress on Pulumi Cloud) is busy, as status reports it: deploy
does not wait for the lock and never breaks it, runs nothing on that stack
(a preview neither, though a DIY backend's preview takes no lock), names
the lock's holder, and skips every later environment. Its summary line says
what to do: run it again once that run ends, or free a lock nobody holds any
more as docs/interrupted-deployments.md says.

A state backend that stops answering during a run (its database down, its
folder gone) ends that run within seconds: deploy interrupts it, and its
error names the backend and the next steps, the lock left behind and the
orphans check. The engine alone would retry each save for about 33 s.

Exit codes: 0 every stack succeeded, 1 a stack failed or was skipped,
2 bad flags or a stack that cannot be planned (all reported before any runs),
3 a stack was busy (another run holds it; this wins over 1).`,
		Example: `  atlas-multiorg deploy prod-eu prod-us prod-apac            # three shards at once
  atlas-multiorg deploy --parallel 2 dev staging prod-eu prod-us
  atlas-multiorg deploy --preview dev staging prod-eu
  atlas-multiorg deploy --destroy dev-0 dev-1 dev-2 dev-3`,
		Args: cobra.MinimumNArgs(1),
		RunE: interruptibly(opts.run),
	}
	opts.register(cmd, "stacks of one environment that run at once", "each stack's pulumi --parallel (0: Pulumi's default)")
	cmd.Flags().IntVar(&opts.every, "every", 50, "a progress line every this many finished resources of a stack")
	cmd.Flags().BoolVar(&opts.preview, "preview", false, "preview each stack instead of updating it")
	cmd.Flags().BoolVar(&opts.destroy, "destroy", false, "destroy each stack, prod first")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "summary format: text or json")
	cmd.Flags().StringVar(&opts.maxMemory, "max-memory", "auto",
		"start a stack only while the estimated memory of the running ones fits this (16GiB, 8000MB; "+
			"auto: 80% of the machine's available memory; 0: no bound); a stack costs about 250 MB plus 100 MB per organization")
	cmd.MarkFlagsMutuallyExclusive("preview", "destroy")
	return cmd
}

func (o *deployOptions) run(ctx context.Context, stacks []string, stdout, stderr io.Writer) error {
	if o.output != "text" && o.output != "json" {
		return usageError("--output %q: use text or json", o.output)
	}
	if o.parallel < 1 || o.every < 1 || o.pulumiParallel < 0 {
		return usageError("--parallel and --every must be at least 1, --pulumi-parallel at least 0")
	}
	maxMemoryMB, err := o.memoryBudgetMB()
	if err != nil {
		return usageError("--max-memory %w", err)
	}
	op := deploy.Up
	switch {
	case o.preview:
		op = deploy.Preview
	case o.destroy:
		op = deploy.Destroy
	}
	runner := o.newRunner(o)
	stages, err := deploy.Plan(ctx, runner, op, stacks)
	if err != nil {
		return usageError("cannot plan the deployment, nothing ran:\n%w", err)
	}
	start := time.Now()
	// Plugins the engine could not shut down (a CLI killed after the
	// interrupt's grace period) end with the deployment, not minutes later.
	reaper := deploy.NewReaper()
	defer reaper.Sweep(func(string) bool { return true }, deploy.PluginGrace)
	results := deploy.Run(ctx, runner, stages, deploy.Options{
		Operation: op, Parallel: o.parallel, Every: o.every, MaxMemoryMB: maxMemoryMB, Reaper: reaper,
		Progress: func(line string) { _, _ = fmt.Fprintln(stderr, line) },
	})
	if o.output == "json" {
		err = writeDeployJSON(stdout, results)
	} else {
		err = writeDeployTable(stdout, op, results, time.Since(start))
	}
	if err != nil {
		return err
	}
	return deployExit(op, results)
}

// deployExit is the deployment's exit: ExitFailure when a stack was busy
// (another run holds it: a person or a CI job must wait for that run, or
// free its lock), else ExitFindings when any other stack did not succeed.
func deployExit(op deploy.Operation, results []deploy.Result) error {
	var busy []string
	failed := false
	for _, r := range results {
		switch r.Status {
		case deploy.Succeeded:
		case deploy.Busy:
			busy = append(busy, r.Stack)
		default:
			failed = true
		}
	}
	switch {
	case len(busy) > 0:
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%s: %s busy: another run holds each; nothing ran on it",
			op, strings.Join(busy, ", "))}
	case failed:
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%s: not every stack succeeded", op)}
	}
	return nil
}

// memoryBudgetMB is --max-memory in MB: auto is 80% of the machine's
// available memory (no bound where that cannot be read), 0 no bound.
func (o *deployOptions) memoryBudgetMB() (int, error) {
	switch o.maxMemory {
	case "auto", "":
		return deploy.AvailableMemoryMB() * 8 / 10, nil
	case "0":
		return 0, nil
	}
	return deploy.ParseMemoryMB(o.maxMemory)
}

func writeDeployTable(w io.Writer, op deploy.Operation, results []deploy.Result, wall time.Duration) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "STACK\tENVIRONMENT\tRESULT\tTIME\tCHANGES\tOUTPUTS")
	count := map[deploy.Status]int{}
	for _, r := range results {
		count[r.Status]++
		changes, outputs := deploy.ChangeSummary(r.Outcome.Changes), fmt.Sprintf("%d (%d secret)", r.Outcome.Outputs, r.Outcome.SecretOutputs)
		if r.Status != deploy.Succeeded {
			changes = r.Reason
		}
		if r.Status != deploy.Succeeded || op != deploy.Up {
			outputs = "-" // only an update reads the outputs
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Stack, r.Environment, r.Status, r.Duration, changes, outputs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	busy := ""
	if count[deploy.Busy] > 0 {
		busy = fmt.Sprintf(", %d busy", count[deploy.Busy])
	}
	_, err := fmt.Fprintf(w, "%d succeeded, %d failed, %d skipped%s in %s\n",
		count[deploy.Succeeded], count[deploy.Failed], count[deploy.Skipped], busy, wall.Round(10*time.Millisecond))
	return err
}

// deployJSON is one stack of deploy -o json.
type deployJSON struct {
	Stack         string         `json:"stack"`
	Environment   string         `json:"environment"`
	Status        deploy.Status  `json:"status"`
	Reason        string         `json:"reason,omitempty"`
	Seconds       float64        `json:"seconds"`
	Changes       map[string]int `json:"changes,omitempty"`
	Outputs       int            `json:"outputs"`
	SecretOutputs int            `json:"secretOutputs"`
}

func writeDeployJSON(w io.Writer, results []deploy.Result) error {
	rows := make([]deployJSON, 0, len(results))
	for _, r := range results {
		rows = append(rows, deployJSON{
			Stack: r.Stack, Environment: r.Environment, Status: r.Status, Reason: r.Reason,
			Seconds: r.Duration.Seconds(), Changes: r.Outcome.Changes,
			Outputs: r.Outcome.Outputs, SecretOutputs: r.Outcome.SecretOutputs,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rows)
}
