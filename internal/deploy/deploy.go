// Package deploy runs several org stacks of one project as one deployment:
// environments in order (dev, then staging, then prod), the stacks of one
// environment (its shards) in parallel, and a failure stopping every stack of
// a later environment, which depends on it by promotion. Stacks of the same
// environment are independent: one failing shard does not stop the others.
//
// The stacks themselves run through a Runner; AutoRunner is Pulumi's
// Automation API. Nothing here reads or prints a stack's output values, so
// no secret can reach the progress lines or the summary.
package deploy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// Operation is what a deployment does to each stack.
type Operation string

// The operations deploy runs.
const (
	Up      Operation = "up"
	Preview Operation = "preview"
	Destroy Operation = "destroy"
)

// Status is how one stack's run ended.
type Status string

// The statuses of a stack in the summary.
const (
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	// Skipped: not run, because a stack it depends on failed or the
	// deployment was interrupted first.
	Skipped Status = "skipped"
	// Busy: not run, because another run holds the stack (its lock, or
	// Pulumi Cloud's update in progress). Nothing waits for that run or
	// breaks its lock.
	Busy Status = "busy"
)

// Event is one piece of progress of a running stack.
type Event struct {
	// Done is set for a finished resource operation (its Op and URN).
	Done bool
	Op   string
	URN  string
	// Severity and Message are set for a diagnostic: "warning" or "error".
	Severity string
	Message  string
}

// Outcome is what a Runner reports of a finished stack.
type Outcome struct {
	// Changes counts resources by operation (create, update, same, ...).
	Changes map[string]int
	// Outputs and SecretOutputs count the stack's outputs; their values are
	// never read.
	Outputs, SecretOutputs int
}

// Runner runs one operation on one stack.
type Runner interface {
	// Environment is the stack's environment profile: its
	// atlas-multiorg:environment, or else its name.
	Environment(ctx context.Context, stack string) (string, error)
	// Run runs op on the stack, reporting progress through progress (called
	// from one goroutine per stack).
	Run(ctx context.Context, op Operation, stack string, progress func(Event)) (Outcome, error)
}

// Result is one stack's line of the summary.
type Result struct {
	Stack       string
	Environment string
	Status      Status
	// Reason says why a stack failed or was skipped.
	Reason   string
	Duration time.Duration
	Outcome  Outcome
}

// Options shape a deployment.
type Options struct {
	Operation Operation
	// Parallel is how many stacks run at once (at least 1).
	Parallel int
	// Progress receives every progress line, already prefixed with its
	// stack; it is called from one goroutine at a time.
	Progress func(line string)
	// Every is how many finished resource operations of a stack make a
	// progress line (0: 50).
	Every int
	// MaxMemoryMB bounds the estimated memory (StackMemoryMB) of the stacks
	// running at once, where the runner is a Sizer; 0 means no bound.
	MaxMemoryMB int
	// Reaper, when set, ends the plugin processes each stack's run leaves
	// behind as soon as it returns.
	Reaper *Reaper
}

// Stage is the stacks of one environment, which run in parallel.
type Stage struct {
	Environment string
	Stacks      []string
}

// Plan reads every stack's environment and orders the stacks into stages:
// dev, staging, prod (reversed for destroy: what was promoted last goes
// first). Every stack that cannot be planned is reported, all at once,
// before anything runs.
func Plan(ctx context.Context, runner Runner, op Operation, stacks []string) ([]Stage, error) {
	var problems []string
	seen := map[string]bool{}
	byEnv := map[string][]string{}
	for _, stack := range stacks {
		if seen[stack] {
			problems = append(problems, fmt.Sprintf("stack %q: listed twice; list each stack once", stack))
			continue
		}
		seen[stack] = true
		env, err := runner.Environment(ctx, stack)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("stack %q: %v", stack, err))
		case !slices.Contains(multiorg.PromotionOrder, env):
			problems = append(problems, fmt.Sprintf(
				"stack %q: environment %q is not one of %s; set it with pulumi config set --stack %s %s <%s>",
				stack, env, strings.Join(multiorg.PromotionOrder, ", "), stack, environmentKey, strings.Join(multiorg.PromotionOrder, "|")))
		default:
			byEnv[env] = append(byEnv[env], stack)
		}
	}
	if len(stacks) == 0 {
		problems = append(problems, "no stacks given; name at least one org stack")
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	order := slices.Clone(multiorg.PromotionOrder)
	if op == Destroy {
		slices.Reverse(order)
	}
	var stages []Stage
	for _, env := range order {
		if byEnv[env] != nil {
			stages = append(stages, Stage{Environment: env, Stacks: byEnv[env]})
		}
	}
	return stages, nil
}

