package mongodbatlas

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The type tokens of the project resources.
const (
	ProjectType                         = "mongodbatlas:index/project:Project"
	ServiceAccountProjectAssignmentType = "mongodbatlas:index/serviceAccountProjectAssignment:ServiceAccountProjectAssignment"
	ApiKeyProjectAssignmentType         = "mongodbatlas:index/apiKeyProjectAssignment:ApiKeyProjectAssignment"
)

// Project is an Atlas project inside an organization. The limits and teams
// blocks are not bound: atlas-multiorg does not manage them.
type Project struct {
	pulumi.CustomResourceState

	ClusterCount              pulumi.IntOutput       `pulumi:"clusterCount"`
	Created                   pulumi.StringOutput    `pulumi:"created"`
	Name                      pulumi.StringOutput    `pulumi:"name"`
	OrgId                     pulumi.StringOutput    `pulumi:"orgId"`
	ProjectOwnerId            pulumi.StringPtrOutput `pulumi:"projectOwnerId"`
	RegionUsageRestrictions   pulumi.StringOutput    `pulumi:"regionUsageRestrictions"`
	Tags                      pulumi.StringMapOutput `pulumi:"tags"`
	WithDefaultAlertsSettings pulumi.BoolOutput      `pulumi:"withDefaultAlertsSettings"`
}

type projectArgs struct {
	IsClusterAiAssistantEnabled                     *bool             `pulumi:"isClusterAiAssistantEnabled"`
	IsCollectDatabaseSpecificsStatisticsEnabled     *bool             `pulumi:"isCollectDatabaseSpecificsStatisticsEnabled"`
	IsDataExplorerEnabled                           *bool             `pulumi:"isDataExplorerEnabled"`
	IsDataExplorerGenAiFeaturesEnabled              *bool             `pulumi:"isDataExplorerGenAiFeaturesEnabled"`
	IsDataExplorerGenAiSampleDocumentPassingEnabled *bool             `pulumi:"isDataExplorerGenAiSampleDocumentPassingEnabled"`
	IsExtendedStorageSizesEnabled                   *bool             `pulumi:"isExtendedStorageSizesEnabled"`
	IsNativeRerankingEnabled                        *bool             `pulumi:"isNativeRerankingEnabled"`
	IsPerformanceAdvisorEnabled                     *bool             `pulumi:"isPerformanceAdvisorEnabled"`
	IsRealtimePerformancePanelEnabled               *bool             `pulumi:"isRealtimePerformancePanelEnabled"`
	IsSchemaAdvisorEnabled                          *bool             `pulumi:"isSchemaAdvisorEnabled"`
	IsSlowOperationThresholdingEnabled              *bool             `pulumi:"isSlowOperationThresholdingEnabled"`
	Name                                            *string           `pulumi:"name"`
	OrgId                                           string            `pulumi:"orgId"`
	ProjectOwnerId                                  *string           `pulumi:"projectOwnerId"`
	RegionUsageRestrictions                         *string           `pulumi:"regionUsageRestrictions"`
	Tags                                            map[string]string `pulumi:"tags"`
	WithDefaultAlertsSettings                       *bool             `pulumi:"withDefaultAlertsSettings"`
}

// ProjectArgs are the inputs of a Project that atlas-multiorg sets.
type ProjectArgs struct {
	// Name is the project's name.
	Name pulumi.StringPtrInput
	// OrgId is the organization the project belongs to.
	OrgId pulumi.StringInput
	// ProjectOwnerId is the Atlas user who becomes Project Owner.
	ProjectOwnerId pulumi.StringPtrInput
	// Tags are the project's resource tags.
	Tags pulumi.StringMapInput
	// WithDefaultAlertsSettings creates Atlas' default project alerts.
	WithDefaultAlertsSettings pulumi.BoolPtrInput
}

// ElementType returns the wire shape ProjectArgs marshals to.
func (ProjectArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*projectArgs)(nil)).Elem()
}

