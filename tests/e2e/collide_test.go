//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stateBackend is a state backend the collision tests run on: its
// variables, whether a stack's lock is in it, and how a test stops it and
// brings it back (a database stopped, a folder gone).
type stateBackend struct {
	env    []string
	locked func(stack string) bool
	stop   func()
	start  func()
	// secret is what must never be printed (the database password).
	secret string
}

// fileStateBackend is the workspace's file backend. It stops as a folder
// gone would (an unmounted volume): in its place is a file, so that nothing
// can write there again until it is back.
func (w *workspace) fileStateBackend() stateBackend {
	root := filepath.Join(w.repo, ".pulumi")
	return stateBackend{
		env: w.backend(),
		locked: func(stack string) bool {
			found, _ := filepath.Glob(filepath.Join(root, ".pulumi", "locks", "*", "*", stack, "*.json"))
			return len(found) > 0
		},
		stop: func() {
			require.NoError(w.t, os.Rename(root, root+".gone"))
			require.NoError(w.t, os.WriteFile(root, []byte("the backend's volume is gone\n"), 0o600))
		},
		start: func() {
			require.NoError(w.t, os.Remove(root))
			require.NoError(w.t, os.Rename(root+".gone", root))
		},
	}
}

// postgresStateBackend is make state-db's PostgreSQL, stopped and started
// again with make state-db-down and make state-db.
func (w *workspace) postgresStateBackend(t *testing.T) stateBackend {
	backendURL := w.startStateDB(t)
	b := stateBackend{
		env: []string{"PULUMI_BACKEND_URL=" + backendURL, "PULUMI_CONFIG_PASSPHRASE=" + passphrase, "PULUMI_DIY_BACKEND_PARALLEL=1"},
		locked: func(stack string) bool {
			return strings.Contains(w.psql(backendURL, "SELECT key FROM pulumi_state WHERE key LIKE '%/locks/%'"), "/"+stack+"/")
		},
		stop:   func() { w.run("", "make", "state-db-down") },
		secret: strings.TrimSpace(w.read(filepath.Join(w.repo, ".state-db", "password"))),
	}
	b.start = func() {
		w.run("", "make", "state-db")
		require.Equal(t, backendURL, strings.TrimSpace(w.read(filepath.Join(w.repo, ".state-db", "url"))), "the database is back at its address")
	}
	return b
}

// TestDeployWhenRunsCollide shows, on a file backend and on PostgreSQL,
// what deploy does when another run holds a stack or the backend dies:
// a locked stack is refused at once as busy, its holder named, exit 3, a
// preview too; two deploys of one stack started together both end; SIGINT
// and SIGTERM end deploy, and every plugin of its runs, while it previews,
// updates or waits for memory, and a later deploy recovers; a backend that
// stops answering ends the run within seconds, and the steps its error
// names bring the stack back.
func TestDeployWhenRunsCollide(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	for _, name := range []string{"file", "postgres"} {
		t.Run(name, func(t *testing.T) {
			if name == "postgres" {
				requireRealTools(t, "pg_config")
			}
			t.Parallel()
			w := newBuiltWorkspace(t).with(t)
			// Every answer slowed, so that a run lasts long enough to be
			// caught in each of its states.
			accessLog := filepath.Join(t.TempDir(), "access.log")
			dir := filepath.Join(t.TempDir(), "atlas-local")
			flags := []string{"--latency", "300ms", "--log", accessLog}
			baseURL, stopAtlas := w.localAPI(t, dir, flags...)
			var seed localSeed
			w.readJSON(filepath.Join(dir, "credentials.json"), &seed)
			b := w.fileStateBackend()
			if name == "postgres" {
				b = w.postgresStateBackend(t)
			}
			env := append(credentialEnv(seed, baseURL), b.env...)
			shards := []shard{{"c-0", "dev", map[string]string{"a": name + "-c0-a"}}, {"c-1", "dev", map[string]string{"a": name + "-c1-a"}}}
			for _, s := range shards {
				w.writeShardIn(s, seed, baseURL, b.env)
			}
			out, code := w.command(env, "", "bin/atlas-multiorg", "deploy", "c-0", "c-1")
			require.Equal(t, 0, code, tail(out))
			c := collision{w: w, env: env, backend: b, seed: seed, baseURL: baseURL, atlasDir: dir, accessLog: accessLog, orgA: shards[0].orgs["a"]}
			c.stopAtlas = stopAtlas
			c.startAtlas = func() {
				address := strings.TrimPrefix(baseURL, "http://")
				again, _ := w.localAPI(t, dir, append(flags, "--addr", address)...)
				require.Equal(t, baseURL, again, "atlas-local is back at its address")
			}

			t.Run("a locked stack is refused at once, its holder named", c.lockedStack)
			t.Run("two deploys of one stack at once both end", c.twoDeploys)
			for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
				for _, state := range []string{"previewing", "updating", "waiting"} {
					t.Run(fmt.Sprintf("%s while %s", sig, state), func(t *testing.T) { c.with(t).signalled(sig, state) })
				}
			}
			t.Run("a backend that stops answering", c.backendStops)
			t.Run("an Admin API that restarts", c.adminAPIRestarts)
		})
	}
}