// Run runs the stages in order, up to opts.Parallel stacks at once within a
// stage. When a stack fails, the stacks of every later stage are skipped;
// the rest of its own stage goes on. When ctx is done, stacks not yet
// started are skipped and running ones are interrupted (the Automation API
// sends Pulumi an interrupt, so it saves its state as usual).
func Run(ctx context.Context, runner Runner, stages []Stage, opts Options) []Result {
	parallel := max(opts.Parallel, 1)
	every := opts.Every
	if every <= 0 {
		every = 50
	}
	var mu sync.Mutex // serialises opts.Progress
	say := func(stack, format string, args ...any) {
		if opts.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		opts.Progress(fmt.Sprintf("[%s] ", stack) + fmt.Sprintf(format, args...))
	}

	var budget *memoryBudget
	if opts.MaxMemoryMB > 0 {
		budget = newMemoryBudget(opts.MaxMemoryMB)
	}
	var results []Result
	var failed []string
	for _, stage := range stages {
		skip := ""
		switch {
		case len(failed) > 0:
			skip = "not run: " + strings.Join(failed, ", ") + " first"
		case ctx.Err() != nil:
			skip = "not run: interrupted"
		}
		if skip != "" {
			for _, stack := range stage.Stacks {
				results = append(results, Result{Stack: stack, Environment: stage.Environment, Status: Skipped, Reason: skip})
			}
			continue
		}
		// Workers take the stacks in the order given, so the first ones
		// start first.
		stageResults := make([]Result, len(stage.Stacks))
		next := make(chan int, len(stage.Stacks))
		for i := range stage.Stacks {
			next <- i
		}
		close(next)
		var wg sync.WaitGroup
		for range min(parallel, len(stage.Stacks)) {
			wg.Go(func() {
				for i := range next {
					release := admit(ctx, budget, runner, stage.Stacks[i], say)
					stageResults[i] = runOne(ctx, runner, opts.Operation, stage.Stacks[i], stage.Environment, every, say)
					release()
					if n := opts.Reaper.Sweep(IsPlugin, PluginGrace); n > 0 {
						say(stage.Stacks[i], "ended %d plugin processes that outlived a run", n)
					}
				}
			})
		}
		wg.Wait()
		for _, r := range stageResults {
			// A busy stack was not deployed: what depends on it by
			// promotion waits as it does for a failed one.
			switch r.Status {
			case Failed:
				failed = append(failed, r.Stack+" failed")
			case Busy:
				failed = append(failed, r.Stack+" was busy")
			}
		}
		results = append(results, stageResults...)
	}
	return results
}

// PluginGrace is how long a leftover plugin has to end after SIGTERM.
const PluginGrace = 5 * time.Second

// IsPlugin says whether an executable is a Pulumi plugin (a language host or
// a provider), which only a pulumi CLI should be the parent of: one that is
// deploy's own child was left behind by a run whose CLI died.
func IsPlugin(executable string) bool {
	return strings.HasPrefix(executable, "pulumi-resource-") || strings.HasPrefix(executable, "pulumi-language-")
}

// admit waits until the stack's estimated memory fits the budget, and
// returns what gives it back. Without a budget, or a size, it admits at once.
func admit(ctx context.Context, budget *memoryBudget, runner Runner, stack string, say func(stack, format string, args ...any)) func() {
	sizer, ok := runner.(Sizer)
	if budget == nil || !ok {
		return func() {}
	}
	orgs, err := sizer.Orgs(ctx, stack)
	if err != nil {
		say(stack, "warning: cannot count its organizations (%v); it is admitted as one", err)
		orgs = 1
	}
	mb := StackMemoryMB(orgs)
	if !budget.acquire(ctx, mb) {
		return func() {}
	}
	return func() { budget.release(mb) }
}

