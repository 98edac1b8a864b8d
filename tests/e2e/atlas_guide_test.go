//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/tests/guide"
)

// TestRunningAgainstAtlasGuide follows docs/running-against-atlas.md as a new
// user would, with atlas-local standing in for Atlas: every command of its sh
// blocks, in order, as written, each in a fresh shell in the folder the
// commands before it moved to, with the file backend. Where a command
// prompts, the test types what the user would (the seeded paying
// organization's IDs and credential). The one thing it adds is atlas-local's
// base URL, on each stack the guide creates. The guide creates the
// organizations, converges, adopts what discover finds, makes the projects,
// shows a clean status and no orphan, then tears everything down: Atlas is
// left holding only the paying organization, adopted and so released.
func TestRunningAgainstAtlasGuide(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dataDir, baseURL, seed := w.seededLocalAPI(t)
	typed := map[string]string{
		"atlas-multiorg:payingOrgId": seed["payingOrgId"],
		"atlas-multiorg:orgOwnerId":  seed["orgOwnerId"],
		"mongodbatlas:clientId":      seed["clientId"],
		"mongodbatlas:clientSecret":  seed["clientSecret"],
	}
	commands := guide.Commands(guide.Blocks(w.read(filepath.Join(w.repo, "docs", "running-against-atlas.md"))), "sh")
	requireInOrder(t, commands, "pulumi login", "pulumi stack select dev --create", "pulumi config set --secret mongodbatlas:clientSecret",
		"make up-atlas", "pulumi preview --stack dev --expect-no-changes", "bin/atlas-multiorg discover --config Pulumi.dev.yaml",
		"make up-projects", "bin/atlas-multiorg status dev", "bin/atlas-multiorg orphans --stack dev", "make down-atlas", "pulumi stack rm dev")

	// A person answers Pulumi's "Do you want to perform this update?" with
	// yes; a shell without a terminal says so this way.
	env := append(w.backend(), "PULUMI_SKIP_CONFIRMATIONS=true")
	cwd := w.repo
	var ups int
	for _, command := range commands {
		if strings.Contains(command, "--secret") {
			_, prompted := promptedConfigKey(command)
			assert.True(t, prompted, "%s: a secret is typed at the prompt, never on the command line", command)
		}
		assert.NotRegexp(t, `(?i)export \w*(SECRET|PRIVATE|PASSPHRASE|TOKEN)\w*=`, command, "no secret exported on a command line")
		stdin := ""
		if key, prompted := promptedConfigKey(command); prompted {
			require.Contains(t, typed, key, "%s: the test knows what to type", command)
			stdin = typed[key] + "\n"
		}
		start := time.Now()
		out, code, next := w.guideStep(env, cwd, stdin, command)
		t.Logf("%-100s exit %d, %.1f s", command, code, time.Since(start).Seconds())
		require.Equal(t, 0, code, "%s (in %s):\n%s", command, cwd, tail(out))
		assert.NotContains(t, out, seed["clientSecret"], "%s printed the secret", command)
		cwd = next
		switch {
		case command == "pulumi stack select dev --create":
			// The one difference from Atlas: where the Admin API is.
			_, code, _ = w.guideStep(env, cwd, "", "pulumi config set mongodbatlas:baseUrl "+baseURL)
			require.Equal(t, 0, code)
		case strings.HasPrefix(command, "pulumi config set --secret mongodbatlas:clientSecret"):
			stackFile := w.read(filepath.Join(w.repo, "Pulumi.dev.yaml"))
			assert.Contains(t, stackFile, "mongodbatlas:clientSecret:\n    secure: ", "stored encrypted")
			assert.NotContains(t, stackFile, seed["clientSecret"])
		case strings.HasPrefix(command, "make up-atlas"):
			ups++
			if ups == 1 {
				assert.Contains(t, out, "created")
				assert.ElementsMatch(t, []string{"acme-dev-analytics", "acme-dev-payments", "acme-dev-sandbox", "local-paying-org"}, w.atlasOrgsIn(dataDir))
				state := w.read(filepath.Join(dataDir, "state.json"))
				for _, invented := range []string{"ada@example.com", "grace@example.com", "security@example.com"} {
					assert.NotContains(t, state, invented, "the shipped Pulumi.dev.yaml sends no invented person or address to Atlas")
				}
			} else {
				assert.Regexp(t, `\d+ imported`, out, "the second up adopts what discover found")
				assert.NotRegexp(t, `(?m)^\s+\+ .*Organization`, out, "and creates no organization")
			}
		case strings.Contains(command, "discover --config Pulumi.dev.yaml"):
			// The user pastes the entries discover printed, as the guide says.
			discovered := w.read(filepath.Join(cwd, "discovered.yaml"))
			require.Contains(t, discovered, "importId: "+seed["payingOrgId"], "discover signed in with the stack's decrypted credential")
			w.addOrgs(filepath.Join(w.repo, "Pulumi.dev.yaml"), discovered)
		case strings.Contains(command, "make up-projects"):
			assert.Contains(t, out, "TeamProjectAssignment analytics-app-team-data created", "the shipped team gets its project")
		case strings.Contains(command, "orphans"):
			assert.Contains(t, out, "No orphans")
		}
	}
	assert.Equal(t, 2, ups, "make up-atlas creates, then adopts")

	assert.Equal(t, []string{"local-paying-org"}, w.atlasOrgsIn(dataDir), "only the paying organization is left: adopted, so released, not deleted")
	var state struct {
		Projects map[string]any `json:"projects"`
	}
	w.readJSON(filepath.Join(dataDir, "state.json"), &state)
	assert.Empty(t, state.Projects, "the consumer's projects went first")
	out, _ := w.command(env, "", "pulumi", "stack", "ls", "--all", "--json")
	assert.NotContains(t, out, `"dev"`, "both stacks are removed")
}

