package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/pulumiversion"
)

// The org stack's config keys deploy reads: its environment profile and its
// organizations.
var (
	environmentKey = config.MustMakeKey(multiorg.ConfigNamespace, "environment")
	orgsKey        = config.MustMakeKey(multiorg.ConfigNamespace, "orgs")
)

// AutoRunner runs stacks with Pulumi's Automation API: the pulumi CLI on
// PATH, on the project in WorkDir, with the environment of this process
// (PULUMI_BACKEND_URL, the secrets passphrase, provider credentials).
type AutoRunner struct {
	// WorkDir is the org stack's project folder (where Pulumi.yaml is).
	WorkDir string
	// Parallel is Pulumi's own --parallel for each stack (0: Pulumi's default).
	Parallel int
	// Program, when set, is run inline: inside this process, through the
	// Automation API's own language server, instead of through the
	// project's runtime. It saves each stack the Go language host, its go
	// build check (about 1.3 CPU-seconds) and the program's process.
	Program pulumi.RunFunc
	// Project is the project name Program belongs to; an inline run on
	// another project is refused.
	Project string

	mu        sync.Mutex
	opened    bool
	openErr   error
	workspace auto.Workspace
	existing  map[string]bool // the backend's stacks of the project
	// inProgress are the stacks the backend says an update is running on
	// (Pulumi Cloud says so; the DIY backends do not).
	inProgress map[string]bool
	selected   map[string]auto.Stack
}

// listed reports whether pulumi stack ls listed the stack: by its name, or
// by a fully qualified name (org/project/stack) on either side, as backends
// differ in which they print.
func listed(existing map[string]bool, stack string) bool {
	if existing[stack] {
		return true
	}
	for name := range existing {
		if strings.HasSuffix(name, "/"+stack) || strings.HasSuffix(stack, "/"+name) {
			return true
		}
	}
	return false
}

// open opens the workspace and lists the project's stacks, once: a failure
// is kept too, so Plan does not try again for every stack. Call it with r.mu
// held.
func (r *AutoRunner) open(ctx context.Context) error {
	if !r.opened {
		r.opened = true
		r.openErr = r.openAndList(ctx)
	}
	return r.openErr
}

func (r *AutoRunner) openAndList(ctx context.Context) error {
	ws, err := r.openWorkspace(ctx)
	if err != nil {
		return err
	}
	list, err := ws.ListStacks(ctx)
	if err != nil {
		return fmt.Errorf("cannot list the stacks of the project in %s: %w", r.WorkDir, &autoError{err: err, firstLine: true})
	}
	r.existing, r.inProgress = map[string]bool{}, map[string]bool{}
	for _, s := range list {
		r.existing[s.Name] = true
		r.inProgress[s.Name] = s.UpdateInProgress
	}
	r.workspace, r.selected = ws, map[string]auto.Stack{}
	return nil
}

// stack selects a stack once, right before its run. Selecting writes the
// workspace's current stack, so selections take turns (under r.mu) while
// the runs, which name their stack, go on at once.
func (r *AutoRunner) stack(ctx context.Context, name string) (auto.Stack, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.selected[name]; ok {
		return s, nil
	}
	if err := r.open(ctx); err != nil {
		return auto.Stack{}, err
	}
	s, err := auto.SelectStack(ctx, name, r.workspace)
	if err != nil && ctx.Err() != nil {
		// Not a stack to create: the select was interrupted.
		return auto.Stack{}, fmt.Errorf("interrupted before it started: %w", ctx.Err())
	}
	if err != nil {
		return auto.Stack{}, fmt.Errorf("cannot select it in %s (create it first with pulumi stack init %s): %w",
			r.WorkDir, name, &autoError{err: err, firstLine: true})
	}
	r.selected[name] = s
	return s, nil
}

// backendEnv works around a hang of the CLI v3.259.0's PostgreSQL backend:
// it lists stacks with PULUMI_DIY_BACKEND_PARALLEL workers (10 by default),
// each holding one of its 2 x GOMAXPROCS database connections while it waits
// for another, so pulumi stack ls never returns once a project has as many
// stacks as connections (four stacks on two cores, measured). Fewer workers
// than connections cannot deadlock. A value the user set is kept.
func backendEnv(lookup func(string) (string, bool)) map[string]string {
	if _, set := lookup("PULUMI_DIY_BACKEND_PARALLEL"); set {
		return nil
	}
	return map[string]string{"PULUMI_DIY_BACKEND_PARALLEL": strconv.Itoa(max(2*runtime.GOMAXPROCS(0)-1, 1))}
}

