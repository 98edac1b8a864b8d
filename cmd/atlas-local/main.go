// Command atlas-local serves a local stand-in for the Atlas Admin API v2 on
// loopback, so `pulumi up` with the real mongodbatlas provider runs without an
// Atlas account. See `atlas-local -h`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "atlas-local:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("atlas-local", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on; port 0 picks a free one")
	dataDir := fs.String("data-dir", ".atlas-local", "directory of the state file (state.json) and the seeded credentials")
	reset := fs.Bool("reset", false, "discard the saved state and start with a new paying organization")
	urlFile := fs.String("url-file", "", "write the base URL here once listening")
	failRate := fs.Float64("fail-rate", 0, "answer this fraction of API requests with 500")
	throttleRate := fs.Float64("throttle-rate", 0, "answer this fraction of API requests with 429 and Retry-After: 1")
	latency := fs.Duration("latency", 0, "delay every answer by this much")
	logFile := fs.String("log", "", "append one line per request (time, method, path, status, and why a call failed; never a credential) to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", *addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--addr %q is not a loopback address; atlas-local serves this machine only", *addr)
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return err
	}
	srv, seed, err := localapi.New(localapi.Options{
		DataDir: *dataDir, Reset: *reset, FailRate: *failRate, ThrottleRate: *throttleRate, Latency: *latency,
	})
	if err != nil {
		return err
	}
	credentials := filepath.Join(*dataDir, "credentials.json")
	if seed != nil {
		raw, _ := json.MarshalIndent(seed, "", "  ") //nolint:gosec // G117: written on purpose, to an owner-only file, for make up
		// Owner-only: it holds the seeded service account's secret.
		if err := os.WriteFile(credentials, raw, 0o600); err != nil {
			return err
		}
		fmt.Printf("atlas-local: new state; paying organization %s, its service account %s; secret in %s (mode 0600)\n",
			seed.PayingOrgID, seed.ClientID, credentials)
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o600); err != nil {
			return err
		}
	}
	fmt.Println("atlas-local: serving the Atlas Admin API v2 at", url)
	var handler http.Handler = srv
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		handler = localapi.AccessLog(srv, f)
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	if err := server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