// requireInOrder fails unless each of wants starts one of the commands, in
// the order given: the guide keeps every step the test checks.
func requireInOrder(t testing.TB, commands []string, wants ...string) {
	t.Helper()
	next := 0
	for _, command := range commands {
		if next < len(wants) && strings.HasPrefix(strings.TrimPrefix(command, "("), wants[next]) ||
			next < len(wants) && strings.Contains(command, "&& "+wants[next]) {
			next++
		}
	}
	require.Equal(t, len(wants), next, "the guide runs %q, in this order; it stops having %q:\n%s",
		wants, wants[min(next, len(wants)-1)], strings.Join(commands, "\n"))
}

// promptedConfig is `pulumi config set [--secret] KEY` with no value: Pulumi
// prompts for it (and reads it from stdin without a terminal). Anything
// after the key but a comment would put the value on the command line.
var promptedConfig = regexp.MustCompile(`^pulumi config set (--secret )?(\S+)\s*(#.*)?$`)

// promptedConfigKey is the key a command prompts for, if it does.
func promptedConfigKey(command string) (string, bool) {
	m := promptedConfig.FindStringSubmatch(command)
	if m == nil {
		return "", false
	}
	return m[2], true
}

// guideStep runs one command of a guide in a fresh bash in cwd, with stdin,
// and returns its output, its exit code and the folder it ended in (a
// command may be a cd).
func (w *workspace) guideStep(env []string, cwd, stdin, command string) (string, int, string) {
	w.t.Helper()
	where := filepath.Join(filepath.Dir(w.repo), "guide-cwd")
	out, code := w.command(env, stdin, "bash", "-c", `cd "$1" || exit 1
`+command+`
status=$?
pwd > "$2"
exit $status`, "guide-step", cwd, where)
	next, err := os.ReadFile(where) //nolint:gosec // G304: the test's own scratch file
	require.NoError(w.t, err)
	return out, code, strings.TrimSpace(string(next))
}
