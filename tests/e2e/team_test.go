//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// teamWorkflow is docs/running-as-a-team.md with a real PostgreSQL
// (make state-db): two working copies of the repository act as two CI
// runners on one backend. Each deploys two of four shards, at once; each sees
// the other's stacks; an update of a stack the other runner is updating is
// refused with Pulumi's lock message; and the state table holds no
// plaintext credential.
func (w *workspace) teamWorkflow(t *testing.T, seed localSeed) {
	if _, err := exec.LookPath("pg_config"); err != nil {
		t.Skip("PostgreSQL is not installed (no pg_config on PATH)")
	}
	backendURL := w.startStateDB(t)
	// As the guide says: PULUMI_DIY_BACKEND_PARALLEL=1, or pulumi stack ls
	// hangs once the project has four stacks on two cores.
	shared := []string{"PULUMI_BACKEND_URL=" + backendURL, "PULUMI_CONFIG_PASSPHRASE=" + passphrase, "PULUMI_DIY_BACKEND_PARALLEL=1"}

	other := newBuiltWorkspace(t).with(t) // the second runner: its own clone, its own PULUMI_HOME
	baseURL := strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url")))
	env := append(credentialEnv(seed, baseURL), shared...)
	runners := map[*workspace][]string{w: {"team-0", "team-1"}, other: {"team-2", "team-3"}}
	for runner, shards := range runners {
		for _, name := range shards {
			runner.writeShardIn(shard{name, "dev", map[string]string{"a": name + "-a", "b": name + "-b"}}, seed, baseURL, shared)
			// Committed and pulled: both copies hold every stack file, with its salt.
			stackFile := "Pulumi." + name + ".yaml"
			for copyTo := range runners {
				if copyTo != runner {
					require.NoError(t, os.WriteFile(filepath.Join(copyTo.repo, stackFile), []byte(runner.read(filepath.Join(runner.repo, stackFile))), 0o600))
				}
			}
		}
	}

	// The same four shards from one runner on the file backend, for the
	// side-by-side figure.
	fileShards := []string{"file-0", "file-1", "file-2", "file-3"}
	for _, name := range fileShards {
		w.writeShard(shard{name, "dev", map[string]string{"a": name + "-a", "b": name + "-b"}}, seed, baseURL)
	}
	fileEnv := w.shardEnv(seed, baseURL)
	before := w.atlasOrgs()
	start := time.Now()
	w.runEnv(fileEnv, "bin/atlas-multiorg", append([]string{"deploy"}, fileShards...)...)
	t.Logf("four shards from one runner against the file backend: %.2f s", time.Since(start).Seconds())
	w.runEnv(fileEnv, "bin/atlas-multiorg", append([]string{"deploy", "--destroy"}, fileShards...)...)
	for _, name := range fileShards {
		w.runEnv(w.backend(), "pulumi", "stack", "rm", "--yes", name, "--non-interactive")
	}

	start = time.Now()
	var wg sync.WaitGroup
	outs := map[*workspace]string{}
	var mu sync.Mutex
	for runner, shards := range runners {
		wg.Go(func() {
			out, code := runner.command(env, "", "bin/atlas-multiorg", append([]string{"deploy"}, shards...)...)
			assert.Equal(t, 0, code, tail(out))
			mu.Lock()
			outs[runner] = out
			mu.Unlock()
		})
	}
	wg.Wait()
	t.Logf("four shards from two runners at once against PostgreSQL: %.2f s", time.Since(start).Seconds())

	listed := other.runEnv(shared, "pulumi", "stack", "ls", "--json")
	for _, name := range []string{"team-0", "team-1", "team-2", "team-3"} {
		assert.Contains(t, listed, `"name": "`+name+`"`, "the second runner lists every shard")
	}
	other.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", "team-0", "--non-interactive")

	t.Run("an update of a stack the other runner is updating is refused, and loses nothing", func(t *testing.T) {
		first, firstOut := w.upHoldingTheLock(t, env, backendURL, "team-1", "--refresh")
		out, code := other.command(env, "", "pulumi", "up", "--yes", "--stack", "team-1", "--non-interactive")
		assert.NotEqual(t, 0, code)
		assert.Contains(t, out, "the stack is currently locked by 1 lock(s)")
		t.Logf("the lock refusal: %s", lockLines(out))
		require.NoError(t, first.Wait(), firstOut.String())
		other.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", "team-1", "--non-interactive")
	})

	t.Run("a runner killed mid-update leaves its lock; pulumi cancel, then up, clears it with no twin", func(t *testing.T) {
		for runner := range runners {
			runner.with(t).addOrgs(filepath.Join(runner.repo, "Pulumi.team-0.yaml"), "c:\n  name: team-0-c\n")
		}
		killed, _ := w.upHoldingTheLock(t, env, backendURL, "team-0")
		require.NoError(t, syscall.Kill(-killed.Process.Pid, syscall.SIGKILL)) // the engine's plugins with it
		_ = killed.Wait()

		out, code := other.command(env, "", "pulumi", "up", "--yes", "--stack", "team-0", "--non-interactive")
		assert.NotEqual(t, 0, code)
		assert.Contains(t, out, "the stack is currently locked by 1 lock(s)", "the killed runner's lock is left")
		other.runEnv(shared, "pulumi", "cancel", "--yes", "--stack", "team-0", "--non-interactive")
		other.runEnv(env, "pulumi", "up", "--yes", "--stack", "team-0", "--non-interactive")
		twins := 0
		for _, name := range w.atlasOrgs() {
			if name == "team-0-c" {
				twins++
			}
		}
		assert.Equal(t, 1, twins, "team-0-c exists once")
		w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", "team-0", "--non-interactive")
	})

	t.Run("the consumer stack reads its shard through the shared backend while other shards deploy", func(t *testing.T) {
		dir := filepath.Join(other.repo, "stacks", "projects")
		consumer := "config:\n  mongodbatlas:baseUrl: " + baseURL + "\n" +
			"  atlas-multiorg-projects:orgStack: organization/atlas-multiorg/team-0\n" +
			"  atlas-multiorg-projects:projects:\n    app:\n      org: c\n      name: team-0-app\n      roles:\n        - GROUP_OWNER\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.team-0.yaml"), []byte(consumer), 0o600))
		in := func(args ...string) string {
			return other.with(t).runIn(dir, shared, "pulumi", append(args, "--stack", "team-0", "--non-interactive")...)
		}
		in("stack", "init")
		// The consumer's update runs while the first runner updates the
		// other shards: each stack has its own lock.
		var shards sync.WaitGroup
		shards.Go(func() {
			out, code := w.with(t).command(env, "", "bin/atlas-multiorg", "deploy", "team-1", "team-2", "team-3")
			assert.Equal(t, 0, code, tail(out))
		})
		assert.Contains(t, in("up", "--yes"), "created")
		shards.Wait()
		assert.Contains(t, in("stack", "output", "projects", "--json"), "team-0-app")
		in("preview", "--expect-no-changes")
		in("destroy", "--yes")
		in("stack", "rm", "--yes")
	})

	table := w.psql(backendURL, "SELECT data::text FROM pulumi_state")
	assert.NotContains(t, table, seed["clientSecret"])
	for runner, shards := range runners {
		for _, name := range shards {
			credentials := runner.runEnv(shared, "pulumi", "stack", "output", "credentials", "--show-secrets", "--json", "--stack", name)
			secrets := clientSecret.FindAllString(credentials, -1)
			require.GreaterOrEqual(t, len(secrets), 2, "every organization's client secret of %s", name)
			for _, secret := range secrets {
				assert.NotContains(t, table, secret, "a plaintext client secret of %s in the state table", name)
			}
		}
	}
	checkpoints, err := strconv.Atoi(w.psql(backendURL, "SELECT sum(length(data::text)) FROM pulumi_state WHERE key LIKE '%/stacks/atlas-multiorg/team-_.json'"))
	require.NoError(t, err)
	orgs := len(w.atlasOrgs()) - len(before)
	t.Logf("state table: %s rows, %s bytes; the latest checkpoints: %d bytes for %d organizations, %d per organization",
		w.psql(backendURL, "SELECT count(*) FROM pulumi_state"), w.psql(backendURL, "SELECT sum(length(data::text)) FROM pulumi_state"),
		checkpoints, orgs, checkpoints/orgs)

	out := other.runEnv(env, "bin/atlas-multiorg", "deploy", "--destroy", "team-0", "team-1", "team-2", "team-3")
	assert.Contains(t, out, "4 succeeded")
	for _, name := range []string{"team-0", "team-1", "team-2", "team-3"} {
		other.runEnv(shared, "pulumi", "stack", "rm", "--yes", name, "--non-interactive")
	}
}

