package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/internal/atlasapi"
	"github.com/atlas-multiorg/atlas-multiorg/internal/stackconfig"
)

// ExitAPI is the exit code when an Admin API call fails: ExitFailure.
const ExitAPI = ExitFailure

// orgReader is what discover needs of the Admin API.
type orgReader interface {
	ListOrganizations(ctx context.Context) ([]atlasapi.Organization, error)
	OrganizationSettings(ctx context.Context, orgID string) (atlasapi.Settings, error)
	OrganizationUsers(ctx context.Context, orgID string) ([]atlasapi.OrgUser, error)
	OrganizationTeams(ctx context.Context, orgID string) ([]atlasapi.Team, error)
}

// DiscoveredOrg is a ready-to-paste org stack entry for an unmanaged organization.
type DiscoveredOrg struct {
	Key                       string `yaml:"-" json:"key"`
	Name                      string `yaml:"name" json:"name"`
	ImportID                  string `yaml:"importId" json:"importId"`
	APIAccessListRequired     bool   `yaml:"apiAccessListRequired" json:"apiAccessListRequired"`
	MultiFactorAuthRequired   bool   `yaml:"multiFactorAuthRequired" json:"multiFactorAuthRequired"`
	RestrictEmployeeAccess    bool   `yaml:"restrictEmployeeAccess" json:"restrictEmployeeAccess"`
	GenAIFeaturesEnabled      bool   `yaml:"genAiFeaturesEnabled" json:"genAiFeaturesEnabled"`
	SecurityContact           string `yaml:"securityContact" json:"securityContact"`
	SkipDefaultAlertsSettings bool   `yaml:"skipDefaultAlertsSettings" json:"skipDefaultAlertsSettings"`
	// Members are the organization's people, invited ones among them, so
	// that adopting it keeps them as they are.
	Members map[string]DiscoveredMember `yaml:"members,omitempty" json:"members,omitempty"`
	// Teams are its teams, each with its importId, by a new team key.
	Teams map[string]DiscoveredTeam `yaml:"teams,omitempty" json:"teams,omitempty"`
}

// DiscoveredMember is a person in a discovered organization.
type DiscoveredMember struct {
	Roles []string `yaml:"roles,flow" json:"roles"`
}

// DiscoveredTeam is a team of a discovered organization.
type DiscoveredTeam struct {
	Name     string   `yaml:"name" json:"name"`
	ImportID string   `yaml:"importId" json:"importId"`
	Members  []string `yaml:"members,flow" json:"members"`
}

type discoverOptions struct {
	config       string
	stackOutputs string
	baseURL      string
	output       string
	getenv       func(string) string
	connect      func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (orgReader, error)
}

