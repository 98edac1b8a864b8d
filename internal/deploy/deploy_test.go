package deploy

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRunner is a Runner whose stacks have fixed environments and outcomes.
type fakeRunner struct {
	envs   map[string]string
	fail   map[string]string // stack -> the error diagnostic it reports
	busy   map[string]string // stack -> who holds its lock
	gate   chan struct{}     // when set, every run waits for it to close
	events int               // finished resource operations each run reports

	running, peak atomic.Int32
	mu            sync.Mutex
	ran           []string
}

func (f *fakeRunner) Environment(_ context.Context, stack string) (string, error) {
	env, ok := f.envs[stack]
	if !ok {
		return "", errors.New("no such stack")
	}
	return env, nil
}

func (f *fakeRunner) Run(ctx context.Context, _ Operation, stack string, progress func(Event)) (Outcome, error) {
	f.mu.Lock()
	f.ran = append(f.ran, stack)
	f.mu.Unlock()
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); p = f.peak.Load() {
	}
	if holder, ok := f.busy[stack]; ok {
		return Outcome{}, fmt.Errorf("running up: %w", &BusyError{Holder: holder})
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		}
	}
	for i := range f.events {
		progress(Event{Done: true, Op: "create", URN: fmt.Sprintf("urn:%d", i)})
	}
	if msg, ok := f.fail[stack]; ok {
		progress(Event{Severity: "error", Message: msg + "\n  more detail"})
		return Outcome{}, errors.New("update failed")
	}
	return Outcome{Changes: map[string]int{"create": f.events}, Outputs: 3, SecretOutputs: 1}, nil
}

func (f *fakeRunner) order() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.ran...)
}

func TestPlanOrdersEnvironmentsByPromotion(t *testing.T) {
	runner := &fakeRunner{envs: map[string]string{"prod-eu": "prod", "dev": "dev", "staging": "staging", "prod-us": "prod", "dev-b": "dev"}}
	stacks := []string{"prod-eu", "staging", "dev", "prod-us", "dev-b"}
	tests := []struct {
		op   Operation
		want []Stage
	}{
		{Up, []Stage{{"dev", []string{"dev", "dev-b"}}, {"staging", []string{"staging"}}, {"prod", []string{"prod-eu", "prod-us"}}}},
		{Preview, []Stage{{"dev", []string{"dev", "dev-b"}}, {"staging", []string{"staging"}}, {"prod", []string{"prod-eu", "prod-us"}}}},
		{Destroy, []Stage{{"prod", []string{"prod-eu", "prod-us"}}, {"staging", []string{"staging"}}, {"dev", []string{"dev", "dev-b"}}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.op), func(t *testing.T) {
			stages, err := Plan(t.Context(), runner, tt.op, stacks)
			require.NoError(t, err)
			assert.Equal(t, tt.want, stages)
		})
	}
}

func TestPlanReportsEveryBadStackAtOnce(t *testing.T) {
	runner := &fakeRunner{envs: map[string]string{"dev": "dev", "prod-eu": "production"}}
	_, err := Plan(t.Context(), runner, Up, []string{"dev", "dev", "prod-eu", "typo"})
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3, err.Error())
	assert.Contains(t, lines[0], `stack "dev": listed twice`)
	assert.Contains(t, lines[1], `stack "prod-eu": environment "production" is not one of dev, staging, prod`)
	assert.Contains(t, lines[1], "pulumi config set --stack prod-eu atlas-multiorg:environment")
	assert.Contains(t, lines[2], `stack "typo": no such stack`)

	_, err = Plan(t.Context(), runner, Up, nil)
	assert.ErrorContains(t, err, "no stacks given")
}

func TestRunShardsOfOneEnvironmentInParallelUpToTheLimit(t *testing.T) {
	runner := &fakeRunner{envs: map[string]string{}, gate: make(chan struct{})}
	var shards []string
	for i := range 5 {
		shard := fmt.Sprintf("dev-%d", i)
		runner.envs[shard] = "dev"
		shards = append(shards, shard)
	}
	done := make(chan []Result)
	go func() {
		done <- Run(t.Context(), runner, []Stage{{"dev", shards}}, Options{Operation: Up, Parallel: 3})
	}()
	require.Eventually(t, func() bool { return runner.running.Load() == 3 }, 5*time.Second, time.Millisecond)
	time.Sleep(20 * time.Millisecond) // a fourth would have started by now
	assert.EqualValues(t, 3, runner.running.Load(), "no more than --parallel stacks at once")
	close(runner.gate)
	results := <-done
	assert.EqualValues(t, 3, runner.peak.Load())
	require.Len(t, results, 5)
	for i, r := range results {
		assert.Equal(t, shards[i], r.Stack, "the summary keeps the order stacks were given in")
		assert.Equal(t, Succeeded, r.Status)
	}
}

