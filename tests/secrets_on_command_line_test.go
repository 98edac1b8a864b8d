package tests

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A secret typed on a command line lands in the shell's history and in what
// ps shows every user of the machine, so no guide, example or comment may
// show one: each step reads a secret from stdin, a file or the CI secret
// store instead (issue 38).

// secretVariable names an environment variable or YAML key that holds a
// secret: the provider's client secret, private key and access token under
// each of their names, the secrets passphrase, and any password.
var secretVariable = regexp.MustCompile(`^[A-Z0-9_]*(SECRET|PRIVATE_KEY|PRIVATE_API_KEY|ACCESS_TOKEN|PASSPHRASE|PASSWORD)[A-Z0-9_]*$`)

// assignment finds NAME=value, with or without export, anywhere on a line.
var assignment = regexp.MustCompile(`(?:^|[\s;&|(])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)`)

// yamlEntry finds `NAME: value` in YAML: a workflow's env, a stack config.
var yamlEntry = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_:]*):\s+(\S.*?)\s*$`)

// urlPassword finds a password written into a URL's userinfo
// (postgres://user:password@host), in a value given to a variable.
var urlPassword = regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@"'$]+:([^@\s/"']+)@`)

// secretConfigKey is a provider config key whose value is a secret.
var secretConfigKey = regexp.MustCompile(`(?i)^(mongodbatlas:)?(clientSecret|privateKey|accessToken)$`)

// notSecrets are values that hold no secret: the local passphrase that `make
// up` publishes for atlas-local's throwaway state.
var notSecrets = []string{"atlas-multiorg-local"}

// literal reports whether a value written after a secret's name is the
// secret itself, rather than read from elsewhere: a variable ($X, ${X},
// $(X) in make), a command's output ($(...)), a CI secret (${{ secrets.X }})
// or a Pulumi `secure:` value.
func literal(value string) bool {
	value = strings.Trim(strings.TrimSpace(value), `"'`)
	switch {
	case value == "", strings.HasPrefix(value, "$"), strings.HasPrefix(value, "secure:"),
		strings.HasPrefix(value, "#"), slices.Contains(notSecrets, value):
		return false
	}
	return true
}

// secretOnCommandLine says what secret a line shows written out, or "".
func secretOnCommandLine(line string, yaml bool) string {
	if strings.Contains(line, "mdb_sa_sk_") {
		return "a service account's client secret (mdb_sa_sk_...)"
	}
	if found := secretConfigValue(line); found != "" {
		return found
	}
	for _, m := range assignment.FindAllStringSubmatch(line, -1) {
		if secretVariable.MatchString(m[1]) && literal(m[2]) {
			return m[1] + "= followed by the value"
		}
		if p := urlPassword.FindStringSubmatch(m[2]); p != nil && literal(p[1]) {
			return m[1] + "= a URL with a password in it (" + strings.SplitN(p[0], "://", 2)[0] + "://user:password@)"
		}
	}
	if yaml {
		if m := yamlEntry.FindStringSubmatch(line); m != nil {
			name := m[1]
			if (secretVariable.MatchString(name) || secretConfigKey.MatchString(name)) && literal(m[2]) &&
				!strings.HasPrefix(m[2], "|") && !strings.HasPrefix(m[2], ">") {
				return name + ": followed by the value"
			}
		}
	}
	return ""
}

// secretConfigValue finds `pulumi config set` of a secret with its value on
// the command line: after --secret, or of a key that holds a secret. Without
// a value, the CLI reads it from stdin (a pipe, a file, or a prompt).
func secretConfigValue(line string) string {
	at := strings.Index(line, "config set")
	if at < 0 {
		return ""
	}
	words := strings.Fields(line[at+len("config set"):])
	var positional []string
	secret := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		if strings.HasPrefix(w, "#") || strings.HasPrefix(w, "<") || strings.HasPrefix(w, "|") ||
			w == "&&" || w == ";" || w == "||" || w == ")" {
			break
		}
		switch {
		case w == "--secret":
			secret = true
		case w == "--stack" || w == "-s" || w == "--config-file":
			i++ // its value
		case strings.HasPrefix(w, "-"):
		default:
			positional = append(positional, w)
		}
	}
	if len(positional) < 2 || !literal(positional[1]) {
		return ""
	}
	if secret || secretConfigKey.MatchString(positional[0]) {
		return "pulumi config set " + positional[0] + " followed by the value"
	}
	return ""
}