// NewProject registers a Project.
func NewProject(ctx *pulumi.Context, name string, args *ProjectArgs, opts ...pulumi.ResourceOption) (*Project, error) {
	if args == nil || args.OrgId == nil {
		return nil, errMissing(name, "OrgId")
	}
	var res Project
	if err := ctx.RegisterResource(ProjectType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// ServiceAccountProjectAssignment grants a service account roles in a project.
type ServiceAccountProjectAssignment struct {
	pulumi.CustomResourceState

	ClientId  pulumi.StringOutput      `pulumi:"clientId"`
	ProjectId pulumi.StringOutput      `pulumi:"projectId"`
	Roles     pulumi.StringArrayOutput `pulumi:"roles"`
}

type serviceAccountProjectAssignmentArgs struct {
	ClientId  string   `pulumi:"clientId"`
	ProjectId string   `pulumi:"projectId"`
	Roles     []string `pulumi:"roles"`
}

// ServiceAccountProjectAssignmentArgs are its inputs; all are required.
type ServiceAccountProjectAssignmentArgs struct {
	// ClientId is the service account's client ID.
	ClientId pulumi.StringInput
	// ProjectId is the project to grant access to.
	ProjectId pulumi.StringInput
	// Roles are project roles such as GROUP_OWNER.
	Roles pulumi.StringArrayInput
}

// ElementType returns the wire shape the arguments marshal to.
func (ServiceAccountProjectAssignmentArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*serviceAccountProjectAssignmentArgs)(nil)).Elem()
}

// NewServiceAccountProjectAssignment registers a ServiceAccountProjectAssignment.
func NewServiceAccountProjectAssignment(ctx *pulumi.Context, name string, args *ServiceAccountProjectAssignmentArgs, opts ...pulumi.ResourceOption) (*ServiceAccountProjectAssignment, error) {
	if args == nil || args.ClientId == nil || args.ProjectId == nil || args.Roles == nil {
		return nil, errMissing(name, "ClientId", "ProjectId", "Roles")
	}
	var res ServiceAccountProjectAssignment
	if err := ctx.RegisterResource(ServiceAccountProjectAssignmentType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// ApiKeyProjectAssignment grants an organization API key roles in a project.
type ApiKeyProjectAssignment struct {
	pulumi.CustomResourceState

	ApiKeyId  pulumi.StringOutput      `pulumi:"apiKeyId"`
	ProjectId pulumi.StringOutput      `pulumi:"projectId"`
	Roles     pulumi.StringArrayOutput `pulumi:"roles"`
}

type apiKeyProjectAssignmentArgs struct {
	ApiKeyId  string   `pulumi:"apiKeyId"`
	ProjectId string   `pulumi:"projectId"`
	Roles     []string `pulumi:"roles"`
}

// ApiKeyProjectAssignmentArgs are its inputs; all are required.
type ApiKeyProjectAssignmentArgs struct {
	// ApiKeyId is the API key's 24-hex ID (not its public key).
	ApiKeyId pulumi.StringInput
	// ProjectId is the project to grant access to.
	ProjectId pulumi.StringInput
	// Roles are project roles such as GROUP_OWNER.
	Roles pulumi.StringArrayInput
}

// ElementType returns the wire shape the arguments marshal to.
func (ApiKeyProjectAssignmentArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*apiKeyProjectAssignmentArgs)(nil)).Elem()
}

// NewApiKeyProjectAssignment registers an ApiKeyProjectAssignment.
func NewApiKeyProjectAssignment(ctx *pulumi.Context, name string, args *ApiKeyProjectAssignmentArgs, opts ...pulumi.ResourceOption) (*ApiKeyProjectAssignment, error) {
	if args == nil || args.ApiKeyId == nil || args.ProjectId == nil || args.Roles == nil {
		return nil, errMissing(name, "ApiKeyId", "ProjectId", "Roles")
	}
	var res ApiKeyProjectAssignment
	if err := ctx.RegisterResource(ApiKeyProjectAssignmentType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}