// startStateDB runs make state-db for the copy, stopped when t ends, and
// returns its backend URL.
func (w *workspace) startStateDB(t testing.TB) string {
	w.readyForStateDB(t)
	w.run("", "make", "state-db")
	return strings.TrimSpace(w.read(filepath.Join(w.repo, ".state-db", "url")))
}

// readyForStateDB lets make state-db run in the copy, and stops its
// database when t ends, whoever started it.
func (w *workspace) readyForStateDB(t testing.TB) {
	// The database runs as the postgres user, which must reach the copy.
	for dir := w.repo; dir != "/" && dir != os.TempDir(); dir = filepath.Dir(dir) {
		require.NoError(t, os.Chmod(dir, 0o755)) //nolint:gosec // G302: searchable for the postgres user; the files keep their modes
	}
	t.Cleanup(func() {
		down := exec.CommandContext(context.Background(), "make", "state-db-down") // t's context is done by now
		down.Dir = w.repo
		_ = down.Run()
	})
}

// upHoldingTheLock starts pulumi up on the stack in its own process group
// and returns once the update holds the stack's lock in the state table.
func (w *workspace) upHoldingTheLock(t testing.TB, env []string, backendURL, stack string, flags ...string) (*exec.Cmd, *strings.Builder) {
	up := exec.CommandContext(context.Background(), "pulumi", append([]string{"up", "--yes", "--stack", stack, "--non-interactive"}, flags...)...) //nolint:gosec // G204: the test's own command
	up.Dir, up.Env = w.repo, append(append([]string{}, w.env...), env...)
	up.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	up.Stdout, up.Stderr = &out, &out
	require.NoError(t, up.Start())
	require.Eventually(t, func() bool {
		return strings.Contains(w.psql(backendURL, "SELECT key FROM pulumi_state WHERE key LIKE '%/locks/%'"), "/"+stack+"/")
	}, 60*time.Second, 20*time.Millisecond, "the update of %s never took the lock", stack)
	return up, &out
}

// writeShardIn is writeShard on another backend.
func (w *workspace) writeShardIn(s shard, seed localSeed, baseURL string, backend []string) {
	c := *w
	c.env = append(append([]string{}, w.env...), backend...)
	c.writeShardFile(s, seed, baseURL)
	c.runEnv(nil, "pulumi", "stack", "init", s.name, "--non-interactive")
}

// psql runs one query on the state database and returns its rows, unaligned.
func (w *workspace) psql(backendURL, query string) string {
	w.t.Helper()
	return strings.TrimSpace(w.run("", "psql", "-tA", "-d", strings.Replace(backendURL, "postgres://", "postgresql://", 1), "-c", query))
}

// clientSecret is a service-account secret as atlas-local issues one.
var clientSecret = regexp.MustCompile(`mdb_sa_sk_[0-9A-Za-z]+`)

// lockLines is the CLI's refusal, without the plugin warnings.
func lockLines(out string) string {
	var kept []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "lock") {
			kept = append(kept, strings.TrimSpace(line))
		}
	}
	return strings.Join(kept, " / ")
}
