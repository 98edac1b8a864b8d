//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/tests/guide"
)

// TestInterruptedRunGuide follows docs/interrupted-deployments.md as a new
// user would: make up of 20 dev organizations, killed with kill -9 after 8
// organization creates, then every command of the guide's "What to do, in
// order", as written, in one shell that has only what a fresh terminal has
// (no backend, no Atlas variable). The shell runs the guide's atlas-local
// delete once for each organization orphans printed. Afterwards Atlas holds
// the 20 organizations once each, the state holds all 20, and orphans finds
// none.
func TestInterruptedRunGuide(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	const orgs = 20
	config := "config:\n  atlas-multiorg:payingOrgId: 5f1a2b3c4d5e6f7a8b9c0d1e\n  atlas-multiorg:orgOwnerId: 6a1b2c3d4e5f6a7b8c9d0e1f\n  atlas-multiorg:orgs:\n"
	var want []string
	for i := range orgs {
		config += fmt.Sprintf("    o%02d:\n      name: acme-dev-%02d\n", i, i)
		want = append(want, fmt.Sprintf("acme-dev-%02d", i))
	}
	require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi.dev.yaml"), []byte(config), 0o600))
	// Started before make up, so that it is not in the session the kill ends.
	w.run("", "make", "local-api")
	killed := w.killedAfter(t, nil, filepath.Join(w.repo, ".atlas-local", "access.log"), 8, "make", "up")
	require.True(t, killed, "make up was killed after 8 creates")

	commands := guideCommands(t, w.read(filepath.Join(w.repo, "docs", "interrupted-deployments.md")))
	require.NotEmpty(t, commands)
	out, _ := w.command(nil, "", "bash", "-c", guideScript(commands))
	steps := stepOutputs(out)
	require.Len(t, steps, len(commands), "every command ran:\n%s", tail(out))

	var orphanRuns []int
	for i, command := range commands {
		if strings.Contains(command, "atlas-multiorg orphans") {
			orphanRuns = append(orphanRuns, i)
			continue
		}
		assert.Equal(t, 0, steps[i].code, "%s:\n%s", command, tail(steps[i].out))
	}
	require.Len(t, orphanRuns, 2, "the guide runs orphans to find, and to check that none is left")
	first, last := steps[orphanRuns[0]], steps[orphanRuns[1]]
	assert.Contains(t, []int{0, 1}, first.code, first.out)
	assert.NotContains(t, first.out, "cloud.mongodb.com", "orphans calls the stack's own Admin API")
	if first.code == 1 {
		t.Logf("orphans after the kill:\n%s", first.out)
		assert.Contains(t, first.out, "bin/atlas-local console delete-org ")
		assert.Contains(t, first.out, "then pulumi refresh --yes --clear-pending-creates --stack local, then pulumi up --yes --stack local",
			"orphans' hint is the guide's step 4")
	}
	assert.Equal(t, 0, last.code, "no orphan is left: %s", last.out)

	assert.ElementsMatch(t, append(want, "local-paying-org"), w.atlasOrgs(), "Atlas holds each organization once: no twin, no orphan")
	assert.Len(t, w.heldOrgs(t, w.backend(), stack), orgs, "the state holds every organization")
	w.credentialsSignIn(t, w.backend(), stack, strings.TrimSpace(w.read(filepath.Join(w.repo, ".atlas-local", "url"))), orgs)
}

// guideCommands are the command lines of the guide's "What to do, in order":
// its sh blocks, in order, without blank lines and comments.
func guideCommands(t testing.TB, doc string) []string {
	t.Helper()
	_, section, found := strings.Cut(doc, "\n## What to do, in order\n")
	require.True(t, found, "the guide has its steps")
	section, _, _ = strings.Cut(section, "\n## ")
	return guide.Commands(guide.Blocks(section), "sh")
}

// guideScript runs the commands one after the other in one shell, each
// followed by a marker with its exit code. A command that names <orgId>
// runs once for each organization orphans finds.
func guideScript(commands []string) string {
	var b strings.Builder
	for i, command := range commands {
		if strings.Contains(command, "<orgId>") {
			fmt.Fprintf(&b, "for orgId in $(bin/atlas-multiorg orphans --stack \"$STACK\" -o json | grep -o '\"orgId\": *\"[^\"]*\"' | cut -d'\"' -f4); do %s; done\n",
				strings.ReplaceAll(command, "<orgId>", `"$orgId"`))
		} else {
			b.WriteString(command + "\n")
		}
		fmt.Fprintf(&b, "echo \"@@ step %d exit $?\"\n", i)
	}
	return b.String()
}

type stepOutput struct {
	out  string
	code int
}

var stepMarker = regexp.MustCompile(`@@ step (\d+) exit (\d+)\n`)

// stepOutputs splits the script's output at its markers.
func stepOutputs(out string) []stepOutput {
	var steps []stepOutput
	start := 0
	for _, m := range stepMarker.FindAllStringSubmatchIndex(out, -1) {
		code, _ := strconv.Atoi(out[m[4]:m[5]])
		steps = append(steps, stepOutput{out: out[start:m[0]], code: code})
		start = m[1]
	}
	return steps
}
