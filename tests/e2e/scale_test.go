//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkScale is make bench-e2e: N organizations created and
// destroyed by one org stack, by K shards through atlas-multiorg deploy, and
// by Terraform with the same provider (terraform-provider-mongodbatlas
// 2.16.0, which pulumi-resource-mongodbatlas 4.14.0 wraps), one after the
// other against one atlas-local that delays every answer. It is a
// measurement, not a check: it fails only when a run fails or leaves an
// organization behind. make bench-e2e sets its knobs:
//
//	BENCH_E2E_ORGS     organization counts, comma-separated (50,500); unset or empty leaves it out
//	BENCH_E2E_SHARDS   shards for the sharded runs (5)
//	BENCH_E2E_LATENCY  atlas-local --latency (100ms)
//	BENCH_E2E_ROUNDS   rounds per count, interleaved; the table gives medians (3)
func BenchmarkScale(b *testing.B) {
	counts := os.Getenv("BENCH_E2E_ORGS")
	if counts == "" {
		b.Skip("BENCH_E2E_ORGS is empty: no organization count to measure (make bench-e2e gives 50,500)")
	}
	requireRealTools(b, "terraform")
	tfPlugins := os.Getenv("REAL_TOOLS_TF_PLUGIN_DIR")
	if tfPlugins == "" {
		b.Skip("REAL_TOOLS_TF_PLUGIN_DIR is not set (../shared/tools/activate sets it to the Terraform provider's plugin folder)")
	}
	shards, err := strconv.Atoi(envOr("BENCH_E2E_SHARDS", "5"))
	require.NoError(b, err, "BENCH_E2E_SHARDS")
	latency := envOr("BENCH_E2E_LATENCY", "100ms")
	rounds, err := strconv.Atoi(envOr("BENCH_E2E_ROUNDS", "3"))
	require.NoError(b, err, "BENCH_E2E_ROUNDS")
	require.Positive(b, rounds, "BENCH_E2E_ROUNDS")

	w := newBuiltWorkspace(b)
	var report strings.Builder
	fmt.Fprintf(&report, "\n%d shards, atlas-local --latency %s, medians of %d interleaved rounds, %s\n\n",
		shards, latency, rounds, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintln(&report, "| orgs | operation | one Pulumi stack | shards (deploy) | Terraform | one stack / Terraform | shards / Terraform |")
	fmt.Fprintln(&report, "|---|---|---|---|---|---|---|")
	for _, field := range strings.Split(counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		require.NoError(b, err, "BENCH_E2E_ORGS")
		runs := w.scaleRounds(b, n, shards, rounds, latency, tfPlugins)
		for _, op := range []string{"create", "destroy"} {
			one, sharded, tf := median(runs["one-"+op]), median(runs["shards-"+op]), median(runs["tf-"+op])
			fmt.Fprintf(&report, "| %d | %s | %.2f s | %.2f s | %.2f s | %.2f× | %.2f× |\n", n, op,
				one.Seconds(), sharded.Seconds(), tf.Seconds(), one.Seconds()/tf.Seconds(), sharded.Seconds()/tf.Seconds())
		}
	}
	b.Log(report.String())
	if out := os.Getenv("BENCH_E2E_REPORT"); out != "" {
		appendReport(b, out, report.String())
	}
}

// scaleRounds measures one organization count against a fresh atlas-local:
// each round runs the one stack, the shards and Terraform in turn, so a
// slow spell of the machine does not fall on one side only.
func (w *workspace) scaleRounds(t testing.TB, n, shards, rounds int, latency, tfPlugins string) map[string][]time.Duration {
	dir, baseURL, seed := w.seededLocalAPI(t, "--latency", latency)
	env := w.shardEnv(seed, baseURL)
	timed := map[string][]time.Duration{}
	measure := func(name string, args ...string) {
		start := time.Now()
		out, code := w.command(env, "", args[0], args[1:]...)
		took := time.Since(start)
		timed[name] = append(timed[name], took)
		require.Equal(t, 0, code, "%s: %s", name, tail(out))
		t.Logf("%d orgs, round %d, %s: %.2f s", n, len(timed[name]), name, took.Seconds())
	}
	orgsIn := func(prefix string, from, to int) map[string]string {
		orgs := map[string]string{}
		for i := from; i < to; i++ {
			orgs[fmt.Sprintf("org-%04d", i)] = fmt.Sprintf("%s-%04d", prefix, i)
		}
		return orgs
	}
	remaining := func() int { return len(w.atlasOrgsIn(dir)) - 1 } // the paying org stays

	one := fmt.Sprintf("one-%d", n)
	w.writeShard(shard{one, "dev", orgsIn("one", 0, n)}, seed, baseURL)
	names := make([]string, shards)
	for i := range shards {
		names[i] = fmt.Sprintf("shard-%d-%d", n, i)
		w.writeShard(shard{names[i], "dev", orgsIn("shard", i*n/shards, (i+1)*n/shards)}, seed, baseURL)
	}
	deploy := append([]string{"bin/atlas-multiorg", "deploy", "--parallel", strconv.Itoa(shards)}, names...)
	tf := filepath.Join(t.TempDir(), "terraform")
	require.NoError(t, os.MkdirAll(tf, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(tf, "main.tf"), []byte(terraformOrgs(n, seed["orgOwnerId"])), 0o600))
	w.runIn(tf, env, "terraform", "init", "-plugin-dir", tfPlugins, "-input=false")
	tfDir := "-chdir=" + tf

	for range rounds {
		measure("one-create", "pulumi", "up", "--yes", "--skip-preview", "--stack", one, "--non-interactive")
		require.Equal(t, n, remaining())
		measure("one-destroy", "pulumi", "destroy", "--yes", "--skip-preview", "--stack", one, "--non-interactive")
		require.Zero(t, remaining())

		measure("shards-create", deploy...)
		require.Equal(t, n, remaining())
		measure("shards-destroy", append(deploy, "--destroy")...)
		require.Zero(t, remaining())

		measure("tf-create", "terraform", tfDir, "apply", "-auto-approve", "-input=false")
		require.Equal(t, n, remaining())
		measure("tf-destroy", "terraform", tfDir, "destroy", "-auto-approve", "-input=false")
		require.Zero(t, remaining())
	}
	return timed
}

// median is the middle of the runs (the mean of the two middle ones for an
// even count).
func median(runs []time.Duration) time.Duration {
	sorted := slices.Clone(runs)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 0 {
		return (sorted[mid-1] + sorted[mid]) / 2
	}
	return sorted[mid]
}

// terraformOrgs is the Terraform configuration of n organizations with the
// inputs the org stack gives a dev organization with the default service
// account (as pulumi stack export shows them).
func terraformOrgs(n int, owner string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    mongodbatlas = { source = "mongodb/mongodbatlas", version = "2.16.0" }
  }
}

resource "mongodbatlas_organization" "org" {
  for_each                     = toset([for i in range(%d) : format("%%04d", i)])
  name                         = "tf-${each.key}"
  org_owner_id                 = %q
  api_access_list_required     = false
  gen_ai_features_enabled      = false
  multi_factor_auth_required   = true
  restrict_employee_access     = true
  skip_default_alerts_settings = true
  security_contact             = ""

  service_account {
    name                       = "atlas-multiorg-${each.key}"
    description                = "atlas-multiorg credential of org ${each.key}"
    roles                      = ["ORG_OWNER"]
    secret_expires_after_hours = 2160
  }
}
`, n, owner)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// appendReport adds a benchmark's table to the report file make bench-e2e
// gives (it removes the file first).
func appendReport(t testing.TB, path, table string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600) //nolint:gosec // G304: the path make bench-e2e gives
	require.NoError(t, err)
	_, err = f.WriteString(table)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}
