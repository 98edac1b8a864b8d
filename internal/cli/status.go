package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/billing"
	"github.com/atlas-multiorg/atlas-multiorg/internal/deploy"
)

// StatusSchemaVersion is the version of `status -o json`'s schema
// (docs/status.md). A field is only ever added within a version; one that
// changes its meaning or goes away makes a new version.
const StatusSchemaVersion = 1

// stackInspector is what status needs of the backend.
type stackInspector interface {
	// ProjectStacks lists the project's stacks.
	ProjectStacks(ctx context.Context) ([]string, error)
	// Inspect reads one stack: config, state, refresh preview.
	Inspect(ctx context.Context, stack string) (deploy.Inspection, error)
}

// statusClient is what status needs of the Admin API: the people of an
// organization, and the paying organization's linked organizations and
// invoices.
type statusClient interface {
	OrganizationUsers(ctx context.Context, orgID string) ([]atlasapi.OrgUser, error)
	OrganizationTeams(ctx context.Context, orgID string) ([]atlasapi.Team, error)
	NonCompliantResources(ctx context.Context, orgID string) ([]atlasapi.NonCompliantResource, error)
	credentialReader
	LinkedOrganizations(ctx context.Context, payingOrgID string) ([]atlasapi.LinkedOrganization, error)
	ListInvoices(ctx context.Context, orgID string) ([]atlasapi.Invoice, error)
}

type statusOptions struct {
	stackRunFlags
	output       string
	html         string
	window       time.Duration
	timeout      time.Duration
	baseURL      string
	now          func() time.Time
	getenv       func(string) string
	newInspector func(o *statusOptions) stackInspector
	connect      func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error)
	// terminal says whether progress goes to a person (a terminal) rather
	// than to a CI log.
	terminal func(w io.Writer) bool
}

func newStatusCommand(now func() time.Time, getenv func(string) string) *cobra.Command {
	opts := &statusOptions{now: now, getenv: getenv, terminal: isTerminal,
		newInspector: func(o *statusOptions) stackInspector { return o.autoRunner() },
		connect: func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (statusClient, error) {
			return atlasapi.New(ctx, baseURL, creds)
		}}
	cmd := &cobra.Command{
		Use:   "status [STACK...]",
		Short: "One morning check of every org stack: drift, expiring secrets, orphans, budgets",
		Long: `Checks the org stacks named, or every stack of the project when none is
named, --parallel at a time, through Pulumi's Automation API and the pulumi
CLI on PATH, with this shell's environment (PULUMI_BACKEND_URL, the secrets
passphrase, and the paying organization's credential where the stack's config
does not hold it). Nothing is written: each
stack gets a refresh preview (pulumi preview --refresh), never a refresh or an
update, and the Admin API is only read. ` + adminAPIHelp + ` Each
organization's people are read as its own provider reads them.

Per organization (org key) it reports:
  - drift: settings changed outside the code (the field, the value in the
    code, the value in Atlas), resources of the stack gone from Atlas,
    people and teams in Atlas that the code does not list, and secrets,
    access-list entries and credentials the stack did not make;
  - its newest service account secret's expiry, by check-expiry's rules
    (--window), and the days left on the secret that expires first;
  - where monthlyBudgetUsd is set, billing --check's outcome.
Per paying organization, once: what orphans finds (organizations linked to
it that none of the stacks holds; check every stack for this to be right).

No secret is printed, not even masked: a changed field that holds one is
named without its values.

Each finding ends with what fixes it, as a command to copy where one does
(-o json: fix): for drift, pulumi up --refresh --stack STACK, since a plain
pulumi up compares the code with the state, not with Atlas.

A stack that another update holds is reported as busy, at once: status does
not wait for the lock and never breaks it. An unknown stack, a stack of
another project and a stack that cannot be read are each one line, with the
reason Pulumi, the backend or the database gave (no password, no
passphrase); the other stacks are still checked.

Each organization is checked on its own: where a refresh fails (Atlas
refuses an organization's own service account, say), the stack is previewed
again without what that provider reads for that organization (at most three
times), and the organization is unchecked, with whose credential it was and
why; the others are still compared.

Output: one line per organization, the worst finding first, then every
finding (-o json: the schema of docs/status.md, schemaVersion 1; --html: one
self-contained file). On a terminal a progress line counts the stacks done;
in a CI log nothing is printed until the end.

Exit codes: 0 every stack checked and nothing found, 1 findings, 2 bad flags,
a folder that is not the org stack's project, an unknown stack or a stack of
another project, or a config that cannot be read, 3 an Admin API or backend
failure, an organization not checked, or a busy stack (not checked).`,
		Example: `  atlas-multiorg status                       # every stack of the project
  atlas-multiorg status prod-eu prod-us -o json > status.json
  atlas-multiorg status --parallel 8 --html status.html`,
		RunE: interruptibly(opts.run),
	}
	opts.register(cmd, "stacks checked at once", "each preview's pulumi --parallel (0: Pulumi's default)")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table or json")
	cmd.Flags().StringVar(&opts.html, "html", "", "also write a self-contained HTML report to this file")
	cmd.Flags().DurationVar(&opts.window, "window", time.Duration(multiorg.DefaultExpiryWarningHours)*time.Hour,
		"a secret expiring within this long is a finding (check-expiry's --window)")
	cmd.Flags().DurationVar(&opts.timeout, "timeout", 20*time.Minute, "give up on a stack after this long")
	cmd.Flags().StringVar(&opts.baseURL, "base-url", "", baseURLFlagHelp)
	return cmd
}

