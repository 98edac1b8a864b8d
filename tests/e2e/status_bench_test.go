//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkStatus measures atlas-multiorg status over BENCH_STATUS_STACKS
// stacks of BENCH_STATUS_ORGS organizations each (20 and 10 unless set),
// against `pulumi preview --refresh` of each stack one after another, the
// way a team checks its fleet without status. The stacks are deployed on an
// atlas-local without latency, which then comes back on the same address
// delaying every answer by BENCH_STATUS_LATENCY (100ms), at each --parallel of BENCH_STATUS_PARALLEL
// (1,2,4,8). make bench-status runs it.
func BenchmarkStatus(b *testing.B) {
	requireRealTools(b)
	stacksN, err := strconv.Atoi(envOr("BENCH_STATUS_STACKS", "20"))
	require.NoError(b, err, "BENCH_STATUS_STACKS")
	orgsN, err := strconv.Atoi(envOr("BENCH_STATUS_ORGS", "10"))
	require.NoError(b, err, "BENCH_STATUS_ORGS")
	latency := envOr("BENCH_STATUS_LATENCY", "100ms")
	parallels := strings.Split(envOr("BENCH_STATUS_PARALLEL", "1,2,4,8"), ",")

	w := newBuiltWorkspace(b)
	dir := filepath.Join(b.TempDir(), "atlas-local")
	baseURL, stop := w.localAPI(b, dir)
	var seed localSeed
	w.readJSON(filepath.Join(dir, "credentials.json"), &seed)
	env := w.shardEnv(seed, baseURL)
	var names []string
	for s := range stacksN {
		name := fmt.Sprintf("bench-%02d", s)
		orgs := map[string]string{}
		for o := range orgsN {
			orgs[fmt.Sprintf("o%02d", o)] = fmt.Sprintf("%s-%02d", name, o)
		}
		w.writeShard(shard{name, "dev", orgs}, seed, baseURL)
		names = append(names, name)
	}
	start := time.Now()
	w.runEnv(env, "bin/atlas-multiorg", append([]string{"deploy", "--parallel", "8"}, names...)...)
	b.Logf("deployed %d stacks of %d organizations in %.1f s", stacksN, orgsN, time.Since(start).Seconds())

	stop()
	_, stop = w.localAPI(b, dir, "--addr", strings.TrimPrefix(baseURL, "http://"), "--latency", latency)
	defer stop()

	var rows strings.Builder
	var fastest time.Duration
	for _, parallel := range parallels {
		start = time.Now()
		out, code := w.command(env, "", "bin/atlas-multiorg", append([]string{"status", "--parallel", strings.TrimSpace(parallel)}, names...)...)
		took := time.Since(start)
		require.Equal(b, 0, code, tail(out))
		b.Logf("--parallel %s: %s", parallel, out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
		fmt.Fprintf(&rows, "| atlas-multiorg status --parallel %s | %.1f s |\n", strings.TrimSpace(parallel), took.Seconds())
		if fastest == 0 || took < fastest {
			fastest = took
		}
	}

	start = time.Now()
	for _, name := range names {
		w.runEnv(env, "pulumi", "preview", "--refresh", "--expect-no-changes", "--stack", name, "--non-interactive")
	}
	sequential := time.Since(start)
	report := fmt.Sprintf("\n| %d stacks × %d orgs, --latency %s, %d cores | wall time |\n|---|---|\n%s"+
		"| pulumi preview --refresh per stack, one after another | %.1f s |\n| sequential / fastest status | %.2f× |\n",
		stacksN, orgsN, latency, runtime.NumCPU(), rows.String(), sequential.Seconds(), sequential.Seconds()/fastest.Seconds())
	b.Log(report)
	if path := os.Getenv("BENCH_E2E_REPORT"); path != "" {
		appendReport(b, path, report)
	}
	// No destroy: atlas-local and the backend are the test's scratch files.
}
