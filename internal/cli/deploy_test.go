package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
)

// stubRunner deploys stacks named after their environment; "broken" ones fail.
type stubRunner struct{ envs map[string]string }

func (s stubRunner) Environment(_ context.Context, stack string) (string, error) {
	if env, ok := s.envs[stack]; ok {
		return env, nil
	}
	return "", errors.New("cannot select it")
}

func (s stubRunner) Run(_ context.Context, _ deploy.Operation, stack string, progress func(deploy.Event)) (deploy.Outcome, error) {
	if stack == "dev-busy" {
		return deploy.Outcome{}, &deploy.BusyError{Holder: "locked by ci@runner-1, pid 4242, since 2026-12-07T18:00:00Z"}
	}
	if stack == "dev-broken" {
		progress(deploy.Event{Severity: "error", Message: "atlas-multiorg:orgs.x.name: no spaces"})
		return deploy.Outcome{}, errors.New("exit status 255")
	}
	return deploy.Outcome{Changes: map[string]int{"create": 2}, Outputs: 3, SecretOutputs: 1}, nil
}

func runDeploy(t *testing.T, opts deployOptions, stacks ...string) (code int, stdout, stderr string) {
	t.Helper()
	runner := stubRunner{envs: map[string]string{"dev-0": "dev", "dev-broken": "dev", "dev-busy": "dev", "prod-eu": "prod"}}
	opts.newRunner = func(*deployOptions) deploy.Runner { return runner }
	opts.parallel, opts.every = max(opts.parallel, 1), max(opts.every, 1)
	opts.output = cmp.Or(opts.output, "text")
	var out, errOut bytes.Buffer
	err := opts.run(t.Context(), stacks, &out, &errOut)
	code = ExitOK
	var exit *ExitError
	if errors.As(err, &exit) {
		code = exit.Code
		errOut.WriteString(err.Error())
	} else if err != nil {
		require.NoError(t, err)
	}
	return code, out.String(), errOut.String()
}

func TestDeploySummary(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		stacks []string
		code   int
		stdout []string
		stderr []string
	}{
		"every stack succeeds": {[]string{"prod-eu", "dev-0"}, ExitOK,
			[]string{"dev-0    dev          succeeded", "2 created  3 (1 secret)", "prod-eu  prod", "2 succeeded, 0 failed, 0 skipped"},
			[]string{"[dev-0] up started (dev)", "[prod-eu] up succeeded in"}},
		"a failure skips prod and exits 1": {[]string{"prod-eu", "dev-broken", "dev-0"}, ExitFindings,
			[]string{"dev-broken  dev          failed     0s    atlas-multiorg:orgs.x.name: no spaces", "prod-eu     prod         skipped",
				"not run: dev-broken failed first", "1 succeeded, 1 failed, 1 skipped"},
			[]string{"[dev-broken] error: atlas-multiorg:orgs.x.name: no spaces", "up: not every stack succeeded"}},
		"a busy stack is named with its holder and exits 3": {[]string{"prod-eu", "dev-busy", "dev-0"}, ExitFailure,
			[]string{"dev-busy  dev          busy       0s    busy: an update of it is running (locked by ci@runner-1, pid 4242, since 2026-12-07T18:00:00Z); up did not run on it",
				"not run: dev-busy was busy first", "1 succeeded, 0 failed, 1 skipped, 1 busy in"},
			[]string{"up: dev-busy busy: another run holds each; nothing ran on it"}},
		"busy wins over failed": {[]string{"dev-busy", "dev-broken"}, ExitFailure, nil, []string{"up: dev-busy busy"}},
		"an unknown stack runs nothing and exits 2": {[]string{"dev-0", "nope"}, ExitUsage, nil,
			[]string{"cannot plan the deployment, nothing ran:\nstack \"nope\": cannot select it"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runDeploy(t, deployOptions{}, tt.stacks...)
			assert.Equal(t, tt.code, code, stderr)
			for _, want := range tt.stdout {
				assert.Contains(t, stdout, want)
			}
			for _, want := range tt.stderr {
				assert.Contains(t, stderr, want)
			}
			if tt.code == ExitUsage {
				assert.Empty(t, stdout)
				assert.NotContains(t, stderr, "[dev-0]", "nothing ran")
			}
		})
	}
}

func TestDeployJSON(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runDeploy(t, deployOptions{output: "json", destroy: true}, "dev-0", "prod-eu")
	require.Equal(t, ExitOK, code)
	var rows []deployJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &rows))
	require.Len(t, rows, 2)
	assert.Equal(t, "prod-eu", rows[0].Stack, "destroy takes prod first")
	assert.Equal(t, deployJSON{Stack: "dev-0", Environment: "dev", Status: deploy.Succeeded, Changes: map[string]int{"create": 2},
		Outputs: 3, SecretOutputs: 1}, rows[1])
}

func TestDeployFlags(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args []string
		want string
	}{
		"no stack":                 {[]string{"deploy"}, "requires at least 1 arg"},
		"preview and destroy":      {[]string{"deploy", "--preview", "--destroy", "dev"}, "[destroy preview] were all set"},
		"a bad output format":      {[]string{"deploy", "-o", "yaml", "dev"}, `--output "yaml": use text or json`},
		"no stack at once":         {[]string{"deploy", "--parallel", "0", "dev"}, "--parallel and --every must be at least 1"},
		"a negative pulumi option": {[]string{"deploy", "--pulumi-parallel", "-1", "dev"}, "--pulumi-parallel at least 0"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := run(t, "", tt.args...)
			assert.Equal(t, ExitUsage, got.code)
			assert.Contains(t, got.stderr, tt.want)
		})
	}
}