// The kinds of finding, and the stack states.
const (
	// KindUnchecked: a check of the organization could not run.
	KindUnchecked = "unchecked"
	// KindExpired: its newest secret has expired.
	KindExpired = "expired"
	// KindGone: a resource the stack holds is gone from Atlas.
	KindGone = "gone"
	// KindChanged: a setting in Atlas differs from the code.
	KindChanged = "changed"
	// KindNotInCode: the stack holds a resource the code no longer declares.
	KindNotInCode = "not-in-code"
	// KindNotDeployed: the code declares a resource the stack never made.
	KindNotDeployed = "not-deployed"
	// KindUnmanaged: a person or team in Atlas that the code does not list.
	KindUnmanaged = "unmanaged"
	// KindOverBudget: over its monthlyBudgetUsd this month, or projected to be.
	KindOverBudget = "over-budget"
	// KindExpiring: its newest secret expires within --window.
	KindExpiring = "expiring"
	// KindOrphan: an organization linked to the paying one that no stack holds.
	KindOrphan = "orphan"
	// KindNonCompliant: a resource Atlas reports as breaking one of the
	// organization's resource policies.
	KindNonCompliant = "non-compliant"

	StackChecked = "checked"
	StackBusy    = "busy"
	StackUnknown = "unknown"
	StackFailed  = "failed"
)

// kindRank orders findings, worst first.
var kindRank = map[string]int{
	KindUnchecked: 100, KindExpired: 90, KindGone: 80, KindChanged: 70, KindNotInCode: 60,
	KindNonCompliant: 55, KindUnmanaged: 50, KindOrphan: 50, KindOverBudget: 45, KindNotDeployed: 40, KindExpiring: 30,
}

// StatusReport is everything status found: `status -o json`.
type StatusReport struct {
	SchemaVersion int       `json:"schemaVersion"`
	CheckedAt     time.Time `json:"checkedAt"`
	Seconds       float64   `json:"seconds"`
	// Stacks are the stacks asked for, in the order given.
	Stacks []StackStatus `json:"stacks"`
	// Orgs are the organizations of the checked stacks, worst first.
	Orgs []OrgStatus `json:"orgs"`
	// PayingOrgs are the paying organizations of the stacks, each checked once.
	PayingOrgs []PayingOrgStatus `json:"payingOrgs"`
	Summary    StatusSummary     `json:"summary"`
}

// StackStatus is one stack: whether it was checked, and why not.
type StackStatus struct {
	Stack       string `json:"stack"`
	Environment string `json:"environment,omitempty"`
	// State is checked, busy, unknown (not in the backend, or of another
	// project) or failed.
	State   string  `json:"state"`
	Reason  string  `json:"reason,omitempty"`
	Seconds float64 `json:"seconds"`
	// Findings are those of the stack's resources that belong to no organization.
	Findings []Finding `json:"findings,omitempty"`
	// failed is why it was not checked, an *ExitError of its kind: a backend
	// failure (exit 3) or a usage error (exit 2); nil when it was.
	failed error
}

