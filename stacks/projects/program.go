// Package projects is the consumer stack: it reads an org stack's outputs,
// builds one provider per organization that has projects, creates the
// projects its config declares inside those organizations, and grants each
// organization's own credential the configured roles in its projects.
package projects

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/atlas-multiorg/atlas-multiorg/components/multiorg"
	"github.com/atlas-multiorg/atlas-multiorg/components/orgprovider"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// Namespace is the consumer stack's config namespace (its project name).
const Namespace = "atlas-multiorg-projects"

var configKeys = []string{"orgStack", "projects"}

// ProjectRoles are the project roles a credential can be granted.
var ProjectRoles = []string{
	"GROUP_OWNER", "GROUP_CLUSTER_MANAGER", "GROUP_DATA_ACCESS_ADMIN", "GROUP_DATA_ACCESS_READ_WRITE",
	"GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR", "GROUP_STREAM_PROCESSING_OWNER",
	"GROUP_BACKUP_MANAGER", "GROUP_OBSERVABILITY_VIEWER", "GROUP_DATABASE_ACCESS_ADMIN",
}

var (
	projectName = regexp.MustCompile(`^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`)
	stackRef    = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
)

// ProjectSpec declares one project. The JSON names are the stack config's.
type ProjectSpec struct {
	// Org is the org key, in the org stack, of the organization the project belongs to.
	Org string `json:"org"`
	// Name is the project's name in Atlas.
	Name string `json:"name"`
	// Roles are the project roles granted to the organization's own credential.
	Roles []string `json:"roles"`
	// Tags are the project's resource tags.
	Tags map[string]string `json:"tags,omitempty"`
	// Teams are project roles for teams of the organization, by team key
	// (orgs.<key>.teams of the org stack).
	Teams map[string][]string `json:"teams,omitempty"`
}

// Config is the consumer stack's config.
type Config struct {
	// OrgStack is the fully qualified org stack, such as acme/atlas-multiorg/dev.
	OrgStack string
	// Projects are the projects by project key.
	Projects map[string]ProjectSpec
}

// Program is the consumer stack. Config problems fail the run before any
// resource is registered; so do project entries naming an organization the
// org stack does not have.
func Program(ctx *pulumi.Context) error {
	cfg, err := LoadConfig(ctx)
	if err != nil {
		return err
	}
	ref, err := pulumi.NewStackReference(ctx, cfg.OrgStack, nil)
	if err != nil {
		return fmt.Errorf("referencing org stack %s: %w", cfg.OrgStack, err)
	}
	baseURL := pulumi.StringPtrInput(nil)
	if url, ok := ctx.GetConfig("mongodbatlas:baseUrl"); ok && url != "" {
		baseURL = pulumi.String(url)
	}

	// One provider per organization that has projects, and only those.
	orgs := map[string]*orgprovider.Org{}
	var problems []multiorg.Problem
	for _, key := range cfg.orgKeys() {
		org, err := orgprovider.New(ctx, "org-"+key, &orgprovider.Args{Stack: ref, OrgKey: key, BaseURL: baseURL})
		switch {
		case errors.Is(err, orgprovider.ErrAdopted):
			// The documented fallback: this stack's own provider, no grant.
			orgs[key] = org
		case err != nil:
			for _, pk := range cfg.projectsOf(key) {
				problems = append(problems, multiorg.Problem{Path: "projects." + pk + ".org", Message: err.Error()})
			}
		default:
			orgs[key] = org
		}
	}
	for _, key := range slices.Sorted(maps.Keys(cfg.Projects)) {
		spec := cfg.Projects[key]
		org := orgs[spec.Org]
		if org == nil {
			continue
		}
		for _, team := range slices.Sorted(maps.Keys(spec.Teams)) {
			if _, ok := org.TeamIDs[team]; !ok {
				problems = append(problems, multiorg.Problem{Path: "projects." + key + ".teams." + team, Message: fmt.Sprintf(
					"organization %q of stack %s has no team %q; its team keys are %v (orgs.%s.teams in the org stack)",
					spec.Org, cfg.OrgStack, team, slices.Sorted(maps.Keys(org.TeamIDs)), spec.Org)})
			}
		}
	}
	if err := multiorg.NewValidationError(problems); err != nil {
		return err
	}

	exports := pulumi.Map{}
	for _, key := range slices.Sorted(maps.Keys(cfg.Projects)) {
		spec := cfg.Projects[key]
		project, err := createProject(ctx, key, spec, orgs[spec.Org])
		if err != nil {
			return err
		}
		exports[key] = pulumi.Map{
			"projectId": project.ID().ToStringOutput(),
			"name":      project.Name,
			"org":       pulumi.String(spec.Org),
			"orgId":     project.OrgId,
		}
	}
	ctx.Export("projects", exports)
	return nil
}

