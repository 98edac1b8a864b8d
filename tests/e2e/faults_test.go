//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
)

// faultRow is one line of the fault table the issue "Faults lose nothing"
// asks for: what a fault did, and what was left after the guide's
// recovery.
type faultRow struct {
	fault string
	seed  uint64
	// runs are the pulumi up runs: under the fault, then the recovery's.
	runs int
	// created are the organizations Atlas created, answered or not.
	created int
	// twins are the most organizations that shared a name with another
	// after any run; lost are the creates whose answer was lost.
	twins, lost int
	// orphans found by atlas-multiorg orphans after the faulted run, and
	// left after the recovery.
	orphansFound, orphansLeft int
	// stopped is whether a naive pulumi up after the fault stopped at the
	// twin check.
	stopped bool
}

// TestFaultsLoseNothing runs docs/interrupted-deployments.md's recovery with
// the real tools: for each fault atlas-local can inject, a
// 20-organization pulumi up under it, then the recovery the guide gives;
// and kill -9 of a 50-organization pulumi up at a random point, ten times.
// After each: atlas-local holds exactly the organizations the config names,
// each once and each in the stack's state; every exported credential signs
// in; the next preview shows no changes; orphans finds none.
func TestFaultsLoseNothing(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	var rows []faultRow
	t.Cleanup(func() { t.Log(faultTable(rows)) })

	const rate = "0.2"
	for _, tc := range []struct {
		fault string
		seed  uint64
		flags []string
	}{
		{"answer lost after the write: connection dropped", 11, []string{"--lost-rate", rate}},
		{"answer lost after the write: 502 or 504", 12, []string{"--gateway-error-rate", rate}},
		{"atlas-local restarts after the write (state kept)", 13, []string{"--crash-rate", "0.05"}},
		{"429 with Retry-After, before the write", 14, []string{"--throttle-rate", rate}},
		{"500 before the write", 15, []string{"--fail-rate", rate}},
		{"slow answers (--latency 300ms)", 16, []string{"--latency", "300ms"}},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			rows = append(rows, w.with(t).faultRound(t, tc.fault, tc.seed, 20, tc.flags, nil))
		})
	}
	for seed := uint64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprintf("kill -9 of pulumi up, seed %d", seed), func(t *testing.T) {
			at := 1 + rand.New(rand.NewPCG(seed, 0)).IntN(50) //nolint:gosec // G404: a reproducible point, not security
			rows = append(rows, w.with(t).faultRound(t, fmt.Sprintf("kill -9 after %d org creates", at), seed, 50,
				[]string{"--latency", "10ms"}, &at))
		})
	}
	for _, r := range rows {
		assert.Zero(t, r.orphansLeft, "%s: orphans left after the recovery", r.fault)
	}
}