// openWorkspace opens the project in WorkDir: its Pulumi.yaml and stack
// files are read where they are, never rewritten.
func (r *AutoRunner) openWorkspace(ctx context.Context) (auto.Workspace, error) {
	if !holdsProject(r.WorkDir) {
		return nil, &ProjectError{Dir: r.WorkDir, Want: r.Project}
	}
	// The CLI's version is checked here, once, against the one this tool
	// needs, rather than against the Automation API's own, older minimum.
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{SkipVersionCheck: true})
	if err != nil {
		return nil, fmt.Errorf("cannot open the project in %s: %w", r.WorkDir, &autoError{err: err, firstLine: true})
	}
	if err := pulumiversion.Check("v" + cli.Version().String()); err != nil {
		return nil, err
	}
	opts := []auto.LocalWorkspaceOption{auto.WorkDir(r.WorkDir), auto.EnvVars(backendEnv(os.LookupEnv)), auto.Pulumi(cli)}
	if r.Program != nil {
		opts = append(opts, auto.Program(r.Program))
	}
	ws, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("cannot open the project in %s: %w", r.WorkDir, &autoError{err: err, firstLine: true})
	}
	if r.Program != nil {
		project, err := ws.ProjectSettings(ctx)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s/Pulumi.yaml: %w", r.WorkDir, err)
		}
		if string(project.Name) != r.Project {
			return nil, &ProjectError{Dir: r.WorkDir, Project: string(project.Name), Want: r.Project}
		}
	}
	return ws, nil
}

// holdsProject reports whether dir holds a project file, under one of the
// names the pulumi CLI reads. The CLI would look in the folders above too,
// and so run another project's stacks than the ones --dir names.
func holdsProject(dir string) bool {
	for _, name := range []string{"Pulumi.yaml", "Pulumi.yml", "Pulumi.json"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil && !info.IsDir() {
			return true
		}
	}
	return false
}

// Environment reads atlas-multiorg:environment from the stack's settings
// file without decrypting anything, and defaults to the stack's name as the
// org stack does. A stack that does not exist is an error.
func (r *AutoRunner) Environment(ctx context.Context, stack string) (string, error) {
	r.mu.Lock()
	err := r.open(ctx)
	ws, exists := r.workspace, listed(r.existing, stack)
	r.mu.Unlock()
	switch {
	case err != nil:
		return "", err
	case !exists:
		return "", fmt.Errorf("no such stack in the backend of %s (create it first with pulumi stack init %s)", r.WorkDir, stack)
	}
	settings, err := ws.StackSettings(ctx, stack)
	if err != nil {
		return "", fmt.Errorf("cannot read its settings: %w", err)
	}
	values := map[string]string{}
	if v, ok := settings.Config[environmentKey]; ok && !v.Secure() {
		env, err := v.Value(config.NopDecrypter)
		if err != nil {
			return "", fmt.Errorf("cannot read %s: %w", environmentKey, err)
		}
		values[environmentKey.String()] = env
	}
	return multiorg.Environment(values, stack), nil
}

// Orgs counts the organizations the stack's settings file declares
// (atlas-multiorg:orgs), without decrypting anything: Run's memory budget
// weighs a stack by them.
func (r *AutoRunner) Orgs(ctx context.Context, stack string) (int, error) {
	r.mu.Lock()
	err := r.open(ctx)
	ws := r.workspace
	r.mu.Unlock()
	if err != nil {
		return 0, err
	}
	settings, err := ws.StackSettings(ctx, stack)
	if err != nil {
		return 0, fmt.Errorf("cannot read its settings: %w", err)
	}
	v, ok := settings.Config[orgsKey]
	if !ok {
		return 0, nil
	}
	raw, err := v.Value(config.NopDecrypter)
	if err != nil {
		return 0, fmt.Errorf("cannot read %s: %w", orgsKey, err)
	}
	var orgs map[string]any
	if err := json.Unmarshal([]byte(raw), &orgs); err != nil {
		return 0, fmt.Errorf("%s is not an object of org entries: %w", orgsKey, err)
	}
	return len(orgs), nil
}