// OrgStatus is one organization of one stack.
type OrgStatus struct {
	Stack string `json:"stack"`
	// Key is its org key in the stack.
	Key   string `json:"key"`
	OrgID string `json:"orgId,omitempty"`
	Name  string `json:"name,omitempty"`
	// SecretExpiresAt is the expiry of the secret of its service account
	// that expires first (its stack's newest where Atlas was not read), and
	// DaysLeft the whole days until then (negative once expired); both
	// absent where nothing expires (an API key, an adopted organization).
	SecretExpiresAt *time.Time `json:"secretExpiresAt,omitempty"`
	DaysLeft        *int       `json:"daysLeft,omitempty"`
	// SecretID is the secret that expires first among its service
	// account's secrets in Atlas, and SecretOrigin where it came from: the
	// stack (SecretOfTheStack), an earlier rotation (SecretOfARotation) or
	// a hand in Atlas (SecretOutsideTheCode); both absent where Atlas was
	// not read.
	SecretID     string `json:"secretId,omitempty"`
	SecretOrigin string `json:"secretOrigin,omitempty"`
	// Budget is billing --check's outcome, where monthlyBudgetUsd is set.
	Budget *BudgetStatus `json:"budget,omitempty"`
	// Findings are worst first; empty when the organization is clean.
	Findings []Finding `json:"findings"`
	// failed is why a part was not checked (an *ExitError), nil when none.
	failed error
	// peopleUnread is why its people could not be read, nil when they were:
	// a refusal of its own credential there is what goneFindings looks
	// into, whatever else (a left-out refresh) failed first.
	peopleUnread error
	// rotates says its service account rotates its secret (rotateEveryHours),
	// so that an update issues the next one.
	rotates bool
	// adminAPI is the base URL its people were read from; "" when they were not.
	adminAPI string
}

// BudgetStatus is an organization held to its monthly budget, in cents.
type BudgetStatus struct {
	Month          string `json:"month"`
	BudgetCents    int64  `json:"budgetCents"`
	ToDateCents    int64  `json:"toDateCents"`
	ProjectedCents int64  `json:"projectedCents"`
	// State is ok, over (month to date) or projected (over by the month's end).
	State string `json:"state"`
}

// Finding is one thing that is not as the code says, or about to break.
type Finding struct {
	Kind string `json:"kind"`
	// Resource is the stack's resource it concerns: its type and name.
	Resource string `json:"resource,omitempty"`
	// Field, Code and Atlas are a changed setting: its path, its value in
	// the code and in Atlas (JSON text, "null" for none). A field that
	// holds a secret has neither value, and Withheld set.
	Field    string `json:"field,omitempty"`
	Code     string `json:"code,omitempty"`
	Atlas    string `json:"atlas,omitempty"`
	Withheld bool   `json:"withheld,omitempty"`
	// Message says it in words, ending with what fixes it.
	Message string `json:"message"`
	// Fix is the exact command that fixes it, for a shell in the folder
	// status ran in; absent where none does (the message says what to do
	// by hand). statusAdvice (status_advice.go) gives it.
	Fix string `json:"fix,omitempty"`
	// byHand says no command fixes it, and its message says what does;
	// statusAdvice then leaves it as it is.
	byHand bool
	// resourceID is Atlas' ID of a non-compliant resource, which its fix
	// names.
	resourceID string
}

// PayingOrgStatus is one paying organization's orphans check.
type PayingOrgStatus struct {
	OrgID string `json:"orgId"`
	// Stacks are the checked stacks it pays for.
	Stacks []string `json:"stacks"`
	// Orphans are orphans' findings; Findings says them as findings.
	Orphans  []Orphan  `json:"orphans"`
	Findings []Finding `json:"findings"`
	// Reason says why a check of it did not run.
	Reason string `json:"reason,omitempty"`
	// failed is the worst reason a check of it did not run (an *ExitError),
	// nil when none.
	failed error
}

// StatusSummary counts what was checked and found.
type StatusSummary struct {
	Stacks        int `json:"stacks"`
	StacksChecked int `json:"stacksChecked"`
	Orgs          int `json:"orgs"`
	Findings      int `json:"findings"`
	// ExitCode is the command's exit code.
	ExitCode int `json:"exitCode"`
}

func (o *statusOptions) run(ctx context.Context, names []string, stdout, stderr io.Writer) error {
	switch {
	case o.output != "table" && o.output != "json":
		return usageError("--output must be table or json, got %q", o.output)
	case o.parallel < 1 || o.pulumiParallel < 0:
		return usageError("--parallel must be at least 1, --pulumi-parallel at least 0")
	case o.window <= 0 || o.timeout <= 0:
		return usageError("--window and --timeout must be positive")
	}
	start := o.now()
	inspector := o.newInspector(o)
	// The project is opened and its stacks listed once, before any stack:
	// a folder that is not the org stack's project, or a backend that
	// cannot be read, is one line, not one per stack.
	all, err := inspector.ProjectStacks(ctx)
	if _, notProject := errors.AsType[*deploy.ProjectError](err); notProject {
		return usageError("%w", err)
	}
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("listing the stacks: %w", err)}
	}
	if len(names) == 0 {
		if len(all) == 0 {
			return usageError("the backend holds no stack of the project in %s: name the stacks, or deploy one first", o.dir)
		}
		names = all
	}
	names = uniqueNames(names)
	progress := o.progress(stderr, len(names))
	checks := o.checkStacks(ctx, inspector, names, progress)
	progress(-1)
	report := o.assemble(ctx, checks, start)
	if o.html != "" {
		if err := writeStatusHTMLFile(o.html, report); err != nil {
			return err
		}
	}
	if o.output == "json" {
		err = writeJSON("-", stdout, report)
	} else {
		err = writeStatusTable(stdout, report)
	}
	if err != nil {
		return err
	}
	if code := report.Summary.ExitCode; code != ExitOK {
		// The table ends with the summary line; JSON says it for scripts,
		// so a CI log still gets it once, on stderr.
		return &ExitError{Code: code, Err: errors.New(statusLine(report)), Said: o.output == "table"}
	}
	return nil
}