func TestSecretOnCommandLineFindsEachForm(t *testing.T) {
	cases := map[string]struct {
		line  string
		yaml  bool
		found bool
	}{
		"config set --secret with a value":          {line: "pulumi config set --secret mongodbatlas:clientSecret mdb_sa_sk_...", found: true},
		"config set --secret with a private key":    {line: "   pulumi config set --secret mongodbatlas:privateKey 0000-...", found: true},
		"config set value then --secret":            {line: "pulumi config set mongodbatlas:privateKey abc --secret", found: true},
		"config set of a secret key, no --secret":   {line: "pulumi config set mongodbatlas:clientSecret abc", found: true},
		"config set --secret from stdin":            {line: "pulumi config set --secret mongodbatlas:clientSecret < secret.txt"},
		"config set --secret piped":                 {line: "cat f | pulumi config set --stack dev --secret mongodbatlas:clientSecret"},
		"config set --secret prompts":               {line: "pulumi config set --secret mongodbatlas:clientSecret   # prompts"},
		"config set of an ID":                       {line: "pulumi config set mongodbatlas:clientId mdb_sa_id_..."},
		"export of a client secret":                 {line: "export MONGODB_ATLAS_CLIENT_SECRET=...", found: true},
		"second export of a line":                   {line: "export MONGODB_ATLAS_CLIENT_ID=... MONGODB_ATLAS_CLIENT_SECRET=abc", found: true},
		"export of a private key":                   {line: "export MONGODB_ATLAS_PRIVATE_KEY=0000-1111", found: true},
		"export of a passphrase":                    {line: "export PULUMI_CONFIG_PASSPHRASE=...   # from the CI secret store", found: true},
		"the local passphrase is published":         {line: `export PULUMI_BACKEND_URL="file://$PWD/.pulumi" PULUMI_CONFIG_PASSPHRASE=atlas-multiorg-local`},
		"a secret read from a file":                 {line: `export MONGODB_ATLAS_CLIENT_SECRET=$(grep -o x .atlas-local/credentials.json)`},
		"a secret from a variable":                  {line: `MONGODB_ATLAS_CLIENT_SECRET="$SECRET" bin/atlas-multiorg status`},
		"a make variable":                           {line: "LOCAL_PULUMI = PULUMI_CONFIG_PASSPHRASE=$(LOCAL_PASSPHRASE) $(PULUMI)"},
		"a password in a backend URL":               {line: `export PULUMI_BACKEND_URL="postgres://user:password@host:5432/db"`, found: true},
		"a backend URL without a password":          {line: `export PULUMI_BACKEND_URL="postgres://atlas@host:5432/db"`},
		"a password from a variable in a URL":       {line: `postgres://atlas:$PGPASSWORD@host/db`},
		"a client secret literal anywhere":          {line: "# secret mdb_sa_sk_0123", found: true},
		"a CI secret in YAML":                       {line: "      MONGODB_ATLAS_CLIENT_SECRET: ${{ secrets.ATLAS_CLIENT_SECRET }}", yaml: true},
		"a literal in YAML env":                     {line: "      MONGODB_ATLAS_CLIENT_SECRET: abc", yaml: true, found: true},
		"a plain secret in a stack config":          {line: "  mongodbatlas:clientSecret: abc", yaml: true, found: true},
		"an encrypted secret in a stack config":     {line: "  mongodbatlas:clientSecret:", yaml: true},
		"an encrypted secret, secure form":          {line: "    secure: v1:abc", yaml: true},
		"prose naming a variable":                   {line: "the tool reads `MONGODB_ATLAS_CLIENT_SECRET` from the environment"},
		"a YAML-looking line outside YAML is prose": {line: "clientSecret: the secret", yaml: false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			found := secretOnCommandLine(c.line, c.yaml)
			if c.found {
				assert.NotEmpty(t, found, "a secret on %q", c.line)
			} else {
				assert.Empty(t, found, "no secret on %q", c.line)
			}
		})
	}
}

// secretScanFiles lists what a user reads and copies commands from: the
// README and CONTRIBUTING, every guide, every example, the shipped stack
// configs, the Makefile and the stack programs.
func secretScanFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md", "CONTRIBUTING.md", "Makefile"}
	configs, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi*.yaml"))
	require.NoError(t, err)
	for _, c := range configs {
		files = append(files, filepath.Base(c))
	}
	for _, dir := range []string{"docs", "examples", "stacks"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "venv" || d.Name() == ".venv" || strings.HasPrefix(d.Name(), ".pulumi")) {
				return filepath.SkipDir
			}
			if !d.IsDir() && !strings.HasSuffix(path, "_test.go") && !strings.HasSuffix(path, ".lock") && !strings.HasSuffix(path, "-lock.json") {
				rel, err := filepath.Rel(repoRoot, path)
				files = append(files, rel)
				return err
			}
			return nil
		})
		require.NoError(t, err)
	}
	return files
}

func TestNoSecretOnACommandLine(t *testing.T) {
	var found []string
	for _, file := range secretScanFiles(t) {
		raw, err := os.ReadFile(filepath.Join(repoRoot, file))
		require.NoError(t, err)
		yaml := strings.HasSuffix(file, ".yaml") || strings.HasSuffix(file, ".yml")
		for i, line := range strings.Split(string(raw), "\n") {
			if what := secretOnCommandLine(line, yaml); what != "" {
				found = append(found, fmt.Sprintf("%s:%d: %s", file, i+1, what))
			}
		}
	}
	assert.Empty(t, found, "a secret written on a command line lands in the shell history and in ps: "+
		"read it from stdin (pulumi config set --secret KEY < file, or the prompt), a file ($(cat file)) or the CI secret store instead:\n%s",
		strings.Join(found, "\n"))
}
