package deploy

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWatchBackend(t *testing.T) {
	t.Parallel()
	refused := errors.New("connection refused")
	tests := map[string]struct {
		// answers says, probe by probe, whether the backend answers; it
		// answers from then on.
		answers []bool
		// deadAfter is the grace: long where the backend must be let be,
		// so that a loaded machine's late ticks cannot call it dead.
		deadAfter time.Duration
		down      bool
	}{
		"a backend that answers":                   {answers: []bool{true, true, true, true, true, true, true, true}, deadAfter: 35 * time.Millisecond},
		"a backend that restarts within the grace": {answers: []bool{false, false, true, false, false, true}, deadAfter: time.Second},
		"a backend that stops answering":           {answers: []bool{true, false, false, false, false, false, false}, deadAfter: 35 * time.Millisecond, down: true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var asked atomic.Int32
			probe := func(context.Context) error {
				n := int(asked.Add(1)) - 1
				if n >= len(tt.answers) || tt.answers[n] {
					return nil
				}
				return refused
			}
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			var got error
			watchBackend(ctx, probe, 10*time.Millisecond, tt.deadAfter, func(err error) { got = err })
			if tt.down {
				assert.ErrorIs(t, got, refused)
				assert.Less(t, int(asked.Load()), 10, "given up once down, not asked to the end")
			} else {
				assert.NoError(t, got)
			}
		})
	}
}

func listen(t *testing.T) (net.Listener, error) {
	t.Helper()
	return (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
}

func TestPostgresAnswers(t *testing.T) {
	t.Parallel()
	listener, err := listen(t)
	require.NoError(t, err)
	t.Cleanup(func() { _ = listener.Close() })
	var request atomic.Value
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 8)
			_, _ = conn.Read(buf)
			request.Store(buf)
			_, _ = conn.Write([]byte("N")) // no SSL, as a server without it answers
			_ = conn.Close()
		}
	}()
	require.NoError(t, postgresAnswers(t.Context(), listener.Addr().String()))
	assert.Equal(t, []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}, request.Load(), "PostgreSQL's SSLRequest")

	closed, err := listen(t)
	require.NoError(t, err)
	address := closed.Addr().String()
	require.NoError(t, closed.Close())
	assert.Error(t, postgresAnswers(t.Context(), address), "a stopped server")

	silent, err := listen(t) // accepts, and never answers: a hung server
	require.NoError(t, err)
	t.Cleanup(func() { _ = silent.Close() })
	start := time.Now()
	assert.Error(t, postgresAnswers(t.Context(), silent.Addr().String()))
	assert.Less(t, time.Since(start), backendProbeTimeout+time.Second)
}

func TestFolderAnswers(t *testing.T) {
	t.Parallel()
	live := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(live, ".pulumi"), 0o700))
	replaced := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(replaced, ".pulumi"), nil, 0o600))
	tests := map[string]struct {
		root string
		want string
	}{
		"a live backend":           {live, ""},
		"a folder gone":            {filepath.Join(live, "gone"), "no such file or directory"},
		"a folder that is not one": {replaced, "is not a folder"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := folderAnswers(t.Context(), tt.root)
			if tt.want == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tt.want)
			}
		})
	}
}

func TestBackendProbeAndItsError(t *testing.T) {
	t.Parallel()
	assert.NotNil(t, backendProbe("file:///srv/state?metadata=skip"))
	assert.NotNil(t, backendProbe("postgres://pulumi:s3cret-pass@127.0.0.1:55432/pulumi_state?sslmode=disable"))
	assert.Nil(t, backendProbe("https://api.pulumi.com"), "Pulumi Cloud is not watched")
	assert.Nil(t, backendProbe("postgres:///pulumi_state?host=/var/run/postgresql"), "a Unix socket is not watched")

	backend := redactedBackend("postgres://pulumi:s3cret-pass@127.0.0.1:55432/pulumi_state?sslmode=disable")
	err := &BackendDownError{Backend: backend, Stack: "prod-eu", Cause: errors.New("dial tcp 127.0.0.1:55432: connect: connection refused")}
	assert.NotContains(t, err.Error(), "s3cret-pass")
	assert.Contains(t, err.Error(), "the state backend postgres://pulumi:xxxxx@127.0.0.1:55432/pulumi_state?sslmode=disable stopped answering "+
		"(dial tcp 127.0.0.1:55432: connect: connection refused)")
	assert.Contains(t, err.Error(), "pulumi cancel --yes --stack prod-eu")
	assert.Contains(t, err.Error(), "atlas-multiorg orphans --stack prod-eu")
	assert.Contains(t, err.Error(), "docs/interrupted-deployments.md")
}
