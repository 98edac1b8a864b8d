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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// BenchmarkLanguages times one `pulumi up --yes` of the same three dev
// organizations from every language the package claims, against one
// atlas-local that delays every answer by BENCH_E2E_LATENCY: Go (the org
// stack program, MultiOrg in-process, with the YAML example's organizations
// as its config) and the YAML, TypeScript and Python examples as users of a
// release have them (plugin installed from the archive, SDKs from dist/).
// BENCH_E2E_ROUNDS interleaved rounds of up, then an untimed destroy; it
// prints the medians and appends them to BENCH_E2E_REPORT. make
// bench-languages runs it.
func BenchmarkLanguages(b *testing.B) {
	requireRealTools(b)
	rounds, err := strconv.Atoi(envOr("BENCH_E2E_ROUNDS", "3"))
	require.NoError(b, err, "BENCH_E2E_ROUNDS")
	latency := envOr("BENCH_E2E_LATENCY", "100ms")
	w := newBuiltWorkspace(b)
	dir, baseURL, seed := w.seededLocalAPI(b, "--latency", latency)
	env := append(w.installedRelease(b, w.makeRelease(b, releaseVersion)), credentialEnv(seed, baseURL)...)

	type program struct {
		language string
		install  time.Duration
		in       func(args ...string) string
	}
	programs := []program{{language: "go", in: w.goStackOf(b, "examples/yaml/Pulumi.yaml", env, baseURL, seed)}}
	for _, language := range exampleLanguages {
		w.requireLanguage(b, language)
		start := time.Now()
		project := w.releasedProject(b, language, releaseVersion)
		programs = append(programs, program{language, time.Since(start), w.releasedStack(b, project, env, seed, baseURL)})
	}

	before := w.atlasOrgsIn(dir)
	runs := map[string][]time.Duration{}
	for round := range rounds {
		for _, p := range programs {
			start := time.Now()
			p.in("up", "--yes")
			took := time.Since(start)
			runs[p.language] = append(runs[p.language], took)
			assert.Len(b, w.atlasOrgsIn(dir), len(before)+3, "%s, round %d: three organizations", p.language, round+1)
			b.Logf("%s, round %d: pulumi up %.1f s", p.language, round+1, took.Seconds())
			p.in("destroy", "--yes")
		}
	}

	var table strings.Builder
	fmt.Fprintf(&table, "\n### `pulumi up` of the same 3 dev organizations, by language (%d rounds, atlas-local latency %s, %s)\n\n", rounds, latency, time.Now().UTC().Format("2006-01-02"))
	table.WriteString("| language | `pulumi up` median s | min s | max s | SDK install s |\n| --- | --- | --- | --- | --- |\n")
	for _, p := range programs {
		install := map[string]string{"go": "none (in-process)", "yaml": "none (no SDK)"}[p.language]
		if install == "" {
			install = fmt.Sprintf("%.1f", p.install.Seconds())
		}
		fmt.Fprintf(&table, "| %s | %.1f | %.1f | %.1f | %s |\n", p.language, median(runs[p.language]).Seconds(),
			slices.Min(runs[p.language]).Seconds(), slices.Max(runs[p.language]).Seconds(), install)
	}
	b.Log(table.String())
	if report := os.Getenv("BENCH_E2E_REPORT"); report != "" {
		appendReport(b, report, table.String())
	}
}

// goStackOf makes a stack "go" of the org stack program whose
// organizations are those of a component package example (its dev
// component's orgs, renamed acme-go-*), and returns what runs the CLI on it.
func (w *workspace) goStackOf(t testing.TB, example string, env []string, baseURL string, seed localSeed) func(args ...string) string {
	var program struct {
		Resources map[string]struct {
			Properties struct {
				Orgs map[string]map[string]any `yaml:"orgs"`
			} `yaml:"properties"`
		} `yaml:"resources"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(w.read(filepath.Join(w.repo, example))), &program))
	orgs := program.Resources["dev"].Properties.Orgs
	require.Len(t, orgs, 3, "the example's organizations")
	for _, entry := range orgs {
		entry["name"] = strings.Replace(entry["name"].(string), "acme-yaml-", "acme-go-", 1)
	}
	const stack = "go"
	w.writeStackConfig(t, stack, map[string]any{
		"mongodbatlas:baseUrl":       baseURL,
		"atlas-multiorg:payingOrgId": seed["payingOrgId"],
		"atlas-multiorg:orgOwnerId":  seed["orgOwnerId"],
		"atlas-multiorg:environment": "dev",
		"atlas-multiorg:orgs":        orgs,
	})
	w.runEnv(env, "pulumi", "stack", "init", stack, "--non-interactive")
	return func(args ...string) string {
		t.Helper()
		return w.runEnv(env, "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
}
