package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAutoErrorsKeepTheirChain: an Automation API error is said short (the
// engine's error line, the CLI's reason, or the first line) and still
// unwraps, so errors.Is and errors.As see the cause.
func TestAutoErrorsKeepTheirChain(t *testing.T) {
	t.Parallel()
	cause := errors.New("error: the cause\nand what follows it")
	long := fmt.Errorf("failed to run update: exit status 255\ncode: 255\nstdout: {\"secrets\": \"plain\"}\nstderr: %w", cause)
	engine := fmt.Errorf("code: 255\nstdout:\nerror: the engine said this\nstderr: %w", cause)
	tests := map[string]struct {
		err, cause error
		want       string
	}{
		"first line only": {fmt.Errorf("cannot export its state: %w", &autoError{err: long, firstLine: true}), cause,
			"cannot export its state: the cause"},
		"the engine's line": {&autoError{err: engine}, cause, "the engine said this"},
		"cancelled":         {&autoError{err: fmt.Errorf("running: %w", context.Canceled), firstLine: true}, context.Canceled, "running: context canceled"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.EqualError(t, tc.err, tc.want)
			assert.NotContains(t, tc.err.Error(), "plain", "the command's stdout is never said")
			assert.ErrorIs(t, tc.err, tc.cause)
		})
	}
}

// TestOpeningAProjectWithoutTheCLIKeepsTheCause: the project is opened
// through the pulumi CLI; without one on PATH the error says so in a line,
// and errors.Is still finds exec.ErrNotFound under it.
func TestOpeningAProjectWithoutTheCLIKeepsTheCause(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: atlas-multiorg\nruntime: go\n"), 0o600))
	_, err := (&AutoRunner{WorkDir: dir}).ProjectStacks(context.Background())
	require.Error(t, err)
	assert.ErrorIs(t, err, exec.ErrNotFound)
	var execErr *exec.Error
	require.ErrorAs(t, err, &execErr)
	assert.Equal(t, "pulumi", execErr.Name)
	assert.Equal(t, "cannot open the project in "+dir+": failed to run `pulumi version`: exec: \"pulumi\": executable file not found in $PATH", err.Error())
}

// automationError is an error as the Automation API makes it when the
// pulumi CLI fails: its exit status first, then its stdout and stderr.
func automationError(stdout, stderr string) error {
	return fmt.Errorf("failed to run command: exit status 1\ncode: 1\nstdout: %s\nstderr: %s\n", stdout, stderr)
}

// TestAutoErrorsSayTheCLIsReason: a failed pulumi command is said by the
// reason the CLI printed (the backend's, the database's), never by its
// exit status, and with no secret: not a backend URL's password, nor the
// passphrase, nor what the stdout held.
func TestAutoErrorsSayTheCLIsReason(t *testing.T) {
	t.Setenv("PULUMI_CONFIG_PASSPHRASE", "the-passphrase-0451")
	t.Setenv("PULUMI_BACKEND_URL", "postgres://pulumi:pg%40secret@127.0.0.1:5433/pulumi?sslmode=disable")
	tests := map[string]struct {
		err  error
		want string
	}{
		// What the pulumi CLI v3.259 printed, each on its own (2026-12-07).
		"a missing state folder": {automationError("", `error: unable to open state directory "file:///tmp/missing": stat /tmp/missing: no such file or directory`+"\n"),
			`unable to open state directory "file:///tmp/missing": stat /tmp/missing: no such file or directory`},
		"a refused PostgreSQL connection": {automationError("", `error: unable to open state database "postgres://pulumi:pg%40secret@127.0.0.1:5433/pulumi?sslmode=disable": `+
			"failed to ping PostgreSQL: dial tcp 127.0.0.1:5433: connect: connection refused\n"),
			`unable to open state database "postgres://pulumi:xxxxx@127.0.0.1:5433/pulumi?sslmode=disable": failed to ping PostgreSQL: dial tcp 127.0.0.1:5433: connect: connection refused`},
		"a wrong passphrase": {automationError("", "error: could not deserialize deployment: failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE "+
			"to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase\n"),
			"could not deserialize deployment: failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase " +
				"or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase"},
		"warnings first": {automationError("", "warning: A new version of Pulumi is available.\nerror: the reason\n"), "the reason"},
		"no error line: the first that is no warning": {automationError("", "warning: using pulumi-resource-mongodbatlas from $PATH\nthe reason\nmore\n"), "the reason"},
		"nothing on stderr, the state on stdout":      {automationError(`{"secret": "plain"}`, ""), "failed to run command: exit status 1"},
		"an echoed passphrase":                        {automationError("", "error: passphrase the-passphrase-0451 is wrong\n"), "passphrase xxxxx is wrong"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := fmt.Errorf("cannot list the stacks: %w", &autoError{err: tc.err, firstLine: true})
			assert.Equal(t, "cannot list the stacks: "+tc.want, err.Error())
			assert.ErrorIs(t, err, tc.err)
			for _, secret := range []string{"pg%40secret", "pg@secret", "the-passphrase-0451", "plain"} {
				assert.NotContains(t, err.Error(), secret)
			}
		})
	}
}

// TestRedact: a message loses every secret it holds, whatever printed it,
// and keeps the rest.
func TestRedact(t *testing.T) {
	t.Parallel()
	env := map[string]string{"PULUMI_CONFIG_PASSPHRASE": "correct horse", "MONGODB_ATLAS_CLIENT_SECRET": "mdb_sa_sk_XYZ", "PGPASSWORD": "pw",
		"PULUMI_BACKEND_URL": "postgresql://u:pa%2Fss@db:5432/state"}
	tests := map[string]struct{ in, want string }{
		"a URL's password":           {"dial postgres://pulumi:hunter2@db:5432/x failed", "dial postgres://pulumi:xxxxx@db:5432/x failed"},
		"a URL without one":          {"file:///tmp/state and https://cloud.mongodb.com/api", "file:///tmp/state and https://cloud.mongodb.com/api"},
		"a connection string's":      {"host=db user=pulumi password=hunter2 dbname=x", "host=db user=pulumi password=xxxxx dbname=x"},
		"the passphrase":             {"decrypting with correct horse failed", "decrypting with xxxxx failed"},
		"an Atlas secret":            {"secret mdb_sa_sk_XYZ refused", "secret xxxxx refused"},
		"the backend URL's, decoded": {"password pa/ss refused", "password xxxxx refused"},
		"a short value stays":        {"pw is a word", "pw is a word"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, redact(tc.in, func(name string) string { return env[name] }))
		})
	}
}

// TestOutsideTheProjectIsAProjectError: a folder without a project file is
// not the org stack's project, found before any pulumi command runs.
func TestOutsideTheProjectIsAProjectError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := (&AutoRunner{WorkDir: dir, Project: "atlas-multiorg"}).ProjectStacks(context.Background())
	projectErr, ok := errors.AsType[*ProjectError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, &ProjectError{Dir: dir, Want: "atlas-multiorg"}, projectErr)
	assert.EqualError(t, err, dir+" is not the org stack's project: it holds no Pulumi.yaml; run from the org stack's project folder, or give it with --dir")
}