func TestAFailureStopsLaterEnvironmentsButNotItsOwnShards(t *testing.T) {
	runner := &fakeRunner{
		envs: map[string]string{"dev-a": "dev", "dev-b": "dev", "dev-c": "dev", "staging": "staging", "prod": "prod"},
		fail: map[string]string{"dev-b": "multiorg: orgs.x.name: must be unique"},
	}
	stages, err := Plan(t.Context(), runner, Up, []string{"prod", "staging", "dev-a", "dev-b", "dev-c"})
	require.NoError(t, err)
	var lines []string
	results := Run(t.Context(), runner, stages, Options{Operation: Up, Parallel: 1, Progress: func(l string) { lines = append(lines, l) }})

	assert.Equal(t, []string{"dev-a", "dev-b", "dev-c"}, runner.order(), "dev-c runs although dev-b failed; staging and prod do not")
	status := map[string]Result{}
	for _, r := range results {
		status[r.Stack] = r
	}
	assert.Equal(t, Succeeded, status["dev-a"].Status)
	assert.Equal(t, Failed, status["dev-b"].Status)
	assert.Equal(t, "multiorg: orgs.x.name: must be unique", status["dev-b"].Reason, "the first error diagnostic, not the CLI's exit message")
	assert.Equal(t, Succeeded, status["dev-c"].Status)
	for _, later := range []string{"staging", "prod"} {
		assert.Equal(t, Skipped, status[later].Status, later)
		assert.Equal(t, "not run: dev-b failed first", status[later].Reason, later)
	}
	assert.Contains(t, lines, "[dev-b] error: multiorg: orgs.x.name: must be unique\n  more detail")
	assert.Contains(t, lines, "[dev-b] up failed after 0s: multiorg: orgs.x.name: must be unique")
}

func TestABusyStackIsNotRunAndStopsLaterEnvironments(t *testing.T) {
	runner := &fakeRunner{
		envs: map[string]string{"dev-a": "dev", "dev-b": "dev", "prod": "prod"},
		busy: map[string]string{"dev-b": "locked by ci@runner-1, pid 42, since 2026-12-07T18:00:00Z"},
	}
	var lines []string
	results := Run(t.Context(), runner, []Stage{{"dev", []string{"dev-a", "dev-b"}}, {"prod", []string{"prod"}}},
		Options{Operation: Preview, Parallel: 1, Progress: func(l string) { lines = append(lines, l) }})

	require.Len(t, results, 3)
	assert.Equal(t, Succeeded, results[0].Status, "a busy shard does not stop its own environment's others")
	assert.Equal(t, Busy, results[1].Status)
	assert.Equal(t, "busy: an update of it is running (locked by ci@runner-1, pid 42, since 2026-12-07T18:00:00Z); "+
		"preview did not run on it: deploy does not wait for a lock and never breaks one. Run it again once that run ends; "+
		"if no such run is alive (it was killed, or its backend failed), free the lock as docs/interrupted-deployments.md says", results[1].Reason)
	assert.Equal(t, Skipped, results[2].Status)
	assert.Equal(t, "not run: dev-b was busy first", results[2].Reason)
	assert.Contains(t, lines, "[dev-b] preview not run: "+results[1].Reason)
}

func TestARunRefusedByALockIsBusy(t *testing.T) {
	refusal := errors.New("failed to run update: exit status 255\ncode: 255\nstdout: \nstderr: error: the stack is currently locked by 1 lock(s). " +
		"Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n  file:///srv/state/.pulumi/locks/organization/atlas-multiorg/dev/1.json: created by ci@runner-1 (pid 42) at 2026-12-07T18:00:00Z\n")
	held := &BusyError{Holder: "locked by ci@runner-1, pid 42, since 2026-12-07T18:00:00Z"}
	tests := map[string]struct {
		err      error
		fromLock *BusyError
		want     *BusyError
	}{
		"the lock still there names its holder":          {refusal, held, held},
		"the lock gone by now: the holder the CLI named": {refusal, nil, held},
		"Pulumi Cloud's refusal, in its words": {errors.New("failed to run update: exit status 255\nstderr: error: [409] Conflict: Another update is currently in progress.\n"),
			nil, &BusyError{Holder: "[409] Conflict: Another update is currently in progress."}},
		"any other failure is not busy": {errors.New("failed to run update: exit status 255\nstderr: error: 401 Unauthorized\n"), held, nil},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, refusedAsBusy(tt.err, func() *BusyError { return tt.fromLock }))
		})
	}
}

