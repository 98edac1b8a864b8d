package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/billing"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// invoiceReader is what billing needs of the Admin API.
type invoiceReader interface {
	ListInvoices(ctx context.Context, orgID string) ([]atlasapi.Invoice, error)
	ListOrganizations(ctx context.Context) ([]atlasapi.Organization, error)
	LinkedOrganizations(ctx context.Context, payingOrgID string) ([]atlasapi.LinkedOrganization, error)
}

type billingOptions struct {
	config       string
	stackOutputs string
	payingOrgID  string
	baseURL      string
	output       string
	html         string
	months       int
	check        bool
	now          func() time.Time
	getenv       func(string) string
	connect      func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (invoiceReader, error)
}

func newBillingCommand(now func() time.Time, getenv func(string) string) *cobra.Command {
	opts := &billingOptions{now: now, getenv: getenv, connect: func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (invoiceReader, error) {
		return atlasapi.New(ctx, baseURL, creds)
	}}
	cmd := &cobra.Command{
		Use:   "billing",
		Short: "Cost per organization per month, from the paying organization's invoices; --check holds budgets",
		Long: `Reads the paying organization's invoices with the invoices linked to them
(cross-organization billing) and reports each organization's cost per month in
exact cents: the last --months closed months, the current month to date (its
pending invoice), and a projection of the current month to its end at the same
rate, plainly labelled as an estimate. Each month's figures add up to what its
invoice bills; a difference is an error.

The paying organization is --paying-org-id, or the payingOrgId of --stack-outputs
(pulumi stack output --json of the org stack) or of --config. With
--stack-outputs, each organization shows its org key next to its Atlas ID;
organizations outside the stack are shown by name, where the credential may
read it (an organization linked to the paying one, for its Organization
Owners), else by ID.

--check reads each organization's monthlyBudgetUsd from --config (validated
as the stack validates it) and exits 1 when one is over its budget this month,
or projected to be, with one line per budgeted organization saying by how much.

The credential needs Organization Billing Admin or Owner in the paying
organization: the Admin API shows the invoices linked to it only to those (a
Billing Viewer, ORG_BILLING_READ_ONLY, reads the paying organization's own). ` + adminAPIHelp + `

Exit codes: 0 reported (and, with --check, every organization within its budget),
1 --check found an organization over its budget or projected to be, 2 bad flags,
input or missing credentials, 3 an Admin API call failed.`,
		Example: `  pulumi stack output --json > outputs.json
  atlas-multiorg billing --stack-outputs outputs.json --months 6
  atlas-multiorg billing --stack-outputs outputs.json -o csv > cost.csv
  atlas-multiorg billing --stack-outputs outputs.json --html report.html
  atlas-multiorg billing --stack-outputs outputs.json --config Pulumi.prod.yaml --check`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return opts.run(cmd.Context(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&opts.config, "config", "c", "", "the org stack config (Pulumi.<stack>.yaml): payingOrgId, and the budgets --check holds")
	cmd.Flags().StringVar(&opts.stackOutputs, "stack-outputs", "", "`pulumi stack output --json` of the org stack: org keys and payingOrgId")
	cmd.Flags().StringVar(&opts.payingOrgID, "paying-org-id", "", "the paying organization (default: from --stack-outputs or --config)")
	cmd.Flags().StringVar(&opts.baseURL, "base-url", "", baseURLFlagHelp)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "table", "output format: table, json or csv")
	cmd.Flags().StringVar(&opts.html, "html", "", "also write a self-contained HTML report with charts to this file")
	cmd.Flags().IntVar(&opts.months, "months", 6, "closed months to report, before the current one")
	cmd.Flags().BoolVar(&opts.check, "check", false, "hold each organization to its monthlyBudgetUsd in --config; exit 1 when one is over or projected over")
	return cmd
}

// stackFacts is what billing reads of the org stack: the paying
// organization, each org key's ID and name, and the budgets.
type stackFacts struct {
	payingOrgID string
	names       billing.Names
	ids         map[string]string // org key -> org ID
	budgets     map[string]int64  // org key -> cents
}

func (o *billingOptions) run(ctx context.Context, stdout io.Writer) error {
	switch {
	case o.output != "table" && o.output != "json" && o.output != "csv":
		return usageError("--output must be table, json or csv, got %q", o.output)
	case o.months < 1 || o.months > 36:
		return usageError("--months must be between 1 and 36, got %d", o.months)
	case o.check && o.config == "":
		return usageError("--check needs --config, the org stack config whose orgs.<key>.monthlyBudgetUsd it holds")
	}
	facts, err := o.readStack()
	if err != nil {
		return err
	}
	if facts.payingOrgID == "" {
		return usageError("no paying organization: give --paying-org-id, --stack-outputs or --config")
	}
	api, err := configAdminAPI(ctx, o.baseURL, o.config, o.getenv)
	if err != nil {
		return err
	}
	client, err := signIn(ctx, api, o.connect)
	if err != nil {
		return err
	}
	invoices, err := client.ListInvoices(ctx, facts.payingOrgID)
	if err != nil {
		return api.failed(err)
	}
	// Names of the organizations the stack does not name, where the
	// credential can see them (the paying organization, at least).
	visible, err := client.ListOrganizations(ctx)
	if err != nil {
		return api.failed(err)
	}
	for _, org := range visible {
		facts.name(org.ID, org.Name)
	}
	// An organization linked to the paying one is not among those its
	// credential lists, but the paying organization's owners may read its
	// name: without it, one made outside the stack shows as its ID twice.
	linked, err := client.LinkedOrganizations(ctx, facts.payingOrgID)
	if err != nil {
		return api.failed(err)
	}
	for _, org := range linked {
		facts.name(org.ID, org.Name)
	}
	report, err := billing.Build(facts.payingOrgID, invoices, o.months, o.now(), facts.names)
	if err != nil {
		return &ExitError{Code: ExitAPI, Err: err}
	}
	if o.html != "" {
		if err := writeHTML(o.html, report); err != nil {
			return err
		}
	}
	if o.check {
		results, err := billing.CheckBudgets(report, facts.budgets, facts.ids)
		if err != nil {
			return usageError("%w", err)
		}
		failing, err := billing.WriteBudgets(stdout, report, results)
		if err != nil {
			return err
		}
		if failing > 0 {
			return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%s over budget or projected to be", plural(failing, "organization"))}
		}
		return nil
	}
	switch o.output {
	case "json":
		return billing.WriteJSON(stdout, report)
	case "csv":
		return billing.WriteCSV(stdout, report)
	}
	return billing.WriteTable(stdout, report)
}

// name records the Atlas name of organization id, unless the stack already
// named it; "" (a name the credential may not read) records nothing.
func (f stackFacts) name(id, name string) {
	if known := f.names[id]; name != "" && known.Name == "" {
		f.names[id] = struct{ Key, Name string }{known.Key, name}
	}
}

func writeHTML(path string, report billing.Report) error {
	f, err := os.Create(path) //nolint:gosec // G304: the user's own --html path
	if err != nil {
		return usageError("--html: %w", err)
	}
	if err := billing.WriteHTML(f, report); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// readStack reads --stack-outputs and --config.
func (o *billingOptions) readStack() (stackFacts, error) {
	facts := stackFacts{payingOrgID: o.payingOrgID, names: billing.Names{}, ids: map[string]string{}, budgets: map[string]int64{}}
	if o.stackOutputs != "" {
		raw, err := os.ReadFile(o.stackOutputs) //nolint:gosec // G304: the user's own --stack-outputs
		if err != nil {
			return facts, usageError("%w", err)
		}
		outputs, err := ParseStackOutputs(raw)
		if err != nil {
			return facts, usageError("%s: %w", o.stackOutputs, err)
		}
		if facts.payingOrgID == "" {
			facts.payingOrgID = outputs.PayingOrgID
		}
		for key, org := range outputs.Orgs {
			facts.names[org.OrgID] = struct{ Key, Name string }{key, org.Name}
			facts.ids[key] = org.OrgID
		}
	}
	if o.config != "" {
		config, err := stackconfig.Read(o.config)
		if err != nil {
			return facts, usageError("%w", err)
		}
		spec, err := multiorg.SpecFromConfig(config, stackconfig.StackName(o.config))
		if err != nil {
			return facts, usageError("%s: %w", o.config, err)
		}
		if facts.payingOrgID == "" {
			facts.payingOrgID = spec.PayingOrgID
		}
		for key, org := range spec.Orgs {
			if org.MonthlyBudgetUSD != "" {
				facts.budgets[key], _ = multiorg.ParseUSD(org.MonthlyBudgetUSD) // validated by SpecFromConfig
			}
			if _, known := facts.ids[key]; !known && org.ImportID != "" {
				facts.ids[key] = org.ImportID
				facts.names[org.ImportID] = struct{ Key, Name string }{key, org.Name}
			}
		}
	}
	return facts, nil
}