// collision is one backend's workspace and stacks.
type collision struct {
	w        *workspace
	env      []string
	backend  stateBackend
	seed     localSeed
	baseURL  string
	atlasDir string
	// accessLog is atlas-local's log of requests; orgA the name of c-0's
	// first organization.
	accessLog, orgA string
	// stopAtlas and startAtlas restart atlas-local at its address.
	stopAtlas, startAtlas func()
}

// collideGuide is the sh blocks of docs/interrupted-deployments.md's
// section on collisions, a dead backend and a restarting Admin API: the
// backend's wait and the lock, then the Admin API's wait.
func collideGuide(t testing.TB) (backendSteps, adminAPIWait string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "interrupted-deployments.md"))
	require.NoError(t, err)
	_, section, found := strings.Cut(string(raw), "\n## When runs collide, the state backend dies, or the Admin API restarts\n")
	require.True(t, found, "the guide has the section")
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks []string
	for _, part := range strings.Split(section, "```sh\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		blocks = append(blocks, block)
	}
	require.Len(t, blocks, 2)
	return blocks[0], blocks[1]
}

// guideBlock starts a block of the guide in bash, with STACK=c-0, the
// backend and the paying organization's credential, as a user's shell
// has them.
func (c collision) guideBlock(block string) *runningDeploy {
	cmd := exec.CommandContext(context.Background(), "bash", "-c", block) //nolint:gosec // G204: the guide's own commands
	cmd.Env = append(append([]string{}, c.w.env...), append(c.env, "STACK=c-0")...)
	return c.start(cmd)
}