func newDiscoverCommand(getenv func(string) string) *cobra.Command {
	opts := &discoverOptions{getenv: getenv, connect: func(ctx context.Context, baseURL string, creds atlasapi.Credentials) (orgReader, error) {
		return atlasapi.New(ctx, baseURL, creds)
	}}
	cmd := &cobra.Command{
		Use:   "discover",
		Short: "Print org stack entries for the organizations the stack does not manage yet",
		Long: `Lists every organization the caller's credentials can see (Admin API v2, all
pages), reads each one's settings, people and teams, and prints a ready-to-paste
org stack entry, with importId, every current setting, its members with their
roles, and its teams with their importId and members, for each organization
that is not in the stack yet: not adopted in --config, not created by the stack
(--stack-outputs). Adopting an organization with such an entry changes nothing
in Atlas: its people and teams are adopted with it.

The credential is a service account (through OAuth2), an API key (through
HTTP digest) or an access token. ` + adminAPIHelp + ` Nothing secret is printed.

Exit codes: 0 printed, 2 bad flags, input or missing credentials, 3 an Admin API
call failed (refused credentials, access list, role, rate limit, server).`,
		Example: `  atlas-multiorg discover --config Pulumi.prod.yaml >> new-orgs.yaml
  pulumi stack output --json > outputs.json && atlas-multiorg discover --stack-outputs outputs.json -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return opts.run(cmd.Context(), cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&opts.config, "config", "c", "", "the org stack config whose adopted organizations to leave out")
	cmd.Flags().StringVar(&opts.stackOutputs, "stack-outputs", "", "`pulumi stack output --json` of the org stack, whose organizations to leave out")
	cmd.Flags().StringVar(&opts.baseURL, "base-url", "", baseURLFlagHelp)
	cmd.Flags().StringVarP(&opts.output, "output", "o", "yaml", "output format: yaml (to paste into the stack config) or json")
	return cmd
}

func (o *discoverOptions) run(ctx context.Context, stdout io.Writer) error {
	if o.output != "yaml" && o.output != "json" {
		return usageError("--output must be yaml or json, got %q", o.output)
	}
	managed, keys, err := o.managed()
	if err != nil {
		return err
	}
	api, err := configAdminAPI(ctx, o.baseURL, o.config, o.getenv)
	if err != nil {
		return err
	}
	client, err := signIn(ctx, api, o.connect)
	if err != nil {
		return err
	}
	found, err := Discover(ctx, client, managed, keys)
	if err != nil {
		return api.failed(err)
	}
	if o.output == "json" {
		if found == nil {
			found = []DiscoveredOrg{}
		}
		return writeJSON("-", stdout, found)
	}
	return WriteYAML(stdout, found)
}

// managed collects the organization IDs and org keys the stack already has.
func (o *discoverOptions) managed() (map[string]bool, map[string]bool, error) {
	ids, keys := map[string]bool{}, map[string]bool{}
	if o.config != "" {
		config, err := stackconfig.Read(o.config)
		if err != nil {
			return nil, nil, usageError("%w", err)
		}
		var orgs map[string]struct {
			ImportID string `json:"importId"`
		}
		if raw, ok := config[multiorg.ConfigNamespace+":orgs"]; ok {
			if err := json.Unmarshal([]byte(raw), &orgs); err != nil {
				return nil, nil, usageError("%s: %s:orgs is not an object of organizations", o.config, multiorg.ConfigNamespace)
			}
		}
		for key, org := range orgs {
			keys[key] = true
			if org.ImportID != "" {
				ids[org.ImportID] = true
			}
		}
	}
	if o.stackOutputs != "" {
		raw, err := os.ReadFile(o.stackOutputs) //nolint:gosec // G304: the path is the user's own --stack-outputs
		if err != nil {
			return nil, nil, usageError("reading stack outputs: %w", err)
		}
		outputIDs, outputKeys, err := ParseStackOutputOrgs(raw)
		if err != nil {
			return nil, nil, usageError("%s: %w", o.stackOutputs, err)
		}
		maps.Copy(ids, outputIDs)
		maps.Copy(keys, outputKeys)
	}
	return ids, keys, nil
}

// Discover reads every organization the client can see that is not in
// managed, with its current settings, keyed by a new org key.
func Discover(ctx context.Context, client orgReader, managed, takenKeys map[string]bool) ([]DiscoveredOrg, error) {
	orgs, err := client.ListOrganizations(ctx)
	if err != nil {
		return nil, err
	}
	taken := maps.Clone(takenKeys)
	var found []DiscoveredOrg
	for _, org := range orgs {
		if org.IsDeleted || managed[org.ID] {
			continue
		}
		settings, err := client.OrganizationSettings(ctx, org.ID)
		if err != nil {
			return nil, err
		}
		genAI := true // Atlas' default when the setting is absent
		if settings.GenAIFeaturesEnabled != nil {
			genAI = *settings.GenAIFeaturesEnabled
		}
		members, teams, err := discoverPeople(ctx, client, org.ID)
		if err != nil {
			return nil, err
		}
		found = append(found, DiscoveredOrg{
			Members:                   members,
			Teams:                     teams,
			Key:                       uniqueKey(org.Name, taken),
			Name:                      org.Name,
			ImportID:                  org.ID,
			APIAccessListRequired:     settings.APIAccessListRequired,
			MultiFactorAuthRequired:   settings.MultiFactorAuthRequired,
			RestrictEmployeeAccess:    settings.RestrictEmployeeAccess,
			GenAIFeaturesEnabled:      genAI,
			SecurityContact:           settings.SecurityContact,
			SkipDefaultAlertsSettings: org.SkipDefaultAlertsSettings,
		})
	}
	slices.SortFunc(found, func(a, b DiscoveredOrg) int { return strings.Compare(a.Key, b.Key) })
	return found, nil
}

// discoverPeople reads an organization's people and teams, each team with
// the people in it.
func discoverPeople(ctx context.Context, client orgReader, orgID string) (map[string]DiscoveredMember, map[string]DiscoveredTeam, error) {
	users, err := client.OrganizationUsers(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	teams, err := client.OrganizationTeams(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	var members map[string]DiscoveredMember
	inTeam := map[string][]string{}
	for _, u := range users {
		if members == nil {
			members = map[string]DiscoveredMember{}
		}
		members[u.Username] = DiscoveredMember{Roles: slices.Sorted(slices.Values(u.Roles.OrgRoles))}
		for _, id := range u.TeamIDs {
			inTeam[id] = append(inTeam[id], u.Username)
		}
	}
	var found map[string]DiscoveredTeam
	taken := map[string]bool{}
	slices.SortFunc(teams, func(a, b atlasapi.Team) int { return strings.Compare(a.Name, b.Name) })
	for _, team := range teams {
		if found == nil {
			found = map[string]DiscoveredTeam{}
		}
		people := inTeam[team.ID]
		slices.Sort(people)
		if people == nil {
			people = []string{}
		}
		found[uniqueKey(team.Name, taken)] = DiscoveredTeam{Name: team.Name, ImportID: team.ID, Members: people}
	}
	return members, found, nil
}

var nonKey = regexp.MustCompile(`[^a-z0-9]+`)

// uniqueKey derives an org key from an organization name: lower case,
// letters, digits and dashes, at most 40 characters, not yet taken.
func uniqueKey(name string, taken map[string]bool) string {
	base := strings.Trim(nonKey.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(base) > 36 {
		base = strings.TrimRight(base[:36], "-")
	}
	if base == "" {
		base = "org"
	}
	key := base
	for n := 2; taken[key]; n++ {
		key = fmt.Sprintf("%s-%d", base, n)
	}
	taken[key] = true
	return key
}

// WriteYAML prints the entries indented to paste under atlas-multiorg:orgs
// in a Pulumi.<stack>.yaml file.
func WriteYAML(w io.Writer, found []DiscoveredOrg) error {
	if len(found) == 0 {
		_, err := fmt.Fprintln(w, "# every organization these credentials can see is already in the stack")
		return err
	}
	if _, err := fmt.Fprintf(w, "# %d organization(s) not in the stack yet; paste under atlas-multiorg:orgs:\n", len(found)); err != nil {
		return err
	}
	for _, org := range found {
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(map[string]DiscoveredOrg{org.Key: org}); err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
			if _, err := fmt.Fprintln(w, "    "+line); err != nil {
				return err
			}
		}
	}
	return nil
}

// ParseStackOutputs reads `pulumi stack output --json` of an org stack.
func ParseStackOutputs(raw []byte) (multiorg.StackOutputs, error) {
	outputs, err := multiorg.DecodeStackOutputs(raw)
	if err != nil {
		return multiorg.StackOutputs{}, fmt.Errorf("not `pulumi stack output --json` of an org stack (no \"orgs\" output): %w", err)
	}
	return outputs, nil
}

// ParseStackOutputOrgs reads `pulumi stack output --json` of an org stack and
// returns the organization IDs and org keys of its "orgs" output.
func ParseStackOutputOrgs(raw []byte) (ids, keys map[string]bool, err error) {
	outputs, err := ParseStackOutputs(raw)
	if err != nil {
		return nil, nil, err
	}
	ids, keys = map[string]bool{}, map[string]bool{}
	for key, org := range outputs.Orgs {
		keys[key] = true
		if org.OrgID != "" {
			ids[org.OrgID] = true
		}
	}
	return ids, keys, nil
}