// createProject creates one project through its organization's provider and
// grants the organization's credential the project's roles.
func createProject(ctx *pulumi.Context, key string, spec ProjectSpec, org *orgprovider.Org) (*mongodbatlas.Project, error) {
	var opts []pulumi.ResourceOption
	if org.Provider != nil {
		opts = append(opts, pulumi.Provider(org.Provider))
	}
	// The project's own teams block is the provider's deprecated way to give
	// teams access; TeamProjectAssignment is the supported one. A refresh
	// reads the assigned teams into that block, and the next update would
	// then remove them (measured with the provider 4.14.0), so the block is
	// left to the assignments.
	project, err := mongodbatlas.NewProject(ctx, key, &mongodbatlas.ProjectArgs{
		Name:  pulumi.String(spec.Name),
		OrgId: org.OrgID,
		Tags:  pulumi.ToStringMap(spec.Tags),
	}, append(opts, pulumi.IgnoreChanges([]string{"teams"}))...)
	if err != nil {
		return nil, fmt.Errorf("creating project %q: %w", key, err)
	}
	projectID := project.ID().ToStringOutput()
	roles := pulumi.ToStringArray(spec.Roles)
	switch org.CredentialType {
	case multiorg.CredentialServiceAccount:
		_, err = mongodbatlas.NewServiceAccountProjectAssignment(ctx, key+"-access", &mongodbatlas.ServiceAccountProjectAssignmentArgs{
			ClientId: org.ClientID, ProjectId: projectID, Roles: roles,
		}, opts...)
	case multiorg.CredentialAPIKey:
		apiKeyID := mongodbatlas.ApiKeyIdOutput(ctx, org.OrgID, org.PublicKey, pulumi.Provider(org.Provider))
		_, err = mongodbatlas.NewApiKeyProjectAssignment(ctx, key+"-access", &mongodbatlas.ApiKeyProjectAssignmentArgs{
			ApiKeyId: apiKeyID, ProjectId: projectID, Roles: roles,
		}, opts...)
	default:
		err = ctx.Log.Warn(fmt.Sprintf("project %q: organization %q was adopted and has no credential of its own, "+
			"so the project is created with this stack's default provider and no credential is granted access", key, spec.Org), nil)
	}
	if err != nil {
		return nil, fmt.Errorf("granting access to project %q: %w", key, err)
	}
	for _, team := range slices.Sorted(maps.Keys(spec.Teams)) {
		_, err := mongodbatlas.NewTeamProjectAssignment(ctx, key+"-team-"+team, &mongodbatlas.TeamProjectAssignmentArgs{
			ProjectId: projectID, TeamId: pulumi.String(org.TeamIDs[team]), RoleNames: pulumi.ToStringArray(spec.Teams[team]),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("granting team %q access to project %q: %w", team, key, err)
		}
	}
	return project, nil
}

// LoadConfig reads and validates the consumer stack's config; the error
// lists every problem with its config path.
func LoadConfig(ctx *pulumi.Context) (Config, error) {
	return ConfigFromMap(multiorg.ReadConfig(ctx, Namespace, configKeys))
}

// ConfigFromMap validates the consumer stack's config given as Pulumi hands
// it to the program (full keys, objects as JSON).
func ConfigFromMap(config map[string]string) (Config, error) {
	var d multiorg.ConfigDecoder
	cfg := Config{OrgStack: config[Namespace+":orgStack"]}
	switch {
	case cfg.OrgStack == "":
		d.Add("orgStack", "required: the org stack to read, as <organization>/<project>/<stack> (for example acme/atlas-multiorg/dev)")
	case !stackRef.MatchString(cfg.OrgStack):
		d.Add("orgStack", "%q is not <organization>/<project>/<stack>", cfg.OrgStack)
	}
	raw, ok := config[Namespace+":projects"]
	if !ok {
		d.Add("projects", "required: declare at least one project, keyed by a stable name (projects.<key>.org: ...)")
	} else {
		cfg.Projects = multiorg.DecodeEntries[ProjectSpec](&d, "projects", raw, "project key (projects.<key>.name: ...)")
	}
	d.UnknownKeys(config, Namespace+":", Namespace, configKeys)
	names := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(cfg.Projects)) {
		p, path := cfg.Projects[key], "projects."+key
		if p.Org == "" {
			d.Add(path+".org", "required: the org key, in the org stack, of the project's organization")
		}
		switch {
		case p.Name == "":
			d.Add(path+".name", "required: the project's name in Atlas")
		case !projectName.MatchString(p.Name):
			d.Add(path+".name", "%q is not a project name Atlas accepts: 1-64 letters, digits and - _ . ( ) , : & @ + '", p.Name)
		default:
			scoped := p.Org + "/" + strings.ToLower(p.Name)
			if other, dup := names[scoped]; dup {
				d.Add(path+".name", "%q is already the name of projects.%s in the same organization", p.Name, other)
			}
			names[scoped] = key
		}
		checkProjectRoles(&d, path+".roles", p.Roles, "the organization's credential, such as GROUP_OWNER")
		for _, team := range slices.Sorted(maps.Keys(p.Teams)) {
			checkProjectRoles(&d, path+".teams."+team, p.Teams[team], "the team, such as GROUP_READ_ONLY")
		}
	}
	if err := multiorg.NewValidationError(d.Problems); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// checkProjectRoles requires at least one project role, each known and
// listed once; whom says who gets them.
func checkProjectRoles(d *multiorg.ConfigDecoder, path string, roles []string, whom string) {
	if len(roles) == 0 {
		d.Add(path, "required: the project roles to grant %s", whom)
	}
	seen := map[string]bool{}
	for _, role := range roles {
		switch {
		case !slices.Contains(ProjectRoles, role):
			d.Add(path, "unknown project role %q; use one of %s", role, strings.Join(ProjectRoles, ", "))
		case seen[role]:
			d.Add(path, "role %q is listed twice; list each role once", role)
		}
		seen[role] = true
	}
}

// orgKeys lists the organizations that have projects, sorted.
func (c Config) orgKeys() []string {
	set := map[string]bool{}
	for _, p := range c.Projects {
		set[p.Org] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// projectsOf lists the project keys of one organization, sorted.
func (c Config) projectsOf(org string) []string {
	var keys []string
	for _, key := range slices.Sorted(maps.Keys(c.Projects)) {
		if c.Projects[key].Org == org {
			keys = append(keys, key)
		}
	}
	return keys
}