// Run runs op on the stack. Only the counts of the stack's outputs are
// kept: ShowSecrets(false) keeps the history the Automation API reads after
// an update encrypted, and no output value leaves this function.
func (r *AutoRunner) Run(ctx context.Context, op Operation, stack string, progress func(Event)) (Outcome, error) {
	// A DIY backend's preview takes no lock, and its update would be
	// refused by the CLI anyway: a stack another run holds is busy, found
	// before anything runs on it.
	if busy := r.busy(ctx, stack); busy != nil {
		return Outcome{}, busy
	}
	s, err := r.stack(ctx, stack)
	if err != nil {
		return Outcome{}, err
	}
	ctx, stopWatching := r.watchBackend(ctx, op, stack)
	defer stopWatching()
	stream := make(chan events.EngineEvent)
	sink := &eventSink{progress: progress, drained: make(chan struct{})}
	go sink.drain(stack, stream)

	var outcome Outcome
	switch op {
	case Up:
		var res auto.UpResult
		res, err = s.Up(ctx, optup.EventStreams(stream), optup.Parallel(r.Parallel), optup.Color("never"),
			optup.SuppressOutputs(), optup.ShowSecrets(false))
		outcome.Changes = changesOf(res.Summary)
		for _, out := range res.Outputs {
			outcome.Outputs++
			if out.Secret {
				outcome.SecretOutputs++
			}
		}
	case Preview:
		var res auto.PreviewResult
		res, err = s.Preview(ctx, optpreview.EventStreams(stream), optpreview.Parallel(r.Parallel), optpreview.Color("never"),
			optpreview.SuppressOutputs())
		outcome.Changes = map[string]int{}
		for op, n := range res.ChangeSummary {
			outcome.Changes[string(op)] = n
		}
	case Destroy:
		var res auto.DestroyResult
		res, err = s.Destroy(ctx, optdestroy.EventStreams(stream), optdestroy.Parallel(r.Parallel), optdestroy.Color("never"),
			optdestroy.SuppressOutputs(), optdestroy.ShowSecrets(false))
		outcome.Changes = changesOf(res.Summary)
	default:
		close(stream)
		err = fmt.Errorf("unknown operation %q", op)
	}
	sink.end(streamGrace)
	if down := (*BackendDownError)(nil); errors.As(context.Cause(ctx), &down) {
		return outcome, down
	}
	if err != nil {
		if busy := refusedAsBusy(err, func() *BusyError { return r.busy(ctx, stack) }); busy != nil {
			return outcome, busy
		}
		return outcome, &autoError{err: err}
	}
	return outcome, nil
}

// refusedAsBusy is the BusyError of a run the CLI refused because another
// run took the stack's lock between deploy's look and the run (nil for any
// other failure). The holder is named from the lock itself where it can
// still be read (fromLock), as the look names it, else in the CLI's words.
func refusedAsBusy(err error, fromLock func() *BusyError) *BusyError {
	if lockRefusal(err.Error()) == nil {
		return nil
	}
	if busy := fromLock(); busy != nil {
		return busy
	}
	if m := cliLockHolder.FindStringSubmatch(err.Error()); m != nil {
		return &BusyError{Holder: fmt.Sprintf("locked by %s, pid %s, since %s", m[1], m[2], m[3])}
	}
	return &BusyError{Holder: (&autoError{err: err, firstLine: true}).Error()}
}

// cliLockHolder is a lock in a DIY backend's refusal, under its first line:
// "<lock file>: created by user@host (pid N) at <RFC 3339 time>"
// (pkg/backend/diy/lock.go).
var cliLockHolder = regexp.MustCompile(`: created by (\S+) \(pid (\d+)\) at (\S+)`)

