package tests

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/docsgen"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// documentedDefaults reads the configuration reference's tables: field ->
// default column.
func documentedDefaults(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "docs", "configuration.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `([A-Za-z.]+)` \\| [^|]+ \\| ([^|]+) \\|")
	defaults := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			defaults[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return defaults
}

func TestDocumentedDefaultsMatchTheCode(t *testing.T) {
	documented := documentedDefaults(t)
	sa := multiorg.DefaultServiceAccount("<key>")
	want := map[string]string{
		"serviceAccount.name":                    "`" + sa.Name + "`",
		"serviceAccount.description":             "`" + sa.Description + "`",
		"serviceAccount.roles":                   "`[" + strings.Join(sa.Roles, ", ") + "]`",
		"serviceAccount.secretExpiresAfterHours": fmt.Sprintf("`%d`", multiorg.DefaultSecretExpiresAfterHours),
	}
	assert.Equal(t, *sa.SecretExpiresAfterHours, multiorg.DefaultSecretExpiresAfterHours)
	// A setting's default is one value where every environment has the
	// same, else each environment's.
	byEnvironment := map[string][]string{}
	for _, env := range multiorg.PromotionOrder {
		settings := reflect.ValueOf(multiorg.DefaultSettings(env))
		for _, f := range reflect.VisibleFields(settings.Type()) {
			if f.Anonymous {
				continue
			}
			name, value := jsonName(f), settings.FieldByIndex(f.Index)
			// A setting the plugin sets may be left to Atlas (unset) in an
			// environment; the provider's are stated in every one.
			shown := "unset"
			if !value.IsNil() {
				shown = fmt.Sprintf("`%v`", value.Elem().Interface())
				if v, ok := value.Elem().Interface().(string); ok {
					shown = fmt.Sprintf("`%q`", v)
				}
			}
			byEnvironment[name] = append(byEnvironment[name], shown)
		}
	}
	for name, shown := range byEnvironment {
		want[name] = shown[0]
		if slices.ContainsFunc(shown, func(s string) bool { return s != shown[0] }) {
			for i, env := range multiorg.PromotionOrder {
				shown[i] = env + ": " + shown[i]
			}
			want[name] = strings.Join(shown, ", ")
		}
	}
	require.Len(t, byEnvironment, len(multiorg.SettingNames()), "every setting's default is checked")
	for field, value := range want {
		assert.Equal(t, value, documented[field], "documented default of %s", field)
	}
}

func TestEveryConfigFieldIsDocumented(t *testing.T) {
	documented := documentedDefaults(t)
	for _, field := range configFields(reflect.TypeOf(multiorg.OrgSpec{}), "") {
		assert.Contains(t, documented, field, "the configuration reference has a row for orgs.<key>.%s", field)
	}
	for _, key := range []string{"payingOrgId", "orgOwnerId", "orgs"} {
		assert.Contains(t, documented, key)
	}
}

// configFields lists the JSON field paths of a config struct, nested blocks
// and embedded structs included.
func configFields(t reflect.Type, prefix string) []string {
	var fields []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			fields = append(fields, configFields(f.Type, prefix)...)
			continue
		}
		name := prefix + jsonName(f)
		fields = append(fields, name)
		if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct {
			fields = append(fields, configFields(f.Type.Elem(), name+".")...)
		}
	}
	return fields
}

func jsonName(f reflect.StructField) string { return strings.Split(f.Tag.Get("json"), ",")[0] }

func TestMakefilePinsTheBindingsPluginVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "PROVIDER_VERSION := "+mongodbatlas.PluginVersion+"\n")
}

// TestEveryFlagAndCommandIsDocumented: each flag atlas-local defines has a
// row in the local Admin API guide's flag table, and each atlas-multiorg
// command a row in the command-line tool guide's table.
func TestEveryFlagAndCommandIsDocumented(t *testing.T) {
	localGuide := readDoc(t, "docs/local-admin-api.md")
	source, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "atlas-local", "main.go"))
	require.NoError(t, err)
	defined := regexp.MustCompile(`fs\.\w+\((?:&[\w.]+, )?"([a-z-]+)"`).FindAllStringSubmatch(string(source), -1)
	require.GreaterOrEqual(t, len(defined), 10, "the pattern finds atlas-local's flags")
	for _, m := range defined {
		assert.Contains(t, localGuide, "| `--"+m[1]+"` |", "atlas-local's flag --%s has a row in docs/local-admin-api.md", m[1])
	}
	cliGuide := readDoc(t, "docs/command-line-tool.md")
	commands := cli.NewRootCommand(strings.NewReader(""), io.Discard, io.Discard).Commands()
	require.NotEmpty(t, commands)
	for _, c := range commands {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		assert.Contains(t, cliGuide, "| `"+c.Name()+"` |", "atlas-multiorg %s has a row in docs/command-line-tool.md's command table", c.Name())
	}
}

// TestGeneratedDocsAreCurrent is make docs in check mode: every generated
// block in README.md, CONTRIBUTING.md and docs/ is what the code renders now.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	stale, err := docsgen.Update(repoRoot, false)
	require.NoError(t, err)
	assert.Empty(t, stale, "a generated block differs from the code it comes from: run make docs")
}