// start starts cmd in the workspace, its output read while it runs.
func (c collision) start(cmd *exec.Cmd) *runningDeploy {
	cmd.Dir = c.w.repo
	d := &runningDeploy{cmd: cmd, out: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = d.out, d.out
	require.NoError(c.w.t, cmd.Start())
	go func() { d.done <- cmd.Wait() }()
	return d
}

// orphans are the organizations Atlas links to the paying organization
// that neither stack holds.
func (c collision) orphans() []orphan {
	out, code := c.w.command(c.env, "", "bin/atlas-multiorg", "orphans", "--stack", "c-0", "--stack", "c-1", "-o", "json")
	require.Contains(c.w.t, []int{0, 1}, code, out)
	var found []orphan
	require.NoError(c.w.t, json.Unmarshal([]byte(out[:strings.LastIndex(out, "]")+1]), &found), out)
	return found
}

func (c collision) with(t *testing.T) collision {
	c.w = c.w.with(t)
	return c
}

func (c collision) lockedStack(t *testing.T) {
	c = c.with(t)
	up := exec.CommandContext(context.Background(), "pulumi", "up", "--yes", "--refresh", "--parallel", "1", "--stack", "c-0", "--non-interactive") //nolint:gosec // G204: the test's own command
	up.Dir, up.Env = c.w.repo, append(append([]string{}, c.w.env...), c.env...)
	var upOut bytes.Buffer
	up.Stdout, up.Stderr = &upOut, &upOut
	require.NoError(t, up.Start())
	require.Eventually(t, func() bool { return c.backend.locked("c-0") }, 60*time.Second, 20*time.Millisecond, "pulumi up never took the lock")
	// Held still, so that the update outlasts the checks on a loaded machine.
	require.NoError(t, up.Process.Signal(syscall.SIGSTOP))
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			_ = up.Process.Signal(syscall.SIGCONT)
		}
	}
	defer resume()

	for _, args := range [][]string{{"deploy", "c-0", "c-1"}, {"deploy", "--preview", "c-0"}} {
		start := time.Now()
		out, code := c.w.command(c.env, "", "bin/atlas-multiorg", args...)
		took := time.Since(start)
		assert.Equal(t, 3, code, "%v: busy is exit 3:\n%s", args, out)
		assert.Less(t, took, 15*time.Second, "%v is refused at once, not after the update", args)
		assert.Regexp(t, `(?m)^c-0 +dev +busy .*busy: an update of it is running \(locked by .*, pid `+fmt.Sprint(up.Process.Pid)+`, since `, out,
			"%v names the holder, as status does", args)
		assert.Contains(t, out, "deploy does not wait for a lock and never breaks one", args)
		assert.Contains(t, out, "docs/interrupted-deployments.md", args)
		assert.NotRegexp(t, `\[c-0\] (up|preview) (succeeded|failed)`, out, "nothing ran on the busy stack")
		if c.backend.secret != "" {
			assert.NotContains(t, out, c.backend.secret)
		}
	}
	resume()
	require.NoError(t, up.Wait(), "the update holding the lock was left alone:\n%s", upOut.String())
	assert.False(t, c.backend.locked("c-0"))
}

func (c collision) twoDeploys(t *testing.T) {
	c = c.with(t)
	var wg sync.WaitGroup
	outs, codes := make([]string, 2), make([]int, 2)
	start := time.Now()
	for i := range 2 {
		wg.Go(func() { outs[i], codes[i] = c.w.command(c.env, "", "bin/atlas-multiorg", "deploy", "c-0") })
	}
	wg.Wait()
	t.Logf("two deploys of c-0 at once: exits %v in %s", codes, time.Since(start).Round(time.Millisecond))
	for i := range 2 {
		assert.Contains(t, []int{0, 3}, codes[i], "each succeeds or is refused as busy:\n%s", outs[i])
		if codes[i] == 3 {
			assert.Regexp(t, `(?m)^c-0 +dev +busy .*busy: an update of it is running`, outs[i])
		}
	}
	assert.Less(t, time.Since(start), 2*time.Minute, "neither waits for the other's lock")
	assert.False(t, c.backend.locked("c-0"), "no lock is left")
	out, code := c.w.command(c.env, "", "bin/atlas-multiorg", "deploy", "--preview", "c-0")
	assert.Equal(t, 0, code, out)
}

// runningDeploy is a command (deploy, in a session of its own as a CI job
// runs it; a block of the guide) whose output is read while it runs.
type runningDeploy struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (c collision) startDeploy(args ...string) *runningDeploy {
	cmd := exec.CommandContext(context.Background(), filepath.Join(c.w.repo, "bin", "atlas-multiorg"), append([]string{"deploy"}, args...)...) //nolint:gosec // G204: the scratch copy's own build
	cmd.Env = append(append([]string{}, c.w.env...), c.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	d := c.start(cmd)
	c.w.t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return d
}

// waitForProcess waits until a process whose name starts with prefix runs
// in deploy's session.
func (d *runningDeploy) waitForProcess(t testing.TB, prefix string) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, p := range inSession(d.cmd.Process.Pid) {
			if strings.Contains(p, "("+prefix) {
				return true
			}
		}
		return false
	}, 2*time.Minute, 5*time.Millisecond, "no %s process in deploy's session:\n%s", prefix, d.out.String())
}

