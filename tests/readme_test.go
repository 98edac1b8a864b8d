package tests

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/cli"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// readmeDefaults reads the README's config reference: field -> default column.
func readmeDefaults(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
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

func TestReadmeDefaultsMatchTheCode(t *testing.T) {
	documented := readmeDefaults(t)
	sa := multiorg.DefaultServiceAccount("<key>")
	want := map[string]string{
		"serviceAccount.name":                    "`" + sa.Name + "`",
		"serviceAccount.description":             "`" + sa.Description + "`",
		"serviceAccount.roles":                   "`[" + strings.Join(sa.Roles, ", ") + "]`",
		"serviceAccount.secretExpiresAfterHours": fmt.Sprintf("`%d`", multiorg.DefaultSecretExpiresAfterHours),
	}
	assert.Equal(t, *sa.SecretExpiresAfterHours, multiorg.DefaultSecretExpiresAfterHours)
	settings := reflect.ValueOf(multiorg.DefaultSettings())
	for i := range settings.NumField() {
		name := jsonName(settings.Type().Field(i))
		switch v := settings.Field(i).Elem().Interface().(type) {
		case string:
			want[name] = fmt.Sprintf("`%q`", v)
		default:
			want[name] = fmt.Sprintf("`%v`", v)
		}
	}
	for field, value := range want {
		assert.Equal(t, value, documented[field], "README default of %s", field)
	}
}

func TestReadmeDocumentsEveryConfigField(t *testing.T) {
	documented := readmeDefaults(t)
	for _, field := range configFields(reflect.TypeOf(multiorg.OrgSpec{}), "") {
		assert.Contains(t, documented, field, "README config reference has a row for orgs.<key>.%s", field)
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

func TestReadmeProfileTableIsGeneratedFromTheRules(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), multiorg.ProfileTable(), "regenerate the README's profile table from multiorg.ProfileTable()")
}

// TestReadmeReferenceIsGeneratedFromTheConfigFields: the README's
// configuration reference and the package's output table are the tables the
// package schema's descriptions come from.
func TestReadmeReferenceIsGeneratedFromTheConfigFields(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), multiorg.ConfigReference(), "regenerate the README's configuration reference from multiorg.ConfigReference()")
	assert.Contains(t, string(raw), multiorg.OutputReference(), "regenerate the README's package output table from multiorg.OutputReference()")
}

func TestMakefilePinsTheBindingsPluginVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "Makefile"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "PROVIDER_VERSION := "+mongodbatlas.PluginVersion+"\n")
}

// TestReadmeDocumentsEveryFlagAndCommand: each flag atlas-local defines has
// a row in the README's flag table, and each atlas-multiorg command a row in
// the command table.
func TestReadmeDocumentsEveryFlagAndCommand(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	require.NoError(t, err)
	readme := string(raw)
	source, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "atlas-local", "main.go"))
	require.NoError(t, err)
	defined := regexp.MustCompile(`fs\.\w+\((?:&[\w.]+, )?"([a-z-]+)"`).FindAllStringSubmatch(string(source), -1)
	require.GreaterOrEqual(t, len(defined), 10, "the pattern finds atlas-local's flags")
	for _, m := range defined {
		assert.Contains(t, readme, "| `--"+m[1]+"` |", "atlas-local's flag --%s has a row in the README", m[1])
	}
	commands := cli.NewRootCommand(strings.NewReader(""), io.Discard, io.Discard).Commands()
	require.NotEmpty(t, commands)
	for _, c := range commands {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		assert.Contains(t, readme, "| `"+c.Name()+"` |", "atlas-multiorg %s has a row in the README's command table", c.Name())
	}
}
