//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// TestProdConvergesAndARefusedDestroyKeepsTheState runs the shipped
// Pulumi.prod.yaml (rotation, resource policies, protected organizations)
// with the real tools against atlas-local: one `pulumi up` converges, the
// first run of the next rotation period converges too, and a destroy with
// the preview skipped (as CI tear-downs and the Automation API run it), and
// deploy --destroy, are refused with the state exactly as it was. The
// tear-down for prod in docs/environments-and-policies.md then removes everything.
func TestProdConvergesAndARefusedDestroyKeepsTheState(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	const stack = "prod-0"

	w.writeStackConfig(t, stack, w.shippedConfig(t, "prod", seed, baseURL))

	env := w.shardEnv(seed, baseURL)
	at := func(clock time.Time) []string {
		return append(slices.Clone(env), multiorg.ClockEnv+"="+clock.UTC().Format(time.RFC3339))
	}
	// The run's clock, at the start of a rotation period, so the next
	// period is a known distance away.
	period := 240 * time.Hour
	now := time.Now().Truncate(period).Add(time.Minute)
	pulumi := func(clock time.Time, args ...string) string {
		return w.runEnv(at(clock), "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	secret := func() string {
		var credentials map[string]map[string]string
		require.NoError(t, json.Unmarshal([]byte(pulumi(now, "stack", "output", "credentials", "--json", "--show-secrets")), &credentials))
		return credentials["analytics"]["clientSecret"]
	}
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")

	out := pulumi(now, "up", "--yes", "--skip-preview")
	assert.Contains(t, out, "ServiceAccountSecret", "analytics rotates")
	pulumi(now, "preview", "--expect-no-changes")
	w.credentialsSignIn(t, env, stack, baseURL, 2)
	first := secret()

	t.Run("the next rotation period: a new secret, and one up converges", func(t *testing.T) {
		next := now.Add(period)
		out := pulumi(next, "up", "--yes", "--skip-preview")
		assert.Contains(t, out, "replaced", "the secret of the new period replaces the last one")
		now = next
		pulumi(now, "preview", "--expect-no-changes")
		assert.NotEqual(t, first, secret(), "the export is the new period's secret")
		w.credentialsSignIn(t, env, stack, baseURL, 2)
	})

	urns := func() []string {
		var all []string
		for _, r := range stateResources(t, pulumi(now, "stack", "export")) {
			all = append(all, r.URN)
		}
		slices.Sort(all)
		return all
	}
	before := urns()
	policies := len(w.atlasPolicies(dir))
	require.Positive(t, policies)

	t.Run("a destroy with the preview skipped is refused and keeps the state", func(t *testing.T) {
		out, code := w.command(at(now), "", "pulumi", "destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
		assert.NotEqual(t, 0, code, tail(out))
		assert.Contains(t, out, "because it is protected")
		assert.Equal(t, before, urns(), "nothing left the state")
		assert.Len(t, w.atlasPolicies(dir), policies, "nothing was deleted in Atlas")
		pulumi(now, "preview", "--expect-no-changes")
	})

	t.Run("deploy --destroy is refused and keeps the state", func(t *testing.T) {
		out, code := w.command(at(now), "", "bin/atlas-multiorg", "deploy", "--destroy", stack)
		assert.Equal(t, 1, code, tail(out))
		assert.Contains(t, out, "protected")
		assert.Equal(t, before, urns(), "nothing left the state")
		pulumi(now, "preview", "--expect-no-changes")
	})

	t.Run("a stack moved out of prod is refused, until it is unprotected on purpose", func(t *testing.T) {
		orgs := w.atlasOrgsIn(dir)
		pulumi(now, "config", "set", "atlas-multiorg:environment", "dev")
		out, code := w.command(at(now), "", "pulumi", "up", "--yes", "--stack", stack, "--non-interactive")
		assert.NotEqual(t, 0, code, tail(out))
		assert.Contains(t, out, "multiorg-analytics-protected\" cannot be deleted")
		assert.Contains(t, out, "pulumi state unprotect", "the engine names the way out")
		assert.Equal(t, before, urns(), "the preview stopped it: nothing changed in the state")
		assert.Equal(t, orgs, w.atlasOrgsIn(dir))

		pulumi(now, "state", "unprotect", "--all", "--yes")
		out = pulumi(now, "up", "--yes")
		assert.Contains(t, out, "-protected", "the guards are gone")
		pulumi(now, "preview", "--expect-no-changes")
		assert.Equal(t, orgs, w.atlasOrgsIn(dir), "no organization was deleted")
	})

	t.Run("the guide's tear-down for prod", func(t *testing.T) {
		pulumi(now, "state", "unprotect", "--all", "--yes")
		pulumi(now, "destroy", "--yes", "--skip-preview")
		assert.Equal(t, []string{"local-paying-org"}, w.atlasOrgsIn(dir), "only the paying organization is left")
	})
}

// TestStagingConvergesInOneUp runs the shipped Pulumi.staging.yaml's
// created organizations (a service account with policies, an API key) with
// the real tools against atlas-local: the preview after one `pulumi up`
// shows no changes, and the destroy after it leaves only the paying
// organization. Its adopted entry names an organization of the placeholder
// account, so it is left out here; the adoption tests cover that path.
func TestStagingConvergesInOneUp(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	const stack = "staging-0"
	config := w.shippedConfig(t, "staging", seed, baseURL)
	require.NotEmpty(t, config["atlas-multiorg:orgs"], "the shipped staging stack creates organizations")
	w.writeStackConfig(t, stack, config)
	env := w.shardEnv(seed, baseURL)
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")

	w.runEnv(env, "pulumi", "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	w.runEnv(env, "pulumi", "preview", "--expect-no-changes", "--stack", stack, "--non-interactive")
	w.credentialsSignIn(t, env, stack, baseURL, len(config["atlas-multiorg:orgs"].(map[string]any)))
	assert.NotEmpty(t, w.atlasPolicies(dir), "staging switches policies on")

	w.runEnv(env, "pulumi", "destroy", "--yes", "--skip-preview", "--stack", stack, "--non-interactive")
	assert.Equal(t, []string{"local-paying-org"}, w.atlasOrgsIn(dir), "only the paying organization is left")
}

// shippedConfig is the config of the shipped Pulumi.<environment>.yaml,
// pointed at atlas-local and its paying organization, with the entries that
// adopt an organization of the placeholder account left out.
func (w *workspace) shippedConfig(t testing.TB, environment string, seed localSeed, baseURL string) map[string]any {
	var shipped map[string]map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(w.read(filepath.Join(w.repo, "Pulumi."+environment+".yaml"))), &shipped))
	config := shipped["config"]
	orgs := config["atlas-multiorg:orgs"].(map[string]any)
	for key, entry := range orgs {
		if _, adopted := entry.(map[string]any)["importId"]; adopted {
			delete(orgs, key)
		}
	}
	config["mongodbatlas:baseUrl"] = baseURL
	config["atlas-multiorg:payingOrgId"] = seed["payingOrgId"]
	config["atlas-multiorg:orgOwnerId"] = seed["orgOwnerId"]
	config["atlas-multiorg:environment"] = environment
	return config
}

// writeStackConfig writes Pulumi.<stack>.yaml.
func (w *workspace) writeStackConfig(t testing.TB, stack string, config map[string]any) {
	raw, err := yaml.Marshal(map[string]any{"config": config})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"), raw, 0o600))
}

// atlasPolicies are the names of the resource policies atlas-local holds,
// in every organization.
func (w *workspace) atlasPolicies(dir string) []string {
	w.t.Helper()
	var state struct {
		Orgs map[string]struct {
			ResourcePolicies map[string]struct{ Name string } `json:"resourcePolicies"`
		} `json:"orgs"`
	}
	w.readJSON(filepath.Join(dir, "state.json"), &state)
	var names []string
	for _, o := range state.Orgs {
		for _, p := range o.ResourcePolicies {
			names = append(names, p.Name)
		}
	}
	return names
}

// TestAnInterruptedDeployEndsItsPlugins interrupts `atlas-multiorg deploy`
// of a prod shard mid-run, as Ctrl-C or a CI job's cancel does: deploy
// forwards the interrupt to the stack's run, waits for it, and exits with no
// plugin process of the run left alive in its session.
func TestAnInterruptedDeployEndsItsPlugins(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	_, baseURL, seed := w.seededLocalAPI(t, "--latency", "300ms")
	orgs := map[string]string{}
	for i := range 8 {
		orgs[fmt.Sprintf("o%d", i)] = fmt.Sprintf("interrupted-%d", i)
	}
	w.writeShard(shard{"prod-interrupted", "prod", orgs}, seed, baseURL)

	deploy := exec.CommandContext(context.Background(), filepath.Join(w.repo, "bin", "atlas-multiorg"), "deploy", "prod-interrupted") //nolint:gosec // G204: the scratch copy's own build
	deploy.Dir, deploy.Env = w.repo, append(append([]string{}, w.env...), w.shardEnv(seed, baseURL)...)
	deploy.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out bytes.Buffer
	deploy.Stdout, deploy.Stderr = &out, &out
	require.NoError(t, deploy.Start())
	// Interrupted once organizations' own providers run: deploy, the CLI,
	// the caller's provider and at least two more.
	require.Eventually(t, func() bool { return len(inSession(deploy.Process.Pid)) >= 5 }, 2*time.Minute, 20*time.Millisecond,
		"deploy did not start the organizations' providers")
	plugins := len(inSession(deploy.Process.Pid))
	require.NoError(t, deploy.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- deploy.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, out.String())
		assert.Equal(t, 1, exit.ExitCode(), "an interrupted stack did not succeed: %s", tail(out.String()))
	case <-time.After(2 * time.Minute):
		_ = syscall.Kill(-deploy.Process.Pid, syscall.SIGKILL)
		t.Fatalf("deploy did not end after the interrupt:\n%s", tail(out.String()))
	}
	t.Logf("%d processes in deploy's session when it was interrupted", plugins)
	assert.Empty(t, inSession(deploy.Process.Pid), "no plugin outlives an interrupted deploy")
}
