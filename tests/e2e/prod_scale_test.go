//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkProdScale is make bench-e2e's prod rows: one stack of N
// copies of the shipped Pulumi.prod.yaml analytics entry (rotation,
// resource policies, the prod profile), then BENCH_E2E_PROD_SHARDED
// organizations in shards through deploy, each `up` timed with the peak of
// its process tree's memory, and the no-change preview after it. A
// measurement; make bench-e2e sets its knobs:
//
//	BENCH_E2E_PROD_ORGS     one-stack sizes, comma-separated (50,100,200); unset or empty leaves it out
//	BENCH_E2E_PROD_SHARDED  organizations/shards through deploy (500/10; "" for none)
//	BENCH_E2E_LATENCY       atlas-local --latency (100ms)
func BenchmarkProdScale(b *testing.B) {
	counts := os.Getenv("BENCH_E2E_PROD_ORGS")
	if counts == "" {
		b.Skip("BENCH_E2E_PROD_ORGS is empty: no stack size to measure (make bench-e2e gives 50,100,200)")
	}
	requireRealTools(b)
	latency := envOr("BENCH_E2E_LATENCY", "100ms")
	w := newBuiltWorkspace(b)
	_, baseURL, seed := w.seededLocalAPI(b, "--latency", latency)
	env := w.shardEnv(seed, baseURL)

	var report strings.Builder
	fmt.Fprintf(&report, "\nprod profile, the shipped analytics entry, atlas-local --latency %s, %s\n\n", latency, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintln(&report, "| orgs | how | `up` s | CPU s | peak RSS MB (private) | processes | no-change preview s | state KB per org |")
	fmt.Fprintln(&report, "|---|---|---|---|---|---|---|---|")
	row := func(n int, how string, up timedRun, preview time.Duration, stateBytes int) {
		fmt.Fprintf(&report, "| %d | %s | %.1f | %.1f | %d (%d) | %d | %.1f | %.1f |\n", n, how, up.wall.Seconds(), up.cpu.Seconds(),
			up.peakRSS/1024, up.peakPrivate/1024, up.peakProcs, preview.Seconds(), float64(stateBytes)/1024/float64(n))
		b.Log(report.String())
	}
	for _, field := range strings.Split(counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		require.NoError(b, err, "BENCH_E2E_PROD_ORGS")
		stack := fmt.Sprintf("prod-one-%d", n)
		w.writeProdStack(b, stack, 0, n, seed, baseURL)
		up := w.timedInSession(b, env, "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
		start := time.Now()
		w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
		row(n, "one stack", up, time.Since(start), w.stateBytes(b, stack))
		w.tearDownProd(b, env, stack)
	}
	if sharded := envOr("BENCH_E2E_PROD_SHARDED", ""); sharded != "" {
		total, shards := 0, 0
		_, err := fmt.Sscanf(sharded, "%d/%d", &total, &shards)
		require.NoError(b, err, "BENCH_E2E_PROD_SHARDED is organizations/shards, like 500/10")
		names := make([]string, shards)
		for i := range shards {
			names[i] = fmt.Sprintf("prod-shard-%d", i)
			w.writeProdStack(b, names[i], i*total/shards, (i+1)*total/shards, seed, baseURL)
		}
		up := w.timedInSession(b, env, append([]string{"bin/atlas-multiorg", "deploy", "--parallel", strconv.Itoa(shards)}, names...)...)
		start := time.Now()
		for _, name := range names {
			w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", name, "--non-interactive")
		}
		state := 0
		for _, name := range names {
			state += w.stateBytes(b, name)
		}
		row(total, fmt.Sprintf("%d shards, deploy --max-memory auto", shards), up, time.Since(start), state)
		for _, name := range names {
			w.tearDownProd(b, env, name)
		}
	}
	if out := os.Getenv("BENCH_E2E_REPORT"); out != "" {
		appendReport(b, out, report.String())
	}
}

// writeProdStack writes and initialises a prod stack of copies from..to of
// the shipped Pulumi.prod.yaml analytics entry.
func (w *workspace) writeProdStack(t testing.TB, stack string, from, to int, seed localSeed, baseURL string) {
	config := w.shippedConfig(t, "prod", seed, baseURL)
	entry := config["atlas-multiorg:orgs"].(map[string]any)["analytics"].(map[string]any)
	orgs := map[string]any{}
	for i := from; i < to; i++ {
		copied := map[string]any{}
		for k, v := range entry {
			copied[k] = v
		}
		copied["name"] = fmt.Sprintf("bench-prod-%04d", i)
		orgs[fmt.Sprintf("org-%04d", i)] = copied
	}
	config["atlas-multiorg:orgs"] = orgs
	w.writeStackConfig(t, stack, config)
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")
}

// tearDownProd is docs/environments-and-policies.md's tear-down of a prod stack.
func (w *workspace) tearDownProd(t testing.TB, env []string, stack string) {
	t.Helper()
	w.runEnv(env, "pulumi", "state", "unprotect", "--all", "--yes", "--stack", stack, "--non-interactive")
	w.runEnv(env, "pulumi", "destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	w.runEnv(env, "pulumi", "stack", "rm", "--yes", stack, "--non-interactive")
}

// stateBytes is the size of the stack's checkpoint file.
func (w *workspace) stateBytes(t testing.TB, stack string) int {
	info, err := os.Stat(filepath.Join(w.repo, ".pulumi", ".pulumi", "stacks", "atlas-multiorg", stack+".json"))
	require.NoError(t, err)
	return int(info.Size())
}

// timedRun is one command's wall time, the CPU time of it and every
// descendant it waited for (the plugins), and the peaks of its process tree.
type timedRun struct {
	wall, cpu            time.Duration
	peakRSS, peakPrivate int // kB, summed over the session
	peakProcs            int
	// cpuBy is the CPU seconds of the session's processes by command name,
	// as last sampled (a process that lived under 100 ms is missed).
	cpuBy map[string]float64
}

// timedInSession runs a command in a session of its own, sampling every
// 100 ms the summed VmRSS and RssAnon of the session's live processes.
func (w *workspace) timedInSession(t testing.TB, env []string, args ...string) timedRun {
	cmd := exec.CommandContext(context.Background(), args[0], args[1:]...) //nolint:gosec // G204: the benchmark's own commands
	cmd.Dir, cmd.Env = w.repo, append(append([]string{}, w.env...), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	require.NoError(t, cmd.Start())
	var run timedRun
	ticks := map[string]int{} // "pid comm" -> utime+stime, clock ticks
	var mu sync.Mutex
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			rss, private, procs := sessionMemory(cmd.Process.Pid, ticks)
			mu.Lock()
			run.peakRSS, run.peakPrivate, run.peakProcs = max(run.peakRSS, rss), max(run.peakPrivate, private), max(run.peakProcs, procs)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	run.wall = time.Since(start)
	run.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	close(stop)
	<-sampled
	run.cpuBy = map[string]float64{}
	for process, n := range ticks {
		run.cpuBy[strings.Fields(process)[1]] += float64(n) / 100 // USER_HZ
	}
	require.NoError(t, err, "%s: %s", strings.Join(args, " "), tail(out.String()))
	t.Logf("%s: %.1f s, %.1f CPU s, peak %d MB RSS (%d MB private), %d processes", strings.Join(args[:2], " "), run.wall.Seconds(),
		run.cpu.Seconds(), run.peakRSS/1024, run.peakPrivate/1024, run.peakProcs)
	var byProcess []string
	for name, seconds := range run.cpuBy {
		byProcess = append(byProcess, fmt.Sprintf("%s %.1f", name, seconds))
	}
	sort.Strings(byProcess)
	t.Logf("CPU s by process: %s", strings.Join(byProcess, ", "))
	return run
}

// sessionMemory sums VmRSS and RssAnon (kB) of session sid's live
// processes, and counts them; it records each one's CPU ticks in ticks.
func sessionMemory(sid int, ticks map[string]int) (rss, private, procs int) {
	for _, p := range sessionProcesses(sid) {
		// after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
		if len(p.fields) > 12 {
			user, _ := strconv.Atoi(p.fields[11])
			system, _ := strconv.Atoi(p.fields[12])
			ticks[p.id] = user + system
		}
		pid := strings.Fields(p.id)[0]
		raw, err := os.ReadFile(filepath.Join("/proc", pid, "status")) //nolint:gosec // G304: /proc
		if err != nil {
			continue
		}
		procs++
		for _, line := range strings.Split(string(raw), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			kb, _ := strconv.Atoi(f[1])
			switch f[0] {
			case "VmRSS:":
				rss += kb
			case "RssAnon:":
				private += kb
			}
		}
	}
	return rss, private, procs
}
