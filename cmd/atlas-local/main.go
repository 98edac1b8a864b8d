// Command atlas-local serves a local stand-in for the Atlas Admin API v2 on
// loopback, so `pulumi up` with the real mongodbatlas provider runs without an
// Atlas account. See `atlas-local -h`.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "atlas-local:", err)
		os.Exit(1)
	}
}

// ownerUsernameEnv gives --owner-username its default, so that a harness
// that starts atlas-local with flags of its own (the provider's acceptance
// suite, whose organization data source test wants a company address
// first) can still choose the owner.
const ownerUsernameEnv = "ATLAS_LOCAL_OWNER_USERNAME"

func run(args []string) error {
	if len(args) > 0 && args[0] == "console" {
		return console(args[1:], os.Stdout)
	}
	fs := flag.NewFlagSet("atlas-local", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on; port 0 picks a free one")
	dataDir := fs.String("data-dir", ".atlas-local", "directory of the state file (state.json) and the seeded credentials")
	reset := fs.Bool("reset", false, "discard the saved state and start with a new paying organization")
	urlFile := fs.String("url-file", "", "write the base URL here once listening")
	var faults localapi.Faults
	fs.Uint64Var(&faults.Seed, "fault-seed", 0, "seed of the injected faults: the same seed meets the same faults")
	fs.Float64Var(&faults.FailRate, "fail-rate", 0, "answer this fraction of API requests with 500, before handling them")
	fs.Float64Var(&faults.ThrottleRate, "throttle-rate", 0, "answer this fraction of API requests with 429 and Retry-After: 1")
	fs.Float64Var(&faults.LostRate, "lost-rate", 0, "make this fraction of changes, save them, then drop the connection unanswered")
	fs.Float64Var(&faults.GatewayRate, "gateway-error-rate", 0, "make this fraction of changes, save them, then answer 502 or 504 as a proxy would")
	fs.Float64Var(&faults.CrashRate, "crash-rate", 0, "make this fraction of changes, save them, then restart atlas-local unanswered (state kept, same address)")
	fs.DurationVar(&faults.Latency, "latency", 0, "delay every answer by this much")
	faultMatch := fs.String("fault-match", "", "regular expression on \"METHOD path\": only matching API requests meet faults (default: all)")
	restartDelay := fs.Duration("restart-delay", time.Second, "how long a restart after --crash-rate keeps the address closed")
	ownerUsername := fs.String("owner-username", os.Getenv(ownerUsernameEnv), "username (an email address) of the seeded paying organization's owner, for a new state (default $"+ownerUsernameEnv+", else local-owner@example.com)")
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
	if *faultMatch != "" {
		re, err := regexp.Compile(*faultMatch)
		if err != nil {
			return fmt.Errorf("--fault-match: %w", err)
		}
		faults.Match = re.MatchString
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return err
	}
	faults.History = localapi.NewFaultHistory()
	crashed := make(chan struct{}, 1)
	if faults.CrashRate > 0 {
		faults.Crash = func() {
			select {
			case crashed <- struct{}{}:
			default:
			}
		}
	}
	consoleToken, err := readConsoleToken(*dataDir, true)
	if err != nil {
		return err
	}
	srv, seed, err := localapi.New(localapi.Options{DataDir: *dataDir, Reset: *reset, Faults: faults, ConsoleToken: consoleToken, OwnerUsername: *ownerUsername})
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
	var log io.Writer
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		log = f
	}
	for {
		var handler http.Handler = srv
		if log != nil {
			handler = localapi.AccessLog(srv, log)
		}
		server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		served := make(chan error, 1)
		go func() { served <- server.Serve(ln) }()
		select {
		case err := <-served:
			return err
		case <-crashed:
		}
		// A crash: every connection drops, nothing in memory survives, and
		// the address refuses connections until the state is read again.
		_ = server.Close()
		fmt.Println("atlas-local: crashed on purpose (--crash-rate); restarting from the saved state in", *restartDelay)
		time.Sleep(*restartDelay)
		if srv, _, err = localapi.New(localapi.Options{DataDir: *dataDir, Faults: faults, ConsoleToken: consoleToken}); err != nil {
			return err
		}
		if ln, err = (&net.ListenConfig{}).Listen(context.Background(), "tcp", ln.Addr().String()); err != nil {
			return fmt.Errorf("restarting: %w", err)
		}
	}
}