// watchBackend watches the state backend while op saves to it (an update
// or a destroy; a preview saves nothing), and returns a context that ends,
// with a *BackendDownError as its cause, once the backend stops answering:
// the Automation API then interrupts the CLI, and kills it 10 s later.
func (r *AutoRunner) watchBackend(ctx context.Context, op Operation, stack string) (context.Context, func()) {
	r.mu.Lock()
	ws := r.workspace
	r.mu.Unlock()
	if op == Preview || ws == nil {
		return ctx, func() {}
	}
	project, err := ws.ProjectSettings(ctx)
	if err != nil {
		return ctx, func() {}
	}
	backendURL := backendURLOf(project)
	probe := backendProbe(backendURL)
	if probe == nil {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	go watchBackend(ctx, probe, backendProbeEvery, backendDeadAfter, func(err error) {
		cancel(&BackendDownError{Backend: redactedBackend(backendURL), Stack: stack, Cause: err})
	})
	return ctx, func() { cancel(nil) }
}

// busy is the stack's BusyError when another run holds it: the backend
// lists it as updating (Pulumi Cloud), or a DIY backend holds its lock.
// It reads the lock and never waits for it or breaks it.
func (r *AutoRunner) busy(ctx context.Context, stack string) *BusyError {
	r.mu.Lock()
	err := r.open(ctx)
	ws, inProgress := r.workspace, r.inProgress[stack]
	r.mu.Unlock()
	switch {
	case err != nil:
		return nil // the run reports the backend's failure itself
	case inProgress:
		return &BusyError{}
	}
	if holder, locked := r.lockHolder(ctx, ws, stack); locked {
		return &BusyError{Holder: holder}
	}
	return nil
}

// streamGrace is how long a run's events may still arrive after the CLI
// has exited. The Automation API closes the event channel only when the
// CLI opened its event stream: a CLI that stopped before its engine started
// (refused by a stack's lock) never does, and waiting for the channel to
// close would wait for good (deploy hung there, SIGINT or not).
const streamGrace = 2 * time.Second

// eventSink hands a run's engine events to progress until the run ends.
type eventSink struct {
	progress func(Event)
	drained  chan struct{}
	mu       sync.Mutex
	ended    bool
}

// drain reads the stream until it is closed. When it never is (see
// streamGrace), this goroutine waits on it for the rest of the process:
// one small goroutine per such run, and nothing reaches progress after end.
func (k *eventSink) drain(stack string, stream <-chan events.EngineEvent) {
	defer close(k.drained)
	for e := range stream {
		if ev, ok := toEvent(e); ok {
			k.deliver(ev)
			if warning, ok := pendingCreatesWarning(stack, ev); ok {
				k.deliver(warning)
			}
		}
	}
}

func (k *eventSink) deliver(ev Event) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.ended {
		k.progress(ev)
	}
}

// end waits, at most grace, for the stream to be drained, and then lets
// no further event through.
func (k *eventSink) end(grace time.Duration) {
	select {
	case <-k.drained:
	case <-time.After(grace):
	}
	k.mu.Lock()
	k.ended = true
	k.mu.Unlock()
}

// changesOf is an update's resource counts by operation.
func changesOf(summary auto.UpdateSummary) map[string]int {
	if summary.ResourceChanges == nil {
		return nil
	}
	return maps.Clone(*summary.ResourceChanges)
}

// toEvent keeps what progress needs of an engine event: finished resource
// operations (not the stack itself) and warnings and errors.
func toEvent(e events.EngineEvent) (Event, bool) {
	switch {
	case e.ResOutputsEvent != nil && e.ResOutputsEvent.Metadata.Type != string(resource.RootStackType):
		return Event{Done: true, Op: string(e.ResOutputsEvent.Metadata.Op), URN: e.ResOutputsEvent.Metadata.URN}, true
	case e.DiagnosticEvent != nil && (e.DiagnosticEvent.Severity == "warning" || e.DiagnosticEvent.Severity == "error"):
		return Event{Severity: e.DiagnosticEvent.Severity, Message: stripColor(e.DiagnosticEvent.Message)}, true
	}
	return Event{}, false
}

// colorTag is the engine's color markup, <{%reset%}>, left in diagnostic
// messages even with --color never.
var colorTag = regexp.MustCompile(`<\{%[^%]*%\}>`)

func stripColor(s string) string { return colorTag.ReplaceAllString(s, "") }