// uniqueNames drops a stack named twice: it is checked once.
func uniqueNames(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// progress returns what counts finished stacks: on a terminal, one line
// rewritten in place; elsewhere (a CI log) nothing. -1 ends the line.
func (o *statusOptions) progress(stderr io.Writer, total int) func(done int) {
	if !o.terminal(stderr) {
		return func(int) {}
	}
	var mu sync.Mutex
	return func(done int) {
		mu.Lock()
		defer mu.Unlock()
		if done < 0 {
			_, _ = fmt.Fprint(stderr, "\r\033[K")
			return
		}
		_, _ = fmt.Fprintf(stderr, "\rstatus: %d/%d stacks checked", done, total)
	}
}

// isTerminal says whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// fail marks the stack as not (fully) checked: its state, and the reason,
// of the kind code (ExitFailure or ExitUsage).
func (s *StackStatus) fail(state string, code int, reason string) {
	s.State, s.Reason, s.failed = state, reason, &ExitError{Code: code, Err: errors.New(reason)}
}

// stackCheck is one stack's result before the paying organizations are checked.
type stackCheck struct {
	status StackStatus
	orgs   []OrgStatus
	// What the paying organization's checks need of it.
	payingOrgID string
	state       *StackState
	budgets     map[string]int64
	ids         map[string]string
	// provider is the stack's default provider's config: the caller's
	// credential and Admin API resolve from it.
	provider atlasapi.ProviderConfig
}

// checkStacks checks the stacks, o.parallel at a time, in the order given.
func (o *statusOptions) checkStacks(ctx context.Context, inspector stackInspector, names []string, progress func(int)) []stackCheck {
	checks := make([]stackCheck, len(names))
	next := make(chan int, len(names))
	for i := range names {
		next <- i
	}
	close(next)
	var done int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(o.parallel, len(names)) {
		wg.Go(func() {
			for i := range next {
				checks[i] = o.checkStack(ctx, inspector, names[i])
				mu.Lock()
				done++
				progress(done)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return checks
}

// checkStack inspects one stack and reads, per organization, its drift,
// its people and its secret's expiry.
func (o *statusOptions) checkStack(ctx context.Context, inspector stackInspector, name string) (check stackCheck) {
	start := time.Now()
	check = stackCheck{status: StackStatus{Stack: name, State: StackChecked}}
	defer func() { check.status.Seconds = time.Since(start).Round(10 * time.Millisecond).Seconds() }()
	if ctx.Err() != nil {
		check.status.fail(StackFailed, ExitFailure, "not checked: interrupted")
		return check
	}
	stackCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	in, err := inspector.Inspect(stackCtx, name)
	check.status.Environment = in.Environment
	var busy *deploy.BusyError
	var missing *deploy.NotFoundError
	switch {
	case errors.As(err, &busy):
		check.status.fail(StackBusy, ExitFailure,
			busy.Error()+"; not checked: status does not wait for the lock and does not break it, so run it again once the update ends")
		return check
	case errors.As(err, &missing):
		check.status.fail(StackUnknown, ExitUsage, missing.Error())
		return check
	case err != nil && in.Deployment == nil:
		check.status.fail(StackFailed, ExitFailure, o.failureReason(stackCtx, err))
		return check
	}
	spec, specErr := multiorg.SpecFromConfig(in.Config, name)
	if specErr != nil {
		check.status.fail(StackFailed, ExitUsage, "its config cannot be read: "+strings.ReplaceAll(specErr.Error(), "\n", "; "))
		return check
	}
	if err != nil {
		// The state was read, the preview failed: the rest is still worth
		// reporting (expiry, people, orphans), and the stack is a failure.
		check.status.fail(StackFailed, ExitFailure, "refresh preview failed: "+o.failureReason(stackCtx, err))
	}
	state, err := readInspectedState(name, in.Deployment)
	if err != nil {
		check.status.fail(StackFailed, ExitFailure, err.Error())
		return check
	}
	check.payingOrgID, check.state = spec.PayingOrgID, &state.orphans
	check.provider = atlasapi.StackProviderConfig("the config of stack "+name, in.Config, in.Encrypted)
	for key, value := range in.ProviderSecrets {
		check.provider.SetDecrypted(key, value)
	}
	check.provider.DecryptFailure = in.ProviderSecretsFailure
	check.budgets, check.ids = map[string]int64{}, map[string]string{}
	state.orphans.Entries = orgKeysByName(spec.Orgs, func(org multiorg.OrgSpec) string { return org.Name })

	keys := slices.Collect(maps.Keys(spec.Orgs))
	for key := range state.outputs {
		if _, ok := spec.Orgs[key]; !ok {
			keys = append(keys, key) // in the state, no longer in the code
		}
	}
	slices.Sort(keys)
	orgs := map[string]*OrgStatus{}
	for _, key := range keys {
		org := &OrgStatus{Stack: name, Key: key, Findings: []Finding{}}
		if out, ok := state.outputs[key]; ok {
			org.OrgID, org.Name = out.OrgID, out.Name
		}
		if org.Name == "" {
			org.Name = spec.Orgs[key].Name
		}
		if id := cmp.Or(org.OrgID, spec.Orgs[key].ImportID); id != "" {
			check.ids[key] = id
		}
		if sa := spec.Orgs[key].ServiceAccount; sa != nil && sa.RotateEveryHours != nil && *sa.RotateEveryHours > 0 {
			org.rotates = true
		}
		if budget := spec.Orgs[key].MonthlyBudgetUSD; budget != "" {
			check.budgets[key], _ = multiorg.ParseUSD(budget) // validated by SpecFromConfig
		}
		orgs[key] = org
	}
	stackFindings := driftFindings(in.Steps, keys, state.urns, orgs)
	check.status.Findings = append(check.status.Findings, stackFindings...)
	if unchecked := o.leftOutFindings(in.LeftOut, keys, state, check.provider, orgs); len(unchecked) > 0 {
		check.status.Findings = append(check.status.Findings, unchecked...)
		check.status.failed = worse(check.status.failed, failureError("%s", unchecked[0].Message))
	}
	o.expiryFindings(spec, state.outputs, orgs)
	// Each organization is its own sign-in and two listings: at Atlas'
	// latency they take longer one after another than the preview does.
	held := heldByOrg(state.resources, keys)
	for _, key := range keys {
		if sa := spec.Orgs[key].ServiceAccount; sa != nil && sa.TakeOver != nil && !spec.Orgs[key].Adopted() {
			held[key].takenOver = sa.TakeOver.ClientID
			held[key].clientIDs[sa.TakeOver.ClientID] = true
		}
	}
	slots := make(chan struct{}, peopleReaders)
	var wg sync.WaitGroup
	for _, key := range keys {
		org := orgs[key]
		if org.OrgID == "" {
			continue
		}
		provider := atlasapi.ProviderConfig{Where: "the own provider of organization " + key + " in the stack's state",
			BaseURL: cmp.Or(state.baseURLs[key], check.provider.BaseURL), Credentials: state.credentials[key]}
		if provider.Credentials == (atlasapi.Credentials{}) {
			provider.Where, provider.Credentials = "the stack's credentials output for organization "+key, state.exported[key]
		}
		if provider.Credentials == (atlasapi.Credentials{}) {
			provider = check.provider
		}
		gone := goneCheck{stack: name, key: key, urns: orgURNs(state.urns, key, keys), protected: protectedEnvironment(spec),
			own: provider, caller: check.provider, credentialType: state.outputs[key].CredentialType, org: org}
		if spec.Orgs[key].Adopted() || provider.Credentials == check.provider.Credentials {
			gone.own = atlasapi.ProviderConfig{} // the caller's provider manages it: nothing of its own to lose
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			o.peopleFindings(stackCtx, spec, key, provider, held[key], org)
			o.goneFindings(stackCtx, gone)
		})
	}
	wg.Wait()
	explainGone(&check.status, orgs)
	for _, key := range keys {
		check.orgs = append(check.orgs, *orgs[key])
	}
	return check
}

// peopleReaders bounds the organizations of one stack whose people are
// read at once.
const peopleReaders = 8

// failureReason says why a stack could not be read: a timeout as one, the
// error's first line otherwise.
func (o *statusOptions) failureReason(ctx context.Context, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("not checked: gave up after --timeout %s", o.timeout)
	}
	line, _, _ := strings.Cut(strings.TrimSpace(err.Error()), "\n")
	return line
}

// expiryFindings reads each organization's secret expiry from the "orgs"
// output, by check-expiry's rules. An expired secret of an organization the
// stack created is the stack's own provider's too: its finding gives the
// steps by which the stack takes over a new service account.
func (o *statusOptions) expiryFindings(spec multiorg.Spec, outputs map[string]multiorg.OrgOutput, orgs map[string]*OrgStatus) {
	if outputs == nil {
		return
	}
	now := o.now()
	statuses, err := expiryStatuses(outputs, now, o.window)
	if err != nil {
		for _, org := range orgs {
			org.Findings = append(org.Findings, Finding{Kind: KindUnchecked, Message: "its secret's expiry cannot be read: " + err.Error()})
		}
		return
	}
	for _, s := range statuses {
		org, ok := orgs[s.Org]
		if !ok {
			continue
		}
		at := s.ExpiresAt
		days := int(math.Floor(at.Sub(now).Hours() / 24))
		org.SecretExpiresAt, org.DaysLeft = &at, &days
		switch s.State {
		case "expired":
			msg := fmt.Sprintf("its service account secret expired at %s: consumers holding it are refused", at.Format(time.RFC3339))
			if spec.Orgs[s.Org].Adopted() || org.OrgID == "" {
				// Adopted: the caller's provider manages it, and issues
				// its service account's secrets.
				org.Findings = append(org.Findings, Finding{Kind: KindExpired, Message: msg})
				continue
			}
			org.Findings = append(org.Findings, Finding{Kind: KindExpired, byHand: true,
				Message: msg + ", and so is the stack's own provider: no update can issue a new secret. Only a person can act: its Organization Owner, in the Atlas UI. " +
					takeOverSteps(org.Stack, s.Org, org.OrgID)})
		case "expiring":
			org.Findings = append(org.Findings, Finding{Kind: KindExpiring,
				Message: fmt.Sprintf("its service account secret expires at %s, in %s (within --window %s)", at.Format(time.RFC3339), s.Left, o.window)})
		}
	}
}

// peopleFindings lists the organization's people and teams in Atlas, with
// the credential the stack's own provider for it signs in with, else the
// one the stack exports for it, else (an adopted organization without a
// credential of its own, which the caller's provider manages) the caller's,
// each resolved as that provider resolves it; and reports those the code
// does not list. The organization's owner (orgOwnerId) is the stack's by
// creation. With the same credential it reads what Atlas holds on the
// organization's own credential (credentialFindings).
//
// A person or team the stack holds is known by its ID in the state, never
// by its name: a team renamed in Atlas is the stack's team, changed (the
// refresh preview says so), not an unmanaged one. Only a team the code
// lists and the state does not hold yet (not deployed, or being adopted) is
// known by its name, the one thing the code has of it; a person is known by
// their username too, which is their key in the code.
func (o *statusOptions) peopleFindings(ctx context.Context, spec multiorg.Spec, key string, provider atlasapi.ProviderConfig, held *heldObjects, org *OrgStatus) {
	var signedIn string
	unchecked := func(err error) {
		failed := failureError("its people and teams were not checked: %w%s", err, signedIn)
		org.failed, org.peopleUnread = worse(org.failed, failed), failed
		org.Findings = append(org.Findings, Finding{Kind: KindUnchecked, Message: failed.Error()})
	}
	api, err := findAdminAPI(o.baseURL, []atlasapi.ProviderConfig{provider}, o.getenv)
	if err != nil {
		unchecked(err)
		return
	}
	// Whose credential Atlas refused, when it does: the organization's
	// own, the one the stack exports, or the caller's.
	signedIn = " (signed in with " + api.credsFrom + ")"
	org.adminAPI = api.baseURL
	client, err := o.connect(ctx, api.baseURL, api.creds)
	if err != nil {
		unchecked(err)
		return
	}
	users, err := client.OrganizationUsers(ctx, org.OrgID)
	if err != nil {
		unchecked(err)
		return
	}
	teams, err := client.OrganizationTeams(ctx, org.OrgID)
	if err != nil {
		unchecked(err)
		return
	}
	if held == nil {
		held = newHeldObjects()
	}
	entry := spec.Orgs[key]
	owner := cmp.Or(entry.OrgOwnerID, spec.OrgOwnerID)
	// A person's username is how the code names them, and how the provider
	// reads them (the import ID is orgId/email): a member of the code held
	// under an ID Atlas no longer has (removed and invited again by hand)
	// is still the code's member.
	listed := map[string]bool{}
	for email := range entry.Members {
		listed[strings.ToLower(email)] = true
	}
	for _, u := range users {
		if held.userIDs[u.ID] || listed[strings.ToLower(u.Username)] || (owner != "" && u.ID == owner) {
			continue
		}
		roles := strings.Join(u.Roles.OrgRoles, ", ")
		org.Findings = append(org.Findings, Finding{Kind: KindUnmanaged, Resource: "person " + u.Username,
			Message: fmt.Sprintf("%s (%s, %s) is in the organization in Atlas and not in the code (orgs.%s.members)",
				u.Username, cmp.Or(roles, "no role"), cmp.Or(u.OrgMembershipStatus, "ACTIVE"), key)})
	}
	teamNames := map[string]bool{} // the code's teams the state does not hold yet
	for teamKey, t := range entry.Teams {
		if _, ok := held.teams[teamKey]; !ok {
			teamNames[strings.ToLower(t.Name)] = true
		}
	}
	for _, t := range teams {
		if held.teamIDs[t.ID] || teamNames[strings.ToLower(t.Name)] {
			continue
		}
		org.Findings = append(org.Findings, Finding{Kind: KindUnmanaged, Resource: "team " + t.Name,
			Message: fmt.Sprintf("team %q (%s) is in the organization in Atlas and not in the code (orgs.%s.teams)", t.Name, t.ID, key)})
	}
	o.credentialFindings(ctx, client, entry, key, held, org, api.creds)
	complianceFindings(ctx, client, org)
}

// complianceFindings reports each resource Atlas says breaks one of the
// organization's resource policies: Atlas leaves a resource made before a
// policy as it is, and reports it (GET /orgs/{orgId}/nonCompliantResources).
func complianceFindings(ctx context.Context, client statusClient, org *OrgStatus) {
	resources, err := client.NonCompliantResources(ctx, org.OrgID)
	if err != nil {
		failed := failureError("its resources' compliance with its resource policies was not checked: %w", err)
		org.failed = worse(org.failed, failed)
		org.Findings = append(org.Findings, Finding{Kind: KindUnchecked, Message: failed.Error()})
		return
	}
	for _, r := range resources {
		var policies []string
		for _, p := range r.Policies {
			policies = append(policies, fmt.Sprintf("%q (%s)", p.Name, p.ID))
		}
		what, policy := cmp.Or(r.ResourceType, "resource")+" "+r.ResourceName, "policy"
		if len(policies) != 1 {
			policy = "policies"
		}
		org.Findings = append(org.Findings, Finding{Kind: KindNonCompliant, Resource: what, resourceID: r.ResourceID,
			Message: fmt.Sprintf("%s (%s) breaks the organization's resource %s %s, Atlas reports", what, r.ResourceID, policy, strings.Join(policies, ", "))})
	}
}

// assemble checks each paying organization once, and orders and counts
// everything.
func (o *statusOptions) assemble(ctx context.Context, checks []stackCheck, start time.Time) StatusReport {
	report := StatusReport{SchemaVersion: StatusSchemaVersion, CheckedAt: start.UTC(), Stacks: []StackStatus{}, Orgs: []OrgStatus{}, PayingOrgs: []PayingOrgStatus{}}
	byPaying := map[string][]*stackCheck{}
	var paying []string
	for i := range checks {
		c := &checks[i]
		if c.state == nil || c.payingOrgID == "" {
			continue
		}
		if _, ok := byPaying[c.payingOrgID]; !ok {
			paying = append(paying, c.payingOrgID)
		}
		byPaying[c.payingOrgID] = append(byPaying[c.payingOrgID], c)
	}
	for _, id := range paying {
		report.PayingOrgs = append(report.PayingOrgs, o.checkPayingOrg(ctx, id, byPaying[id]))
	}
	for _, c := range checks {
		report.Stacks = append(report.Stacks, c.status)
		for _, org := range c.orgs {
			sortFindings(org.Findings)
			report.Orgs = append(report.Orgs, org)
		}
	}
	o.advise(&report, checks)
	slices.SortStableFunc(report.Orgs, func(a, b OrgStatus) int {
		return cmp.Or(worst(b.Findings)-worst(a.Findings), len(b.Findings)-len(a.Findings), strings.Compare(a.Stack, b.Stack), strings.Compare(a.Key, b.Key))
	})

	var failed error
	s := &report.Summary
	s.Stacks = len(report.Stacks)
	for _, st := range report.Stacks {
		if st.State == StackChecked {
			s.StacksChecked++
		}
		s.Findings += len(st.Findings)
		failed = worse(failed, st.failed)
	}
	for _, org := range report.Orgs {
		s.Orgs++
		s.Findings += len(org.Findings)
		failed = worse(failed, org.failed)
	}
	for _, p := range report.PayingOrgs {
		s.Findings += len(p.Findings)
		failed = worse(failed, p.failed)
	}
	s.ExitCode = exitCode(failed)
	if s.ExitCode == ExitOK && s.Findings > 0 {
		s.ExitCode = ExitFindings
	}
	report.Seconds = o.now().Sub(start).Round(10 * time.Millisecond).Seconds()
	return report
}

func worst(findings []Finding) int {
	w := 0
	for _, f := range findings {
		w = max(w, kindRank[f.Kind])
	}
	return w
}

func sortFindings(findings []Finding) {
	slices.SortStableFunc(findings, func(a, b Finding) int { return kindRank[b.Kind] - kindRank[a.Kind] })
}

// checkPayingOrg runs orphans for the paying organization, over the stacks
// it pays for, and billing --check for those of their organizations that
// have a budget. Both sign in with the caller's credential (the
// environment's), which must be the paying organization's.
func (o *statusOptions) checkPayingOrg(ctx context.Context, payingOrgID string, checks []*stackCheck) PayingOrgStatus {
	p := PayingOrgStatus{OrgID: payingOrgID, Orphans: []Orphan{}, Findings: []Finding{}}
	var states []StackState
	for _, c := range checks {
		p.Stacks = append(p.Stacks, c.status.Stack)
		states = append(states, *c.state)
	}
	var providers []atlasapi.ProviderConfig
	for _, c := range checks {
		providers = append(providers, c.provider)
	}
	api, err := findAdminAPI(o.baseURL, providers, o.getenv)
	var client statusClient
	if err == nil {
		client, err = o.connect(ctx, api.baseURL, api.creds)
	}
	if err != nil {
		p.Reason, p.failed = "orphans and budgets not checked: "+err.Error(), usageError("orphans and budgets not checked: %w", err)
		return p
	}
	linked, err := client.LinkedOrganizations(ctx, payingOrgID)
	if err != nil {
		p.Reason, p.failed = "orphans not checked: "+err.Error(), failureError("orphans not checked: %w", err)
	} else {
		p.Orphans = FindOrphans(linked, states)
		if p.Orphans == nil {
			p.Orphans = []Orphan{}
		}
		for _, orphan := range p.Orphans {
			name := cmp.Or(orphan.Name, "(name unreadable)")
			p.Findings = append(p.Findings, Finding{Kind: KindOrphan, Resource: "organization " + orphan.OrgID,
				Message: fmt.Sprintf("organization %s %s is linked to paying organization %s and held by none of the stacks: %s. Adopt it instead: %s",
					orphan.OrgID, name, payingOrgID, orphan.Probably, orphan.Adopt)})
		}
	}
	budgeted := false
	for _, c := range checks {
		budgeted = budgeted || len(c.budgets) > 0
	}
	if !budgeted {
		return p
	}
	invoices, err := client.ListInvoices(ctx, payingOrgID)
	if err == nil {
		var report billing.Report
		report, err = billing.Build(payingOrgID, invoices, 1, o.now(), billing.Names{})
		if err == nil {
			for _, c := range checks {
				if err := o.budgetFindings(report, c); err != nil {
					p.Reason = strings.TrimSpace(p.Reason + " budgets of " + c.status.Stack + " not checked: " + err.Error())
					p.failed = worse(p.failed, usageError("budgets of %s not checked: %w", c.status.Stack, err))
				}
			}
			return p
		}
	}
	p.Reason = strings.TrimSpace(p.Reason + " budgets not checked: " + err.Error())
	p.failed = worse(p.failed, failureError("budgets not checked: %w", err))
	return p
}

// budgetFindings holds the stack's budgeted organizations to their budgets,
// by billing --check's rules.
func (o *statusOptions) budgetFindings(report billing.Report, c *stackCheck) error {
	if len(c.budgets) == 0 {
		return nil
	}
	results, err := billing.CheckBudgets(report, c.budgets, c.ids)
	if err != nil {
		return err
	}
	for _, b := range results {
		i := slices.IndexFunc(c.orgs, func(org OrgStatus) bool { return org.Key == b.Key })
		if i < 0 {
			continue
		}
		org := &c.orgs[i]
		status := &BudgetStatus{Month: report.Pending, BudgetCents: b.BudgetCents, ToDateCents: b.ToDateCents, ProjectedCents: b.ProjectedCents, State: "ok"}
		budget := multiorg.FormatUSD(b.BudgetCents)
		switch {
		case b.Over():
			status.State = "over"
			org.Findings = append(org.Findings, Finding{Kind: KindOverBudget, Message: fmt.Sprintf("%s to date in %s, %s over its budget of %s",
				multiorg.FormatUSD(b.ToDateCents), report.Pending, multiorg.FormatUSD(b.ToDateCents-b.BudgetCents), budget)})
		case b.Projected():
			status.State = "projected"
			org.Findings = append(org.Findings, Finding{Kind: KindOverBudget, Message: fmt.Sprintf("projected %s for %s, %s over its budget of %s (%s to date)",
				multiorg.FormatUSD(b.ProjectedCents), report.Pending, multiorg.FormatUSD(b.ProjectedCents-b.BudgetCents), budget, multiorg.FormatUSD(b.ToDateCents))})
		}
		org.Budget = status
	}
	return nil
}