// faultRound is one row: a fresh atlas-local with the fault, an n-org shard
// deployed under it (killed after *killAt org creates when killAt is set),
// the guide's recovery with the fault gone, and the checks.
func (w *workspace) faultRound(t testing.TB, fault string, seed uint64, n int, flags []string, killAt *int) faultRow {
	row := faultRow{fault: fault, seed: seed}
	dir := filepath.Join(t.TempDir(), "atlas-local")
	faultFlags := append([]string{"--fault-seed", strconv.FormatUint(seed, 10), "--log", filepath.Join(dir, "access.log")}, flags...)
	baseURL, stop := w.localAPI(t, dir, faultFlags...)
	var seedIDs localSeed
	w.readJSON(filepath.Join(dir, "credentials.json"), &seedIDs)
	stack := fmt.Sprintf("fault-%d-%d", seed, n)
	if killAt != nil {
		stack = fmt.Sprintf("kill-%d", seed)
	}
	orgs := map[string]string{}
	for i := range n {
		orgs[fmt.Sprintf("o%02d", i)] = fmt.Sprintf("%s-%02d", stack, i)
	}
	w.writeShard(shard{stack, "dev", orgs}, seedIDs, baseURL)
	env := w.shardEnv(seedIDs, baseURL)
	up := func() (string, int) {
		row.runs++
		return w.command(env, "", "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	}

	twins := func() {
		seen := map[string]int{}
		for _, name := range w.atlasOrgsIn(dir) {
			seen[name]++
		}
		count := 0
		for _, c := range seen {
			count += c - 1
		}
		row.twins = max(row.twins, count)
	}
	killed := false
	if killAt != nil {
		killed = w.upKilledAfter(t, env, stack, filepath.Join(dir, "access.log"), *killAt)
		row.runs++
	} else {
		out, code := up()
		t.Logf("pulumi up under the fault: exit %d", code)
		if code != 0 {
			assert.NotContains(t, out, "panic")
		}
	}
	twins()

	// The fault passes: atlas-local comes back on the same address, with
	// the same state, without it.
	stop()
	_, stop = w.localAPI(t, dir, "--addr", strings.TrimPrefix(baseURL, "http://"), "--log", filepath.Join(dir, "access.log"))
	defer stop()

	// The guide's recovery. 1: a killed runner left its lock.
	if killed {
		out, code := up()
		require.NotEqual(t, 0, code)
		require.Contains(t, out, "the stack is currently locked")
		w.runEnv(env, "pulumi", "cancel", "--yes", "--stack", stack, "--non-interactive")
	}
	// 2: orphans finds what the fault left behind: every organization in
	// Atlas (but the paying one) that the stack's state does not hold.
	found := w.orphans(t, env, stack)
	row.orphansFound = len(found)
	var leftBehind, foundIDs []string
	held := w.heldOrgs(t, env, stack)
	for id, o := range w.atlasState(dir) {
		if !o.Paying && !held[id] {
			leftBehind = append(leftBehind, id)
		}
	}
	for _, o := range found {
		foundIDs = append(foundIDs, o.OrgID)
	}
	assert.ElementsMatch(t, leftBehind, foundIDs, "orphans finds every organization the fault left behind, and only those")
	if len(found) > 0 {
		// A plain pulumi up stops at the twin check: it creates the
		// organizations that are simply missing, and no twin. After a kill,
		// it runs through deploy, which also names the org keys whose
		// creates the engine reports pending.
		var out string
		var code int
		if killed {
			row.runs++
			out, code = w.command(env, "", "bin/atlas-multiorg", "deploy", stack)
			for _, o := range found {
				if strings.Contains(o.Probably, "did not finish") {
					assert.Contains(t, out, "an interrupted update left the creates of orgs.")
					assert.Contains(t, out, "atlas-multiorg orphans --stack "+stack)
					break
				}
			}
		} else {
			out, code = up()
		}
		assert.NotEqual(t, 0, code)
		assert.Contains(t, out, "already exists, linked to the paying organization, but this stack's state does not hold it")
		row.stopped = code != 0
		twins()
		assert.Zero(t, row.twins, "the twin check let no twin through")
	}
	// 3: the organization owner deletes each, in the Atlas UI.
	for _, o := range found {
		assert.NotEmpty(t, o.OrgKey, "orphans names the entry of %s", o.OrgID)
		w.runEnv(nil, "bin/atlas-local", "console", "--data-dir", dir, "delete-org", o.OrgID)
	}
	// 4: refresh, which drops what the provider half-created and cleaned
	// up (an organization whose settings call failed is deleted again, yet
	// recorded), and the creates a killed update left pending; then up.
	w.runEnv(env, "pulumi", "refresh", "--yes", "--clear-pending-creates", "--skip-preview", "--stack", stack, "--non-interactive")
	out, code := up()
	require.Equal(t, 0, code, tail(out))
	twins()
	row.created, row.lost = createsIn(w.read(filepath.Join(dir, "access.log")))

	// The checks.
	want := []string{"local-paying-org"}
	for _, name := range orgs {
		want = append(want, name)
	}
	assert.ElementsMatch(t, want, w.atlasOrgsIn(dir), "Atlas holds exactly the organizations the config names, each once")
	held = w.heldOrgs(t, env, stack)
	assert.Len(t, held, n, "the state holds every organization")
	inAtlas := w.atlasState(dir)
	for id := range held {
		assert.Contains(t, inAtlas, id, "the state's organization %s is in Atlas", id)
	}
	w.credentialsSignIn(t, env, stack, baseURL, n)
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	row.orphansLeft = len(w.orphans(t, env, stack))
	return row
}

// seededLocalAPI starts an atlas-local of its own, with its flags, and
// returns its data folder, its base URL and what it seeded.
func (w *workspace) seededLocalAPI(t testing.TB, flags ...string) (dir, baseURL string, seed localSeed) {
	dir = filepath.Join(t.TempDir(), "atlas-local")
	baseURL, _ = w.localAPI(t, dir, flags...)
	w.readJSON(filepath.Join(dir, "credentials.json"), &seed)
	return dir, baseURL, seed
}

// localAPI starts an atlas-local in dir, and returns its base URL and what
// stops it (also called when the test ends).
func (w *workspace) localAPI(t testing.TB, dir string, flags ...string) (string, func()) {
	urlFile := filepath.Join(dir, "url")
	_ = os.Remove(urlFile)
	args := append([]string{"--data-dir", dir, "--url-file", urlFile}, flags...)
	cmd := exec.CommandContext(context.Background(), filepath.Join(w.repo, "bin", "atlas-local"), args...) //nolint:gosec // G204: the scratch copy's own build
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	require.NoError(t, cmd.Start())
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	t.Cleanup(stop)
	require.Eventually(t, func() bool {
		raw, err := os.ReadFile(urlFile) //nolint:gosec // G304: the test's own scratch file
		return err == nil && len(raw) > 0
	}, 10*time.Second, 10*time.Millisecond, "atlas-local did not start")
	return strings.TrimSpace(w.read(urlFile)), stop
}

// upKilledAfter starts pulumi up in a session of its own, as
// docs/interrupted-deployments.md says to start unattended runs, and kills
// it once atlas-local has answered `creates` organization creates.
func (w *workspace) upKilledAfter(t testing.TB, env []string, stack, accessLog string, creates int) bool {
	return w.killedAfter(t, env, accessLog, creates, "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
}

// killedAfter starts a command in a session of its own and kills its
// process group with SIGKILL once atlas-local has answered `creates`
// organization creates. The engine's plugins each run in a process group of
// their own and outlive that; the guide's next step, a kill of the session,
// must end every one of them. It reports whether it killed the command (it
// may end first).
func (w *workspace) killedAfter(t testing.TB, env []string, accessLog string, creates int, name string, args ...string) bool {
	up := exec.CommandContext(context.Background(), name, args...) //nolint:gosec // G204: the test's own command
	up.Dir, up.Env = w.repo, append(append([]string{}, w.env...), env...)
	up.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	require.NoError(t, up.Start())
	done := make(chan error, 1)
	go func() { done <- up.Wait() }()
	deadline := time.After(2 * time.Minute)
	for {
		select {
		case err := <-done:
			t.Logf("%s ended before %d creates (%v)", name, creates, err)
			return false
		case <-deadline:
			t.Fatalf("%s did not reach %d creates", name, creates)
		case <-time.After(5 * time.Millisecond):
		}
		raw, _ := os.ReadFile(accessLog) //nolint:gosec // G304: the test's own scratch file
		if n, _ := createsIn(string(raw)); n >= creates {
			require.NoError(t, syscall.Kill(-up.Process.Pid, syscall.SIGKILL))
			assert.Error(t, <-done, "%s was killed", name)
			t.Logf("after kill -9 of the process group, %d of its plugins were still running", len(inSession(up.Process.Pid)))
			_ = exec.CommandContext(context.Background(), "pkill", "-KILL", "-s", strconv.Itoa(up.Process.Pid)).Run() //nolint:gosec // G204: the session the test started
			assert.Eventually(t, func() bool { return len(inSession(up.Process.Pid)) == 0 }, 10*time.Second, 50*time.Millisecond,
				"no plugin outlives its run once the session is killed")
			return true
		}
	}
}

// inSession lists the live processes of session sid, from /proc, each as
// "pid (comm)".
func inSession(sid int) []string {
	var found []string
	for _, p := range sessionProcesses(sid) {
		found = append(found, p.id)
	}
	return found
}

// sessionProcess is a live process of a session: "pid (comm)", and the
// fields of its /proc/<pid>/stat after that (state ppid pgrp session ...).
type sessionProcess struct {
	id     string
	fields []string
}

// sessionProcesses reads each process's stat once.
func sessionProcesses(sid int) []sessionProcess {
	entries, _ := os.ReadDir("/proc")
	var found []sessionProcess
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")) //nolint:gosec // G304: /proc
		if err != nil {
			continue
		}
		text := string(raw)
		end := strings.LastIndexByte(text, ')') + 1
		// A zombie holds no memory and waits only for its new parent to
		// reap it.
		if f := strings.Fields(text[end:]); len(f) > 3 && f[3] == strconv.Itoa(sid) && f[0] != "Z" {
			found = append(found, sessionProcess{id: text[:end], fields: f})
		}
	}
	return found
}

// createsIn counts, in an atlas-local access log, the organizations created
// and those whose create lost its answer (a fault only strikes a create
// after it was saved).
func createsIn(log string) (created, lost int) {
	for _, line := range strings.Split(log, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[1] != http.MethodPost || f[2] != "/api/atlas/v2/orgs" {
			continue
		}
		switch f[3] {
		case "201":
			created++
		case "502", "504", "dropped":
			created++
			lost++
		}
	}
	return created, lost
}

type orphan struct {
	OrgID    string `json:"orgId"`
	OrgKey   string `json:"orgKey"`
	Stack    string `json:"stack"`
	Probably string `json:"probably"`
}

// orphans runs atlas-multiorg orphans on the stack.
func (w *workspace) orphans(t testing.TB, env []string, stack string) []orphan {
	out, code := w.command(env, "", "bin/atlas-multiorg", "orphans", "--stack", stack, "-o", "json")
	require.Contains(t, []int{0, 1}, code, out)
	var found []orphan
	require.NoError(t, json.Unmarshal([]byte(out[:strings.LastIndex(out, "]")+1]), &found), out)
	assert.Equal(t, len(found) > 0, code == 1, "exit 1 exactly when there is an orphan")
	return found
}

// atlasState is what atlas-local's state file holds of each organization.
func (w *workspace) atlasState(dir string) map[string]atlasOrg {
	var state struct {
		Orgs map[string]atlasOrg `json:"orgs"`
	}
	w.readJSON(filepath.Join(dir, "state.json"), &state)
	return state.Orgs
}

// atlasOrg is an organization as atlas-local's state file holds it.
type atlasOrg struct {
	Name     string
	Paying   bool
	Settings struct {
		APIAccessListRequired bool `json:"apiAccessListRequired"`
	} `json:"settings"`
}

// accessListRequired is the apiAccessListRequired setting of the
// organization named name in the workspace's atlas-local.
func (w *workspace) accessListRequired(name string) bool {
	w.t.Helper()
	for _, o := range w.atlasState(filepath.Join(w.repo, ".atlas-local")) {
		if o.Name == name {
			return o.Settings.APIAccessListRequired
		}
	}
	require.Failf(w.t, "no such organization", "atlas-local holds no organization named %q", name)
	return false
}

// heldOrgs are the organization IDs in the stack's state, read as orphans
// reads them.
func (w *workspace) heldOrgs(t testing.TB, env []string, stack string) map[string]bool {
	state, err := cli.ParseStackExport(stack, []byte(w.runEnv(env, "pulumi", "stack", "export", "--stack", stack, "--non-interactive")))
	require.NoError(t, err)
	return state.Held
}

// credentialsSignIn checks that each of the n exported service-account
// credentials gets an access token (an API key has none to get).
func (w *workspace) credentialsSignIn(t testing.TB, env []string, stack, baseURL string, n int) {
	var creds map[string]struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	out := w.runEnv(env, "pulumi", "stack", "output", "credentials", "--show-secrets", "--json", "--stack", stack, "--non-interactive")
	require.NoError(t, json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &creds))
	require.Len(t, creds, n)
	for key, c := range creds {
		if c.ClientID == "" {
			continue
		}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, baseURL+"/api/oauth/token",
			strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		require.NoError(t, err)
		req.SetBasicAuth(c.ClientID, c.ClientSecret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusOK, resp.StatusCode, "the credential of %s signs in", key)
	}
}

func faultTable(rows []faultRow) string {
	var b strings.Builder
	b.WriteString("\n| fault | seed | pulumi up runs | orgs created | answers lost | orphans found | stopped at the twin check | twins | orphans left |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %v | %d | %d |\n", r.fault, r.seed, r.runs, r.created, r.lost, r.orphansFound, r.stopped, r.twins, r.orphansLeft)
	}
	return b.String()
}