// stillRunningAfter checks that the command has not ended after a while.
func (d *runningDeploy) stillRunningAfter(t testing.TB, while time.Duration, what string) {
	t.Helper()
	select {
	case err := <-d.done:
		require.Failf(t, "ended too soon", "%s ended (%v):\n%s", what, err, d.out.String())
	case <-time.After(while):
	}
}

// waitFor waits until deploy has printed text.
func (d *runningDeploy) waitFor(t testing.TB, text string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(d.out.String(), text) }, 2*time.Minute, 20*time.Millisecond,
		"deploy never printed %q:\n%s", text, d.out.String())
}

// end waits at most limit for deploy to exit, and returns its exit code.
func (d *runningDeploy) end(t testing.TB, limit time.Duration) int {
	t.Helper()
	select {
	case err := <-d.done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(limit):
		require.Failf(t, "deploy did not end", "within %s:\n%s", limit, d.out.String())
		return -1
	}
}

// signalled sends deploy sig while it previews, updates (creating an
// organization) or waits for memory for its second stack, and checks that
// it ends with every process of its session (the CLI, the provider
// plugins), and that the next deploy finds a stack it can run, and Atlas
// nothing the state does not hold.
func (c collision) signalled(sig syscall.Signal, state string) {
	t := c.w.t
	var d *runningDeploy
	switch state {
	case "previewing":
		d = c.startDeploy("--preview", "c-0")
		d.waitFor(t, "[c-0] preview started")
		d.waitForProcess(t, "pulumi-resource") // the CLI and its provider plugin are up
	case "updating":
		c.w.writeShardFile(shard{"c-0", "dev", map[string]string{"a": c.orgA, "s": fmt.Sprintf("%s-%d", c.orgA, sig)}}, c.seed, c.baseURL)
		log := c.w.read(c.accessLog)
		d = c.startDeploy("c-0")
		d.waitFor(t, "[c-0] up started")
		require.Eventually(t, func() bool {
			return len(c.w.read(c.accessLog)) > len(log)
		}, time.Minute, 20*time.Millisecond, "the update never called Atlas")
		d.waitForProcess(t, "pulumi-resource")
	case "waiting":
		// One stack's estimated memory (250 MB plus 100 MB) fits, two do
		// not: either may start first.
		d = c.startDeploy("--max-memory", "400MB", "c-0", "c-1")
		d.waitFor(t, "] up started")
	}
	start := time.Now()
	require.NoError(t, d.cmd.Process.Signal(sig))
	code := d.end(t, 30*time.Second)
	t.Logf("%s while %s: deploy ended in %s, exit %d", sig, state, time.Since(start).Round(time.Millisecond), code)
	out := d.out.String()
	assert.Equal(t, 1, code, out)
	assert.Eventually(t, func() bool { return len(inSession(d.cmd.Process.Pid)) == 0 }, 10*time.Second, 50*time.Millisecond,
		"no process of deploy's session outlives it: %v", inSession(d.cmd.Process.Pid))
	if state == "waiting" {
		assert.Regexp(t, `(?m)^c-[01] +dev +skipped .*not run: interrupted`, out, "the stack waiting for memory never starts")
	}
	assert.NotContains(t, out, "create it first", "an interrupted run is not taken for a missing stack")

	assert.False(t, c.backend.locked("c-0"), "the interrupted run freed its lock")
	out, code = c.w.command(c.env, "", "bin/atlas-multiorg", "deploy", "c-0", "c-1")
	assert.Equal(t, 0, code, "the next deploy recovers:\n%s", out)
	assert.Empty(t, c.orphans(), "Atlas holds nothing the state does not")
}