// TestEachGeneratedBlockIsInItsGuide: every block make docs renders has its
// place, so that none is generated for nobody.
func TestEachGeneratedBlockIsInItsGuide(t *testing.T) {
	blocks, err := docsgen.Blocks()
	require.NoError(t, err)
	home := map[string]string{
		"config-reference": "docs/configuration.md",
		"output-reference": "docs/component-package.md",
		"profile-table":    "docs/environments-and-policies.md",
		"cli-help":         "docs/command-line-tool.md",
		"settings-table":   "CONTRIBUTING.md",
		"provider-calls":   "docs/local-admin-api.md",
		"status-findings":  "docs/status.md",
	}
	require.Len(t, home, len(blocks))
	for name, guide := range home {
		require.Contains(t, blocks, name)
		assert.Contains(t, readDoc(t, guide), "<!-- make docs: "+name+" -->\n\n"+strings.TrimRight(blocks[name], "\n")+"\n\n<!-- end make docs -->", "%s holds block %s", guide, name)
	}
}

// TestAdoptionGuideListsEverySetting: the adoption guide names each setting
// an adopted entry must state, and says how many there are.
func TestAdoptionGuideListsEverySetting(t *testing.T) {
	guide := readDoc(t, "docs/adoption.md")
	names := multiorg.AdoptionSettingNames()
	for _, name := range names {
		assert.Contains(t, guide, "`"+name+"`", "docs/adoption.md names %s", name)
	}
	count := map[int]string{5: "five", 6: "six", 7: "seven", 8: "eight"}[len(names)]
	assert.Contains(t, guide, "must therefore state all "+count+":", "docs/adoption.md counts the settings")
}

// TestRelativeLinksResolve walks every link of README.md, CONTRIBUTING.md
// and docs/: a relative one names a file that exists, and a heading of it
// that exists.
func TestRelativeLinksResolve(t *testing.T) {
	files, err := docsgen.Files(repoRoot)
	require.NoError(t, err)
	require.Greater(t, len(files), 10, "README, CONTRIBUTING and the guides")
	checked := 0
	for _, file := range files {
		for _, target := range markdownLinks(readDoc(t, file)) {
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path, anchor, _ := strings.Cut(target, "#")
			resolved := file
			if path != "" {
				resolved = filepath.Join(filepath.Dir(file), path)
				_, err := os.Stat(resolved)
				if !assert.NoError(t, err, "%s links to %s, which does not exist", file, target) {
					continue
				}
			}
			if anchor != "" {
				assert.Contains(t, headingAnchors(readDoc(t, resolved)), anchor, "%s links to %s: no such heading", file, target)
			}
		}
	}
	assert.Greater(t, checked, 50, "the walk finds the links")
}

var (
	markdownLink = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)
	codeSpan     = regexp.MustCompile("`[^`]*`")
	// notInSlug is what GitHub drops from a heading to make its anchor.
	notInSlug = regexp.MustCompile(`[^\p{L}\p{N} _-]`)
)

// markdownLinks are the link targets of a Markdown text, outside code.
func markdownLinks(text string) []string {
	var targets []string
	for _, line := range proseLines(text) {
		for _, m := range markdownLink.FindAllStringSubmatch(codeSpan.ReplaceAllString(line, ""), -1) {
			targets = append(targets, m[1])
		}
	}
	return targets
}

// headingAnchors are the anchors GitHub gives a text's headings: lower
// case, punctuation dropped, spaces as hyphens, repeats numbered.
func headingAnchors(text string) []string {
	var anchors []string
	seen := map[string]int{}
	for _, line := range proseLines(text) {
		heading := strings.TrimLeft(line, "#")
		if heading == line || !strings.HasPrefix(heading, " ") {
			continue
		}
		slug := strings.ReplaceAll(notInSlug.ReplaceAllString(strings.ToLower(strings.TrimSpace(heading)), ""), " ", "-")
		if n := seen[slug]; n > 0 {
			anchors = append(anchors, fmt.Sprintf("%s-%d", slug, n))
		} else {
			anchors = append(anchors, slug)
		}
		seen[slug]++
	}
	return anchors
}

// proseLines are a Markdown text's lines outside fenced code blocks.
func proseLines(text string) []string {
	var lines []string
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			lines = append(lines, line)
		}
	}
	return lines
}

// fencedBlocks are the contents of a Markdown text's fenced code blocks of
// one language, in order.
func fencedBlocks(text, lang string) []string {
	var blocks []string
	var current []string
	in := false
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case !in && trimmed == "```"+lang:
			in, current = true, nil
		case in && trimmed == "```":
			in = false
			blocks = append(blocks, strings.Join(current, "\n"))
		case in:
			current = append(current, trimmed)
		}
	}
	return blocks
}

// readDoc reads a documentation file, by its path from the repository's
// root or as Files gives it.
func readDoc(t *testing.T, path string) string {
	t.Helper()
	if !strings.HasPrefix(path, repoRoot+string(filepath.Separator)) {
		path = filepath.Join(repoRoot, path)
	}
	raw, err := os.ReadFile(path) //nolint:gosec // G304: the repository's own documentation
	require.NoError(t, err)
	return string(raw)
}

// TestInterruptedGuideRunsWhatOrphansSays: the interrupted-run guide's
// steps are the commands orphans' hints give, and the guide says where the
// credential and the base URL orphans needs come from.
func TestInterruptedGuideRunsWhatOrphansSays(t *testing.T) {
	guide := readDoc(t, "docs/interrupted-deployments.md")
	steps := strings.Join(fencedBlocks(guide, "sh"), "\n")
	for _, command := range append([]string{cli.LocalDeleteCommand("<orgId>")}, cli.RecoveryCommands(`"$STACK"`)...) {
		assert.Contains(t, steps, command+"\n", "the guide runs what orphans tells the user to")
	}
	assert.Contains(t, guide, "`.atlas-local/credentials.json`", "where atlas-local's paying-org credential is")
	assert.Contains(t, guide, "`mongodbatlas:baseUrl`", "where orphans calls the Admin API")
}
