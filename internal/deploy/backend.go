package deploy

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A DIY backend (a folder, PostgreSQL) retries each failed save of the
// state 10 times, waiting 1 s growing by 1.2 each time: about 33 s a save,
// hard-coded in the CLI (pkg/backend/diy/state.go), and a run saves after
// every step, so a backend that died mid-run failed it only minutes later
// (measured: 4.5 minutes on PostgreSQL). deploy watches the backend
// itself during an update and interrupts the run once the backend has not
// answered for backendDeadAfter.
const (
	// backendProbeEvery is how often the backend is asked.
	backendProbeEvery = time.Second
	// backendDeadAfter is how long it may not answer before the run is
	// interrupted: a database that restarts in a few seconds does not end
	// the run, and after the interrupt the CLI still has the Automation
	// API's 10 s to save its state, should the backend come back.
	backendDeadAfter = 4 * time.Second
	// backendProbeTimeout bounds one question.
	backendProbeTimeout = 2 * time.Second
)

// BackendDownError is a run that deploy interrupted because its state
// backend stopped answering.
type BackendDownError struct {
	// Backend names the backend, without its password.
	Backend string
	Stack   string
	// Cause is the last probe's failure.
	Cause error
}

func (e *BackendDownError) Error() string {
	return fmt.Sprintf("the state backend %s stopped answering (%v), so deploy interrupted the run instead of letting the engine "+
		"retry each save for about 33 s; the state holds what the run saved before. Once the backend answers again: "+
		"free the lock the run left (pulumi cancel --yes --stack %s), then look for organizations the run created "+
		"and lost (atlas-multiorg orphans --stack %s), as docs/interrupted-deployments.md says",
		e.Backend, redact(e.Cause.Error(), os.Getenv), e.Stack, e.Stack)
}

func (e *BackendDownError) Unwrap() error { return e.Cause }

// backendProbe is a question that a live backend answers, for a file
// backend (its folder is there) or a PostgreSQL one (its server answers a
// connection's first message); nil where the backend is not one of them
// (Pulumi Cloud retries on its own terms).
func backendProbe(backendURL string) func(context.Context) error {
	if root, ok := fileBackendRoot(backendURL); ok {
		return func(ctx context.Context) error { return folderAnswers(ctx, root) }
	}
	if strings.HasPrefix(backendURL, "postgres://") || strings.HasPrefix(backendURL, "postgresql://") {
		u, err := url.Parse(backendURL)
		if err != nil || u.Hostname() == "" {
			return nil // a Unix socket, or a URL the CLI reads its own way
		}
		address := net.JoinHostPort(u.Hostname(), cmp.Or(u.Port(), "5432"))
		return func(ctx context.Context) error { return postgresAnswers(ctx, address) }
	}
	return nil
}

// folderAnswers says whether a file backend's folder is there and holds
// its .pulumi folder. A stat of a hung network mount may never return, so
// it runs aside and is given up after the probe's timeout.
func folderAnswers(ctx context.Context, root string) error {
	result := make(chan error, 1)
	go func() {
		info, err := os.Stat(filepath.Join(root, ".pulumi"))
		if err == nil && !info.IsDir() {
			err = fmt.Errorf("%s is not a folder", filepath.Join(root, ".pulumi"))
		}
		result <- err
	}()
	ctx, cancel := context.WithTimeout(ctx, backendProbeTimeout)
	defer cancel()
	select {
	case err := <-result:
		return err
	case <-ctx.Done():
		return fmt.Errorf("%s did not answer within %s", root, backendProbeTimeout)
	}
}

// sslRequestCode is PostgreSQL's SSLRequest: the first message a client
// may send, which the server answers with one byte, S or N, before any
// sign-in. An answer shows the server itself is up, not only its port.
const sslRequestCode = 80877103

// postgresAnswers asks a PostgreSQL server for its SSL answer, signing in
// to nothing; this module holds no PostgreSQL driver.
func postgresAnswers(ctx context.Context, address string) error {
	ctx, cancel := context.WithTimeout(ctx, backendProbeTimeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", address)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	request := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), sslRequestCode)
	if _, err := conn.Write(request); err != nil {
		return err
	}
	answer := make([]byte, 1)
	if _, err := conn.Read(answer); err != nil {
		return err
	}
	if answer[0] != 'S' && answer[0] != 'N' {
		return fmt.Errorf("%s answered %q, not as PostgreSQL does", address, answer[0])
	}
	return nil
}

// watchBackend asks probe every interval until ctx ends, and calls down
// once, with the last failure, when it has failed for deadAfter without
// an answer in between.
func watchBackend(ctx context.Context, probe func(context.Context) error, interval, deadAfter time.Duration, down func(error)) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	var failingSince time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		err := probe(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			failingSince = time.Time{}
		case failingSince.IsZero():
			failingSince = time.Now()
		}
		if err != nil && time.Since(failingSince) >= deadAfter {
			down(err)
			return
		}
	}
}

// redactedBackend is the backend URL as it may be printed: without its
// password.
func redactedBackend(backendURL string) string {
	u, err := url.Parse(backendURL)
	if err != nil {
		return "(its URL cannot be read)"
	}
	return u.Redacted()
}
