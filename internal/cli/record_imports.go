package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/stacks"
)

type recordImportsOptions struct {
	config string
	stack  string
}

func newRecordImportsCommand() *cobra.Command {
	opts := &recordImportsOptions{}
	cmd := &cobra.Command{
		Use:   "record-imports",
		Short: "After pulumi import --file, record each adopted organization's import ID in the state",
		Long: `Reads ` + "`pulumi stack export`" + ` on standard input and writes it to standard output
with the import ID of every adopted organization of --config recorded, for
` + "`pulumi stack import`" + `.

Why: the program registers an adopted organization with its importId. The
engine compares that ID with the one it recorded at import. ` + "`pulumi up`" + ` records
it; ` + "`pulumi import --file`" + ` (CLI 3.259) does not, and the provider stores the
organization under another ID (b3JnX2lk:<base64 of the ID>). Without the
record, the next preview plans to replace the organization it just adopted.

Only the adopted organizations' importID fields change; everything else,
encrypted secrets included, passes through as it came.

Exit codes: 0 written, 2 bad input, invalid config, or an adopted organization
that is not in the state (run pulumi import --file first).`,
		Example: "  pulumi stack export --stack prod | atlas-multiorg record-imports --config Pulumi.prod.yaml | pulumi stack import --stack prod",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return opts.run(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&opts.config, "config", "c", "Pulumi.dev.yaml", "the org stack's config file")
	cmd.Flags().StringVarP(&opts.stack, "stack", "s", "", "the stack name (default: from the file name)")
	return cmd
}

func (o *recordImportsOptions) run(stdin io.Reader, stdout, stderr io.Writer) error {
	spec, stack, err := readSpec(o.config, o.stack)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(stdin)
	if err != nil {
		return usageError("reading the stack export: %w", err)
	}
	updated, recorded, err := RecordImportIDs(raw, spec, stack)
	if err != nil {
		return usageError("%w", err)
	}
	if _, err := stdout.Write(updated); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stderr, "recorded the import ID of %s; next: pulumi stack import --stack %s, then pulumi preview (no changes)\n",
		plural(recorded, "organization"), stack)
	return err
}

// RecordImportIDs sets importID on every adopted organization of spec in a
// `pulumi stack export` document, and returns the document and how many it
// set. Numbers and every other field pass through unchanged.
func RecordImportIDs(export []byte, spec multiorg.Spec, stack string) ([]byte, int, error) {
	dec := json.NewDecoder(bytes.NewReader(export))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, 0, fmt.Errorf("the input is not a pulumi stack export (JSON): %w", err)
	}
	deployment, _ := doc["deployment"].(map[string]any)
	resources, _ := deployment["resources"].([]any)
	if deployment == nil {
		return nil, 0, fmt.Errorf("the input has no deployment: pipe in `pulumi stack export`")
	}
	byURN := map[string]map[string]any{}
	for _, r := range resources {
		if res, ok := r.(map[string]any); ok {
			urn, _ := res["urn"].(string)
			byURN[urn] = res
		}
	}
	var missing []string
	recorded := 0
	for _, key := range slices.Sorted(maps.Keys(spec.Orgs)) {
		org := spec.Orgs[key]
		if !org.Adopted() {
			continue
		}
		urn := OrganizationURN(stack, key)
		res, ok := byURN[urn]
		outputs, _ := res["outputs"].(map[string]any)
		if !ok || outputs["orgId"] != org.ImportID {
			missing = append(missing, fmt.Sprintf("orgs.%s (%s)", key, org.ImportID))
			continue
		}
		res["importID"] = org.ImportID
		recorded++
	}
	if len(missing) > 0 {
		return nil, 0, fmt.Errorf("not in the state, or under another ID: %s; run `pulumi import --file` (atlas-multiorg import-file writes the file) first",
			strings.Join(missing, ", "))
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, 0, err
	}
	return out.Bytes(), recorded, nil
}

// OrganizationURN is the URN stacks.Program gives the organization key in the
// stack.
func OrganizationURN(stack, key string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::%s$%s::%s", stack, stacks.Namespace, multiorg.Type, mongodbatlas.OrganizationType,
		multiorg.OrgResourceName(stacks.ComponentName, key))
}