func TestAnEventStreamNeverOpenedDoesNotHoldTheRun(t *testing.T) {
	tests := map[string]struct {
		closed bool
		want   []Event
	}{
		// The CLI refused the stack before its engine started: the
		// Automation API never closes the channel.
		"never closed": {closed: false, want: []Event{{Severity: "warning", Message: "early"}}},
		"closed":       {closed: true, want: []Event{{Severity: "warning", Message: "early"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var got []Event
			sink := &eventSink{drained: make(chan struct{}), progress: func(e Event) { mu.Lock(); got = append(got, e); mu.Unlock() }}
			stream := make(chan events.EngineEvent)
			go sink.drain("dev", stream)
			stream <- events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "early"}}}
			if tt.closed {
				close(stream)
			}
			start := time.Now()
			sink.end(200 * time.Millisecond)
			if tt.closed {
				assert.Less(t, time.Since(start), 100*time.Millisecond, "a closed stream ends at once")
			} else {
				assert.GreaterOrEqual(t, time.Since(start), 200*time.Millisecond, "an open stream is waited for, a grace at most")
				go func() {
					stream <- events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "late"}}}
				}()
				time.Sleep(50 * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tt.want, got, "nothing reaches progress after end")
		})
	}
}

func TestProgressLinesEveryNResources(t *testing.T) {
	runner := &fakeRunner{envs: map[string]string{"dev": "dev"}, events: 7}
	var lines []string
	results := Run(t.Context(), runner, []Stage{{"dev", []string{"dev"}}},
		Options{Operation: Up, Parallel: 1, Every: 3, Progress: func(l string) { lines = append(lines, l) }})
	require.Len(t, results, 1)
	assert.Equal(t, []string{
		"[dev] up started (dev)",
		"[dev] 3 resources done",
		"[dev] 6 resources done",
		"[dev] up succeeded in 0s: 7 created",
	}, lines)
	assert.Equal(t, Outcome{Changes: map[string]int{"create": 7}, Outputs: 3, SecretOutputs: 1}, results[0].Outcome)
}

func TestAnInterruptedDeploymentStartsNothingMore(t *testing.T) {
	runner := &fakeRunner{envs: map[string]string{"dev-a": "dev", "dev-b": "dev", "prod": "prod"}, gate: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan []Result)
	go func() {
		done <- Run(ctx, runner, []Stage{{"dev", []string{"dev-a", "dev-b"}}, {"prod", []string{"prod"}}}, Options{Operation: Up, Parallel: 1})
	}()
	require.Eventually(t, func() bool { return runner.running.Load() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	results := <-done
	require.Len(t, results, 3)
	assert.Equal(t, Failed, results[0].Status, "the running stack is interrupted")
	assert.Equal(t, Skipped, results[1].Status)
	assert.Equal(t, "not run: interrupted", results[1].Reason)
	assert.Equal(t, Skipped, results[2].Status)
	assert.Equal(t, "not run: dev-a failed first", results[2].Reason, "the interrupted stack fails, so prod depends on a failure")
	assert.Equal(t, []string{"dev-a"}, runner.order())
}

func TestChangeSummary(t *testing.T) {
	tests := []struct {
		changes map[string]int
		want    string
	}{
		{nil, "no changes"},
		{map[string]int{"same": 4}, "4 unchanged"},
		{map[string]int{"same": 1, "create": 2, "delete": 1, "read": 3}, "2 created, 1 deleted, 1 unchanged, 3 read"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ChangeSummary(tt.changes))
	}
}

func TestReasonOfAnErrorDiagnostic(t *testing.T) {
	tests := map[string]struct{ message, want string }{
		"the program's validation": {"an unhandled error occurred: program failed: \n1 error occurred:\n\t* invalid configuration (1 problem):\n  - orgs.x.name: \"has space\" has characters Atlas refuses",
			`orgs.x.name: "has space" has characters Atlas refuses`},
		"the provider's one line": {"[ERROR] Post \"https://cloud.mongodb.com/api/oauth/token\": no such host: Error initializing provider",
			"[ERROR] Post \"https://cloud.mongodb.com/api/oauth/token\": no such host: Error initializing provider"},
		"only lead-ins": {"update failed:\n", "update failed:"},
		// A refresh refused, as the provider 4.14.0 said it (2026-12-07).
		"the provider's noise left out": {"sdk-v2/provider2.go:571: sdk.helper_schema: error reading organization settings: " +
			"http://127.0.0.1:37531/api/atlas/v2/orgs/e16d/settings GET: HTTP 403 Forbidden (Error code: \"USER_UNAUTHORIZED\") Detail: The credential needs " +
			"the Organization Owner role in organization e16d for this call. Reason: Forbidden. Params: [], BadRequestDetail: : provider=mongodbatlas@4.14.0",
			"error reading organization settings: http://127.0.0.1:37531/api/atlas/v2/orgs/e16d/settings GET: HTTP 403 Forbidden (Error code: \"USER_UNAUTHORIZED\") " +
				"Detail: The credential needs the Organization Owner role in organization e16d for this call. Reason: Forbidden."},
		"a backend URL's password": {"error: dial postgres://pulumi:hunter22@db:5432/state: refused", "error: dial postgres://pulumi:xxxxx@db:5432/state: refused"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.want, reasonOf(tt.message))
		})
	}
}

