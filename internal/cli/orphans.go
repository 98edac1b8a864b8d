package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/internal/pulumiversion"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// linkedReader lists the organizations linked to a paying organization.
type linkedReader interface {
	LinkedOrganizations(ctx context.Context, payingOrgID string) ([]atlasapi.LinkedOrganization, error)
}

type orphansOptions struct {
	stacks      []string
	stateFiles  []string
	dir         string
	payingOrgID string
	baseURL     string
	output      string
	getenv      func(string) string
	connect     func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (linkedReader, error)
	// export reads a stack's state, as `pulumi stack export` prints it.
	export func(ctx context.Context, dir, stack string) ([]byte, error)
	// decrypt reads a stack's encrypted provider credential.
	decrypt configDecrypter
}

func newOrphansCommand(getenv func(string) string) *cobra.Command {
	opts := &orphansOptions{getenv: getenv, export: checkedStackExport(), decrypt: pulumiConfigGet,
		connect: func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (linkedReader, error) {
			return atlasapi.New(ctx, baseURL, creds)
		}}
	cmd := &cobra.Command{
		Use:   "orphans",
		Short: "List the organizations linked to the paying organization that none of the given stacks manages",
		Long: `Lists every organization linked to the paying organization (its pending
invoice links each organization its credential created, and bills it) that
none of the given org stacks holds in its state, says how each was probably
made, and prints what adopts it or what deletes it.

An organization no stack holds is billed and has no credential anybody has when
Atlas created it but the answer was lost: a timeout, a 502 or 504 from a proxy
after Atlas committed the create, a runner killed mid-update. The next pulumi up
of the stack refuses to create a twin of it (docs/interrupted-deployments.md).

Each stack is read with pulumi stack export (nothing of the state is
decrypted) in --dir, with its config from Pulumi.<stack>.yaml there;
--state-file STACK=FILE reads an export saved before. Give every stack that creates organizations with this
paying organization: an organization of a stack not given is reported too.

The credential is the paying organization's (Organization Owner, to read the
names of the organizations linked to it; without that, they are listed by ID);
atlas-local's is in its credentials.json (.atlas-local/credentials.json after
make up). ` + adminAPIHelp + `

After deleting or adopting each orphan: pulumi refresh --yes
--clear-pending-creates, then pulumi up --yes, on each stack.

Exit codes: 0 no orphan, 1 orphans found (for scheduled jobs), 2 bad flags,
input or missing credentials, 3 an Admin API call or pulumi stack export failed.`,
		Example: `  atlas-multiorg orphans --stack dev-0 --stack dev-1 --stack staging-0
  pulumi stack export --stack prod > prod.json && atlas-multiorg orphans --state-file prod=prod.json -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return opts.run(cmd.Context(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringArrayVarP(&opts.stacks, "stack", "s", nil, "an org stack to read with pulumi stack export (repeat for each)")
	cmd.Flags().StringArrayVar(&opts.stateFiles, "state-file", nil, "STACK=FILE: an org stack's `pulumi stack export`, saved before (repeat for each)")
	cmd.Flags().StringVar(&opts.dir, "dir", ".", "the org stack project: Pulumi.yaml and the Pulumi.<stack>.yaml files")
	cmd.Flags().StringVar(&opts.payingOrgID, "paying-org-id", "", "the paying organization (default: atlas-multiorg:payingOrgId of the stacks)")
	cmd.Flags().StringVar(&opts.baseURL, "base-url", "", baseURLFlagHelp)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: text or json")
	return cmd
}

// StackState is what orphans reads of one org stack.
type StackState struct {
	Stack string
	// Held are the organization IDs in the stack's state.
	Held map[string]bool
	// Pending are the org keys, by organization name, whose create an
	// interrupted update left pending.
	Pending map[string]string
	// Entries are the org keys, by the name the config gives them.
	Entries map[string]string
}

// Orphan is an organization linked to the paying organization that no
// given stack holds.
type Orphan struct {
	OrgID string `json:"orgId"`
	// Name is "" when the credential may not read it.
	Name string `json:"name"`
	// Stack and OrgKey are the entry it most likely belongs to, if any.
	Stack  string `json:"stack,omitempty"`
	OrgKey string `json:"orgKey,omitempty"`
	// Probably says how it was probably made.
	Probably string `json:"probably"`
	// Adopt and Delete say what to do, one or the other.
	Adopt  string `json:"adopt"`
	Delete string `json:"delete"`
}

// LocalDeleteCommand deletes an organization in atlas-local, as its
// Organization Owner would in the Atlas UI (docs/interrupted-deployments.md,
// step 3, which a test holds to this).
func LocalDeleteCommand(orgID string) string {
	return "bin/atlas-local console delete-org " + orgID
}

// RecoveryCommands bring a stack back in step once its orphans are deleted
// or adopted: the refresh drops what the interrupted run left pending or
// half-made, and the up creates what is missing (the guide's step 4, which
// a test holds to this). --yes, as a shell without a terminal needs it.
func RecoveryCommands(stack string) []string {
	return []string{
		"pulumi refresh --yes --clear-pending-creates --stack " + stack,
		"pulumi up --yes --stack " + stack,
	}
}

// FindOrphans are the linked organizations no stack holds, in ID order.
func FindOrphans(linked []atlasapi.LinkedOrganization, states []StackState) []Orphan {
	var orphans []Orphan
	for _, org := range linked {
		held := false
		for _, s := range states {
			held = held || s.Held[org.ID]
		}
		if held {
			continue
		}
		o := Orphan{OrgID: org.ID, Name: org.Name}
		for _, s := range states {
			if key, ok := s.Pending[org.Name]; ok && org.Name != "" {
				o.Stack, o.OrgKey = s.Stack, key
				o.Probably = fmt.Sprintf("created by an update of %s that did not finish: orgs.%s was left pending creation", s.Stack, key)
				break
			}
		}
		if o.Stack == "" {
			for _, s := range states {
				if key, ok := s.Entries[org.Name]; ok && org.Name != "" {
					o.Stack, o.OrgKey = s.Stack, key
					o.Probably = fmt.Sprintf("same name as orgs.%s of %s, which %s does not hold: the answer to its create was lost (a timeout, a 502 or 504, "+
						"a killed runner), or the provider failed right after Atlas created it and could not delete it again", key, s.Stack, s.Stack)
					break
				}
			}
		}
		switch {
		case o.Stack != "":
		case org.Name == "":
			o.Probably = "unknown: this credential may not read its name; its Organization Owner can, in the Atlas UI"
		default:
			o.Probably = "made outside the stacks given (by hand, by another tool, or by a stack not given), or its entry was renamed"
		}
		o.Delete = "its Organization Owner deletes it in the Atlas UI (Organization Settings, Delete Organization); against atlas-local: " + LocalDeleteCommand(org.ID) + " (console --data-dir <folder> when its folder is not .atlas-local)"
		if o.Stack != "" {
			o.Delete += fmt.Sprintf("; then %s creates orgs.%s, with a credential of its own", strings.Join(RecoveryCommands(o.Stack), ", then "), o.OrgKey)
			o.Adopt = fmt.Sprintf("in Pulumi.%s.yaml, set orgs.%s.importId: %s with its six settings (atlas-multiorg discover prints them), then %s; "+
				"the caller needs Organization Owner in it, and it gets no credential of its own", o.Stack, o.OrgKey, org.ID, strings.Join(RecoveryCommands(o.Stack), ", then "))
		} else {
			o.Adopt = fmt.Sprintf("add an entry with importId: %s and its six settings (atlas-multiorg discover prints it) to the stack that should hold it, then pulumi up; "+
				"the caller needs Organization Owner in it", org.ID)
		}
		orphans = append(orphans, o)
	}
	return orphans
}

func (o *orphansOptions) run(ctx context.Context, stdout io.Writer) error {
	if o.output != "text" && o.output != "json" {
		return usageError("--output must be text or json, got %q", o.output)
	}
	if len(o.stacks) == 0 && len(o.stateFiles) == 0 {
		return usageError("no stacks: give every org stack that creates organizations with --stack (or --state-file STACK=FILE)")
	}
	states, paying, providers, err := o.readStacks(ctx)
	if err != nil {
		return err
	}
	if o.payingOrgID != "" {
		paying = []string{o.payingOrgID}
	}
	switch len(paying) {
	case 0:
		return usageError("no paying organization: give --paying-org-id, or set atlas-multiorg:payingOrgId in the stacks' Pulumi.<stack>.yaml in --dir")
	case 1:
	default:
		return usageError("the stacks name %d paying organizations (%s): give --paying-org-id", len(paying), strings.Join(paying, ", "))
	}
	api, err := findAdminAPI(o.baseURL, providers, o.getenv)
	if err != nil {
		return err
	}
	client, err := signIn(ctx, api, o.connect)
	if err != nil {
		return err
	}
	linked, err := client.LinkedOrganizations(ctx, paying[0])
	if err != nil {
		return api.failed(err)
	}
	orphans := FindOrphans(linked, states)
	if o.output == "json" {
		if orphans == nil {
			orphans = []Orphan{}
		}
		if err := writeJSON("-", stdout, orphans); err != nil {
			return err
		}
	} else if err := writeOrphans(stdout, paying[0], len(linked), states, orphans); err != nil {
		return err
	}
	if len(orphans) > 0 {
		return &ExitError{Code: ExitFindings, Err: fmt.Errorf("%s linked to paying organization %s managed by none of the stacks given", plural(len(orphans), "organization"), paying[0])}
	}
	return nil
}

func writeOrphans(w io.Writer, paying string, linked int, states []StackState, orphans []Orphan) error {
	names := make([]string, len(states))
	for i, s := range states {
		names[i] = s.Stack
	}
	if len(orphans) == 0 {
		_, err := fmt.Fprintf(w, "No orphans: each of the %s linked to paying organization %s is held by one of %s.\n",
			plural(linked, "organization"), paying, strings.Join(names, ", "))
		return err
	}
	_, _ = fmt.Fprintf(w, "%s linked to paying organization %s, held by none of %s:\n\n",
		plural(len(orphans), "organization"), paying, strings.Join(names, ", "))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "ORG ID\tNAME\tPROBABLY")
	for _, o := range orphans {
		name := o.Name
		if name == "" {
			name = "(unreadable)"
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\n", o.OrgID, name, o.Probably)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, o := range orphans {
		_, _ = fmt.Fprintf(w, "\n%s:\n  delete: %s\n  adopt:  %s\n", o.OrgID, o.Delete, o.Adopt)
	}
	return nil
}

// readStacks reads each stack's state and config, the paying organizations
// their configs name, and the Admin API their providers call.
func (o *orphansOptions) readStacks(ctx context.Context) ([]StackState, []string, []atlasapi.ProviderConfig, error) {
	type source struct{ stack, file string }
	var sources []source
	for _, s := range o.stacks {
		sources = append(sources, source{stack: s})
	}
	for _, f := range o.stateFiles {
		stack, file, ok := strings.Cut(f, "=")
		if !ok || stack == "" || file == "" {
			return nil, nil, nil, usageError("--state-file %q: want STACK=FILE", f)
		}
		sources = append(sources, source{stack, file})
	}
	var states []StackState
	var paying []string
	var providers []atlasapi.ProviderConfig
	for _, src := range sources {
		var raw []byte
		var err error
		if src.file != "" {
			if raw, err = os.ReadFile(src.file); err != nil { //nolint:gosec // G304: the user's own export
				return nil, nil, nil, usageError("--state-file %s: %w", src.stack, err)
			}
		} else if raw, err = o.export(ctx, o.dir, src.stack); err != nil {
			return nil, nil, nil, &ExitError{Code: ExitAPI, Err: fmt.Errorf("reading the state of stack %s: %w", src.stack, err)}
		}
		state, err := ParseStackExport(src.stack, raw)
		if err != nil {
			return nil, nil, nil, usageError("%w", err)
		}
		configFile := filepath.Join(o.dir, "Pulumi."+src.stack+".yaml")
		config, encrypted, err := stackconfig.ReadWithEncrypted(configFile)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, nil, usageError("%w", err)
		}
		if err := state.readEntries(config); err != nil {
			return nil, nil, nil, usageError("Pulumi.%s.yaml: %w", src.stack, err)
		}
		if p := config[multiorg.ConfigNamespace+":payingOrgId"]; p != "" && !slices.Contains(paying, p) {
			paying = append(paying, p)
		}
		provider := atlasapi.StackProviderConfig(filepath.Base(configFile), config, encrypted)
		decryptCredentials(ctx, o.decrypt, o.dir, src.stack, &provider)
		providers = append(providers, provider)
		states = append(states, state)
	}
	return states, paying, providers, nil
}

// readEntries reads the names the stack's config gives its org keys. It
// reads only the names, so that orphans works on a config the program would
// refuse; status, which decodes the whole config, takes them from the spec.
func (s *StackState) readEntries(config map[string]string) error {
	s.Entries = map[string]string{}
	raw, ok := config[multiorg.ConfigNamespace+":orgs"]
	if !ok {
		return nil
	}
	var entries map[string]namedEntry
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		return fmt.Errorf("%s:orgs: %w", multiorg.ConfigNamespace, err)
	}
	s.Entries = orgKeysByName(entries, func(e namedEntry) string { return e.Name })
	return nil
}

// namedEntry is the one field of an orgs.<key> entry orphans reads.
type namedEntry struct {
	Name string `json:"name"`
}

// orgKeysByName maps the name each org entry gives its organization to the
// entry's org key; entries without a name are left out.
func orgKeysByName[E any](entries map[string]E, name func(E) string) map[string]string {
	byName := map[string]string{}
	for key, e := range entries {
		if n := name(e); n != "" {
			byName[n] = key
		}
	}
	return byName
}

// ParseStackExport reads what orphans needs of `pulumi stack export`: the
// organizations in the state, and the org creates left pending.
func ParseStackExport(stack string, raw []byte) (StackState, error) {
	export, err := parseStackExport(stack, raw)
	if err != nil {
		return StackState{}, err
	}
	return export.orphans(stack), nil
}

// parsedExport is what the tools read of `pulumi stack export`.
type parsedExport struct {
	Deployment struct {
		Resources         []exportedResource `json:"resources"`
		PendingOperations []struct {
			Resource exportedResource `json:"resource"`
			Type     string           `json:"type"`
		} `json:"pending_operations"`
	} `json:"deployment"`
}

// parseStackExport parses `pulumi stack export` of stack, once for every
// reader of it.
func parseStackExport(stack string, raw []byte) (parsedExport, error) {
	var export parsedExport
	if err := json.Unmarshal(raw, &export); err != nil {
		return parsedExport{}, fmt.Errorf("the state of stack %s is not a pulumi stack export: %w", stack, err)
	}
	return export, nil
}

// orphans is what orphans needs of the export.
func (export parsedExport) orphans(stack string) StackState {
	s := StackState{Stack: stack, Held: map[string]bool{}, Pending: map[string]string{}}
	for _, r := range export.Deployment.Resources {
		if r.Type == mongodbatlas.OrganizationType {
			if id := r.orgID(); id != "" {
				s.Held[id] = true
			}
		}
	}
	for _, op := range export.Deployment.PendingOperations {
		r := op.Resource
		if op.Type != "creating" || r.Type != mongodbatlas.OrganizationType {
			continue
		}
		name, _ := r.Inputs["name"].(string)
		urnName := r.URN[strings.LastIndex(r.URN, "::")+2:]
		if child, ok := multiorg.ParseChildName(multiorg.StackComponentName, r.Type, urnName, nil); ok && name != "" {
			s.Pending[name] = child.OrgKey
		}
	}
	return s
}

type exportedResource struct {
	URN     string         `json:"urn"`
	ID      string         `json:"id"`
	Type    string         `json:"type"`
	Inputs  map[string]any `json:"inputs"`
	Outputs map[string]any `json:"outputs"`
}

// orgID is the organization's Atlas ID: its orgId output, or, for a create
// that failed after Atlas made the organization (the state keeps it, with
// its init errors, and outputs only the inputs), the one in its provider
// ID, b3JnX2lk:<base64 of the organization ID>.
func (r exportedResource) orgID() string {
	if id, _ := r.Outputs["orgId"].(string); id != "" {
		return id
	}
	for _, part := range strings.Split(r.ID, "-") {
		if key, value, ok := strings.Cut(part, ":"); ok && key == "b3JnX2lk" {
			if raw, err := base64.StdEncoding.DecodeString(value); err == nil {
				return string(raw)
			}
		}
	}
	return ""
}

// checkedStackExport runs pulumi stack export, after checking, once, that
// the pulumi on PATH is one atlas-multiorg runs with.
func checkedStackExport() func(ctx context.Context, dir, stack string) ([]byte, error) {
	var (
		once    sync.Once
		checked error
	)
	return func(ctx context.Context, dir, stack string) ([]byte, error) {
		once.Do(func() { checked = pulumiversion.CheckOnPath(ctx) })
		if checked != nil {
			return nil, checked
		}
		return pulumiStackExport(ctx, dir, stack)
	}
}

// pulumiStackExport runs pulumi stack export in dir.
func pulumiStackExport(ctx context.Context, dir, stack string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "pulumi", "stack", "export", "--stack", stack, "--non-interactive") //nolint:gosec // G204: the user's own stack name, as an argument
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("pulumi stack export: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