func runOne(ctx context.Context, runner Runner, op Operation, stack, env string, every int,
	say func(stack, format string, args ...any),
) Result {
	result := Result{Stack: stack, Environment: env}
	if ctx.Err() != nil {
		result.Status, result.Reason = Skipped, "not run: interrupted"
		return result
	}
	say(stack, "%s started (%s)", op, env)
	start := time.Now()
	done := 0
	var firstError string
	outcome, err := runner.Run(ctx, op, stack, func(e Event) {
		switch {
		case e.Done:
			done++
			if done%every == 0 {
				say(stack, "%d resources done", done)
			}
		case e.Severity == "error" || e.Severity == "warning":
			message := strings.TrimSpace(e.Message)
			if e.Severity == "error" && firstError == "" {
				firstError = reasonOf(message)
			}
			say(stack, "%s: %s", e.Severity, message)
		}
	})
	result.Duration = time.Since(start).Round(10 * time.Millisecond)
	result.Outcome = outcome
	if busy := (*BusyError)(nil); errors.As(err, &busy) {
		result.Status = Busy
		result.Reason = BusyReason(busy, op)
		say(stack, "%s not run: %s", op, result.Reason)
		return result
	}
	if err != nil {
		result.Status = Failed
		result.Reason = cmp.Or(firstError, firstLine(err.Error()))
		if down := (*BackendDownError)(nil); errors.As(err, &down) {
			result.Reason = down.Error() // not the engine's "interrupted", which follows from it
		}
		say(stack, "%s failed after %s: %s", op, result.Duration, result.Reason)
		return result
	}
	result.Status = Succeeded
	say(stack, "%s succeeded in %s: %s", op, result.Duration, ChangeSummary(outcome.Changes))
	return result
}

// BusyReason says why a busy stack was not run and what to do: wait for
// the run that holds it, or, where none is alive, free its lock as the
// interrupted-run guide says.
func BusyReason(busy *BusyError, op Operation) string {
	return fmt.Sprintf("busy: %s; %s did not run on it: deploy does not wait for a lock and never breaks one. "+
		"Run it again once that run ends; if no such run is alive (it was killed, or its backend failed), "+
		"free the lock as docs/interrupted-deployments.md says", busy, op)
}

// reasonOf is the line of an error diagnostic that says what went wrong:
// the first that does not lead in to others ("program failed:", "1 error
// occurred:", "* invalid configuration (2 problems):"), with every secret
// taken out.
func reasonOf(message string) string {
	for _, line := range strings.Split(message, "\n") {
		line = strings.TrimLeft(strings.TrimSpace(line), "*- ")
		if line != "" && !strings.HasSuffix(line, ":") {
			return redact(strings.TrimSpace(providerNoise.ReplaceAllString(line, "")), os.Getenv)
		}
	}
	return redact(firstLine(message), os.Getenv)
}

// providerNoise is what the provider's messages carry that tells a person
// nothing: the Go file and SDK layer an error came through, an empty list
// of parameters, the plugin's name and version.
var providerNoise = regexp.MustCompile(`\S+\.go:\d+: sdk\.helper_schema: | ?Params: \[\], BadRequestDetail: :?|\s*provider=\S+@\S+$`)

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// ChangeSummary is "3 created, 1 unchanged" for a map of operation counts,
// in a fixed order.
func ChangeSummary(changes map[string]int) string {
	names := []struct{ op, word string }{
		{"create", "created"}, {"update", "updated"}, {"replace", "replaced"},
		{"delete", "deleted"}, {"same", "unchanged"},
	}
	var parts []string
	known := map[string]bool{}
	for _, n := range names {
		known[n.op] = true
		if c := changes[n.op]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, n.word))
		}
	}
	for _, op := range slices.Sorted(maps.Keys(changes)) {
		if !known[op] && changes[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", changes[op], op))
		}
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// pendingURN is a create the engine reports left pending by an interrupted
// update, in its warning "Attempting to deploy or update resources with N
// pending operations from previous deployment".
var pendingURN = regexp.MustCompile(`urn:pulumi:[^\s,]*\$` + regexp.QuoteMeta(mongodbatlas.OrganizationType) +
	`::([^\s,]+), interrupted while creating`)

// pendingCreatesWarning turns the engine's warning about pending creates
// into one that names the org keys and what resolves them: the engine's
// names only URNs, and advises an interactive refresh that CI cannot run.
func pendingCreatesWarning(stack string, ev Event) (Event, bool) {
	if ev.Severity != "warning" || !strings.Contains(ev.Message, "pending operations from previous deployment") {
		return Event{}, false
	}
	var keys []string
	for _, m := range pendingURN.FindAllStringSubmatch(ev.Message, -1) {
		if child, ok := multiorg.ParseChildName(multiorg.StackComponentName, mongodbatlas.OrganizationType, m[1], nil); ok {
			keys = append(keys, "orgs."+child.OrgKey)
		}
	}
	if len(keys) == 0 {
		return Event{}, false
	}
	slices.Sort(keys)
	return Event{Severity: "warning", Message: fmt.Sprintf("an interrupted update left the creates of %s pending: Atlas may have created them "+
		"with nobody holding their credentials. If it did, this run stops before creating any twin; then run "+
		"`atlas-multiorg orphans --stack %s` and follow docs/interrupted-deployments.md", strings.Join(keys, ", "), stack)}, true
}
