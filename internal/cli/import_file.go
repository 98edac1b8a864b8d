package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// ImportFile is the JSON `pulumi import --file` reads.
type ImportFile struct {
	NameTable map[string]string `json:"nameTable,omitempty"`
	Resources []ImportResource  `json:"resources"`
}

// ImportResource is one resource of an ImportFile.
type ImportResource struct {
	Type      string `json:"type"`
	Name      string `json:"name"`
	ID        string `json:"id,omitempty"`
	Parent    string `json:"parent,omitempty"`
	Version   string `json:"version,omitempty"`
	Component bool   `json:"component,omitempty"`
}

type importFileOptions struct {
	config            string
	stack             string
	out               string
	existingComponent bool
}

func newImportFileCommand() *cobra.Command {
	opts := &importFileOptions{}
	cmd := &cobra.Command{
		Use:   "import-file",
		Short: "Write a pulumi import file for the adopted organizations of a stack config",
		Long: `Reads an org stack config (Pulumi.<stack>.yaml), validates it exactly as the
program does, and writes the JSON for ` + "`pulumi import --file`" + ` for every adopted
entry (importId), with its members and its adopted teams (teams.<key>.importId)
and their members: the same resource names, parent (the MultiOrg component) and
provider version the program uses, so that ` + "`pulumi import --file`" + ` followed by
` + "`pulumi up`" + ` shows no changes. The import command to run is printed on stderr.

Exit codes: 0 written, 2 invalid config, no adopted entries, or bad flags.`,
		Example: `  atlas-multiorg import-file --config Pulumi.prod.yaml --out import.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return opts.run(cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVarP(&opts.config, "config", "c", "Pulumi.dev.yaml", "the org stack's config file")
	cmd.Flags().StringVarP(&opts.stack, "stack", "s", "", "the stack name (default: from the file name)")
	cmd.Flags().StringVar(&opts.out, "out", "-", "where to write the import file; - for standard output")
	cmd.Flags().BoolVar(&opts.existingComponent, "existing-component", false,
		"the stack already holds the MultiOrg component (it has been deployed): reference it instead of creating it")
	return cmd
}

func (o *importFileOptions) run(stdout, stderr io.Writer) error {
	config, err := stackconfig.Read(o.config)
	if err != nil {
		return usageError("%w", err)
	}
	stack := o.stack
	if stack == "" {
		stack = stackconfig.StackName(o.config)
	}
	spec, err := multiorg.SpecFromConfig(config, stack)
	if err != nil {
		return usageError("%s: %w", o.config, err)
	}
	file := BuildImportFile(spec, stack, o.existingComponent)
	if len(file.Resources) == 0 || (len(file.Resources) == 1 && file.Resources[0].Component) {
		return usageError("%s has no adopted organizations (importId); nothing to import", o.config)
	}
	if err := writeJSON(o.out, stdout, file); err != nil {
		return err
	}
	// `pulumi import` records none of the program's options, so until the
	// next up the state neither retains the organizations on delete nor
	// deletes their people with them: a destroy then would delete them in
	// Atlas (measured with the CLI 3.259). Protecting them closes that gap in
	// every environment; the up sets the profile's own protection.
	_, err = fmt.Fprintf(stderr, "next: pulumi import --file %s --stack %s --generate-code=false --protect=true --yes\n"+
		"then: pulumi preview --stack %s (it should show no changes)\n"+
		"then: pulumi up --stack %s --yes (it records the program's options: adopted organizations are released, never deleted)\n",
		o.out, stack, stack, stack)
	return err
}

// writeJSON writes v, indented, to the file path, or to stdout for "-". A
// failed close is a failed write: the file may be incomplete.
func writeJSON(path string, stdout io.Writer, v any) error {
	if path == "-" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	f, err := os.Create(path) //nolint:gosec // G304: the path is the user's own --out
	if err != nil {
		return usageError("writing %s: %w", path, err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// BuildImportFile lists the adopted organizations of spec as the program
// registers them: the MultiOrg component stacks.Program registers, each
// organization under its key's resource name, parented to the component and
// pinned to the provider version. With existingComponent the component is
// referenced by its URN instead of created.
func BuildImportFile(spec multiorg.Spec, stack string, existingComponent bool) ImportFile {
	file := ImportFile{}
	component := multiorg.StackComponentName
	if existingComponent {
		file.NameTable = map[string]string{
			component: fmt.Sprintf("urn:pulumi:%s::%s::%s::%s", stack, multiorg.ConfigNamespace, multiorg.Type, component),
		}
	} else {
		file.Resources = append(file.Resources, ImportResource{Type: multiorg.Type, Name: component, Component: true})
	}
	for _, key := range slices.Sorted(maps.Keys(spec.Orgs)) {
		org := spec.Orgs[key]
		if !org.Adopted() {
			continue
		}
		adopt := func(token, name, id string) {
			file.Resources = append(file.Resources, ImportResource{
				Type: token, Name: name, ID: id, Parent: component, Version: mongodbatlas.PluginVersion,
			})
		}
		adopt(mongodbatlas.OrganizationType, multiorg.OrgResourceName(component, key), org.ImportID)
		// Its people already exist: inviting them again is refused (409).
		for _, email := range slices.Sorted(maps.Keys(org.Members)) {
			adopt(mongodbatlas.CloudUserOrgAssignmentType, multiorg.MemberResourceName(component, key, email),
				multiorg.MemberImportID(org.ImportID, email))
		}
		for _, teamKey := range slices.Sorted(maps.Keys(org.Teams)) {
			team := org.Teams[teamKey]
			if team.ImportID == "" {
				continue // a new team: the next `pulumi up` creates it
			}
			adopt(mongodbatlas.TeamType, multiorg.TeamResourceName(component, key, teamKey),
				multiorg.TeamImportID(org.ImportID, team.ImportID))
			for _, email := range team.Members {
				adopt(mongodbatlas.CloudUserTeamAssignmentType, multiorg.TeamMemberResourceName(component, key, teamKey, email),
					multiorg.TeamMemberImportID(org.ImportID, team.ImportID, email))
			}
		}
	}
	return file
}