func TestListedStacks(t *testing.T) {
	existing := map[string]bool{"dev-0": true, "acme/atlas-multiorg/prod-eu": true}
	for stack, want := range map[string]bool{
		"dev-0": true, "acme/atlas-multiorg/dev-0": true, "prod-eu": true, "acme/atlas-multiorg/prod-eu": true,
		"dev": false, "v-0": false, "prod": false,
	} {
		assert.Equal(t, want, listed(existing, stack), stack)
	}
}

func TestBackendEnvKeepsFewerListWorkersThanConnections(t *testing.T) {
	env := backendEnv(func(string) (string, bool) { return "", false })
	workers, err := strconv.Atoi(env["PULUMI_DIY_BACKEND_PARALLEL"])
	require.NoError(t, err)
	assert.Less(t, workers, 2*runtime.GOMAXPROCS(0), "each worker may hold a connection while it waits for another")
	assert.GreaterOrEqual(t, workers, 1)
	assert.Nil(t, backendEnv(func(string) (string, bool) { return "8", true }), "the user's own setting is kept")
}

func TestADeploymentInterruptedBeforeItStartsRunsNothing(t *testing.T) {
	runner := &fakeRunner{envs: map[string]string{"dev": "dev", "prod": "prod"}}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	results := Run(ctx, runner, []Stage{{"dev", []string{"dev"}}, {"prod", []string{"prod"}}}, Options{Operation: Up, Parallel: 1})
	require.Len(t, results, 2)
	for _, r := range results {
		assert.Equal(t, Skipped, r.Status, r.Stack)
		assert.Equal(t, "not run: interrupted", r.Reason, r.Stack)
	}
	assert.Empty(t, runner.order())
}

func TestPendingCreatesWarningNamesTheOrgKeys(t *testing.T) {
	engine := "Attempting to deploy or update resources with 3 pending operations from previous deployment.\n" +
		"  * urn:pulumi:dev-0::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-o4, interrupted while creating\n" +
		"  * urn:pulumi:dev-0::atlas-multiorg::atlas-multiorg:index:MultiOrg$mongodbatlas:index/organization:Organization::multiorg-o1, interrupted while creating\n" +
		"  * urn:pulumi:dev-0::atlas-multiorg::pulumi:providers:mongodbatlas::org-o1, interrupted while updating\n" +
		"These resources are in an unknown state because the Pulumi CLI was interrupted"
	w, ok := pendingCreatesWarning("dev-0", Event{Severity: "warning", Message: engine})
	require.True(t, ok)
	assert.Equal(t, "warning", w.Severity)
	assert.Contains(t, w.Message, "the creates of orgs.o1, orgs.o4 pending")
	assert.Contains(t, w.Message, "atlas-multiorg orphans --stack dev-0")
	_, ok = pendingCreatesWarning("dev-0", Event{Severity: "warning", Message: "some other warning"})
	assert.False(t, ok)
	_, ok = pendingCreatesWarning("dev-0", Event{Severity: "warning", Message: "Attempting to deploy or update resources with 1 pending operations from previous deployment.\n" +
		"  * urn:pulumi:dev-0::atlas-multiorg::pulumi:providers:mongodbatlas::org-o1, interrupted while updating"})
	assert.False(t, ok, "no organization create pending")
}
