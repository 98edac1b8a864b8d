package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
)

// ExpiryStatus is one organization's secret, as check-expiry reports it.
type ExpiryStatus struct {
	Org       string    `json:"org"`
	ExpiresAt time.Time `json:"expiresAt"`
	Left      string    `json:"left"`
	// State is "ok", "expiring" (inside the window) or "expired".
	State string `json:"state"`
}

type checkExpiryOptions struct {
	file   string
	window time.Duration
	output string
	now    func() time.Time
}

func newCheckExpiryCommand(now func() time.Time) *cobra.Command {
	opts := &checkExpiryOptions{now: now}
	cmd := &cobra.Command{
		Use:   "check-expiry",
		Short: "Fail when an org stack's service account secret expires soon",
		Long: `Reads the org stack's outputs, as printed by
  pulumi stack output --json
from standard input or --file, and lists every service account secret with
its expiry. Only the non-secret "orgs" output is read; credentials are never
read or printed.

Exit codes: 0 no secret expires within the window, 1 at least one expires
within it or has expired, 2 unreadable input or bad flags.`,
		Example: `  pulumi stack output --json --stack prod | atlas-multiorg check-expiry --window 336h`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return opts.run(cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&opts.file, "file", "f", "-", "stack outputs JSON file; - for standard input")
	cmd.Flags().DurationVar(&opts.window, "window", time.Duration(multiorg.DefaultExpiryWarningHours)*time.Hour,
		"warn about secrets expiring within this long (the org stack's default expiryWarningHours)")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func (o *checkExpiryOptions) run(stdin io.Reader, stdout io.Writer) error {
	if o.output != "text" && o.output != "json" {
		return usageError("--output must be text or json, got %q", o.output)
	}
	if o.window <= 0 {
		return usageError("--window must be positive, got %s", o.window)
	}
	in := stdin
	if o.file != "-" {
		f, err := os.Open(o.file) //nolint:gosec // G304: the path is the user's own --file
		if err != nil {
			return usageError("reading stack outputs: %w", err)
		}
		defer func() { _ = f.Close() }() // read only
		in = f
	}
	statuses, err := ParseExpiries(in, o.now(), o.window)
	if err != nil {
		return &ExitError{Code: ExitUsage, Err: err}
	}
	if err := o.print(stdout, statuses); err != nil {
		return err
	}
	for _, s := range statuses {
		if s.State != "ok" {
			return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%s expires within %s", plural(countNotOK(statuses), "secret"), o.window)}
		}
	}
	return nil
}

func (o *checkExpiryOptions) print(w io.Writer, statuses []ExpiryStatus) error {
	if o.output == "json" {
		if statuses == nil {
			statuses = []ExpiryStatus{}
		}
		return writeJSON("-", w, statuses)
	}
	if len(statuses) == 0 {
		_, err := fmt.Fprintln(w, "no service account secrets in the stack outputs")
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-24s %-22s %-12s %s\n", "ORG", "EXPIRES AT", "LEFT", "STATE")
	for _, s := range statuses {
		fmt.Fprintf(&b, "%-24s %-22s %-12s %s\n", s.Org, s.ExpiresAt.Format(time.RFC3339), s.Left, s.State)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ParseExpiries reads `pulumi stack output --json` and returns the expiry of
// every organization's service account secret, soonest first.
func ParseExpiries(r io.Reader, now time.Time, window time.Duration) ([]ExpiryStatus, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading stack outputs: %w", err)
	}
	outputs, err := multiorg.DecodeStackOutputs(raw)
	if errors.Is(err, multiorg.ErrNoOrgsOutput) {
		return nil, fmt.Errorf("%w: is this an atlas-multiorg org stack?", err)
	}
	if err != nil {
		return nil, err
	}
	return expiryStatuses(outputs.Orgs, now, window)
}

// expiryStatuses are the expiries of the organizations' service account
// secrets, soonest first.
func expiryStatuses(orgs map[string]multiorg.OrgOutput, now time.Time, window time.Duration) ([]ExpiryStatus, error) {
	var statuses []ExpiryStatus
	for key, org := range orgs {
		at := org.SecretExpiresAt
		if at == "" {
			continue // an API key or an adopted organization: nothing expires
		}
		// Stacks deployed before the export was normalized hold Go's
		// time layout, which the provider uses for an Organization's secret.
		expiry, err := multiorg.ParseExpiry(at)
		if err != nil {
			return nil, fmt.Errorf("orgs.%s.secretExpiresAt: %w", key, err)
		}
		left := expiry.Sub(now)
		state := "ok"
		switch {
		case left <= 0:
			state = "expired"
		case left <= window:
			state = "expiring"
		}
		statuses = append(statuses, ExpiryStatus{Org: key, ExpiresAt: expiry, Left: left.Round(time.Minute).String(), State: state})
	}
	sort.Slice(statuses, func(i, j int) bool {
		if !statuses[i].ExpiresAt.Equal(statuses[j].ExpiresAt) {
			return statuses[i].ExpiresAt.Before(statuses[j].ExpiresAt)
		}
		return statuses[i].Org < statuses[j].Org
	})
	return statuses, nil
}

func countNotOK(statuses []ExpiryStatus) int {
	n := 0
	for _, s := range statuses {
		if s.State != "ok" {
			n++
		}
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, strings.TrimSuffix(word, "s"))
}