// backendStops stops the backend right after Atlas created an organization
// of the running update, before the state could record it: the run ends
// within seconds, and the steps its error names (free the lock, then look
// for orphans) bring the stack back.
func (c collision) backendStops(t *testing.T) {
	c = c.with(t)
	c.w.writeShardFile(shard{"c-0", "dev", map[string]string{"a": c.orgA, "d": c.orgA + "-lost"}}, c.seed, c.baseURL)
	accessLog := c.accessLog
	created, _ := createsIn(c.w.read(accessLog))
	d := c.startDeploy("c-0")
	require.Eventually(t, func() bool { n, _ := createsIn(c.w.read(accessLog)); return n > created }, 2*time.Minute, 5*time.Millisecond,
		"the update never created its organization:\n%s", d.out.String())
	c.backend.stop()
	stopped := time.Now()
	code := d.end(t, 45*time.Second)
	took := time.Since(stopped)
	out := d.out.String()
	t.Logf("the backend stopped: deploy ended %s later, exit %d", took.Round(time.Millisecond), code)
	assert.Equal(t, 1, code, out)
	assert.Less(t, took, 25*time.Second, "within seconds, not 33 s a save")
	assert.Contains(t, out, "stopped answering")
	assert.Contains(t, out, "pulumi cancel --yes --stack c-0")
	assert.Contains(t, out, "atlas-multiorg orphans --stack c-0")
	if c.backend.secret != "" {
		assert.NotContains(t, out, c.backend.secret)
	}
	assert.Eventually(t, func() bool { return len(inSession(d.cmd.Process.Pid)) == 0 }, 10*time.Second, 50*time.Millisecond,
		"no plugin outlives the run: %v", inSession(d.cmd.Process.Pid))

	// The steps, as the error and docs/interrupted-deployments.md name
	// them: the guide's wait, started while the backend is still down.
	backendSteps, _ := collideGuide(t)
	steps := c.guideBlock(backendSteps)
	steps.stillRunningAfter(t, 3*time.Second, "the guide's wait, while the backend is down")
	c.backend.start()
	assert.Equal(t, 0, steps.end(t, time.Minute), steps.out.String())
	assert.False(t, c.backend.locked("c-0"), "the guide freed the lock the dead run left")
	found := c.orphans()
	t.Logf("orphans after the backend stopped: %d", len(found))
	for _, o := range found {
		c.w.runEnv(nil, "bin/atlas-local", "console", "--data-dir", c.atlasDir, "delete-org", o.OrgID)
	}
	c.w.runEnv(c.env, "pulumi", "refresh", "--yes", "--clear-pending-creates", "--stack", "c-0", "--non-interactive")
	out, code = c.w.command(c.env, "", "bin/atlas-multiorg", "deploy", "c-0")
	assert.Equal(t, 0, code, out)
	assert.Empty(t, c.orphans())
	assert.Len(t, c.w.heldOrgs(t, c.env, "c-0"), 2, "the state holds both organizations")
}

// adminAPIRestarts runs the guide's wait for the Admin API while
// atlas-local is down, and brings it back: the wait ends once orphans
// gets an answer.
func (c collision) adminAPIRestarts(t *testing.T) {
	c = c.with(t)
	_, adminAPIWait := collideGuide(t)
	c.stopAtlas()
	wait := c.guideBlock(adminAPIWait)
	wait.stillRunningAfter(t, 3*time.Second, "the guide's wait, while the Admin API is down")
	c.startAtlas()
	assert.Equal(t, 0, wait.end(t, time.Minute), wait.out.String())
	out := wait.out.String()
	assert.Contains(t, out, "connection refused", "orphans said why it got no answer")
	assert.Empty(t, c.orphans(), "and then it answered")
}
