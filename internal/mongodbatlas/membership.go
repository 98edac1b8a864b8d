package mongodbatlas

import (
	"context"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The type tokens of the organization membership resources.
const (
	CloudUserOrgAssignmentType  = "mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment"
	TeamType                    = "mongodbatlas:index/team:Team"
	CloudUserTeamAssignmentType = "mongodbatlas:index/cloudUserTeamAssignment:CloudUserTeamAssignment"
	TeamProjectAssignmentType   = "mongodbatlas:index/teamProjectAssignment:TeamProjectAssignment"
)

// CloudUserOrgAssignment makes an Atlas user (by username, an email) a
// member of an organization with organization roles: Atlas invites the user,
// and the membership is pending until the invitation is accepted.
type CloudUserOrgAssignment struct {
	pulumi.CustomResourceState

	Country             pulumi.StringOutput               `pulumi:"country"`
	CreatedAt           pulumi.StringOutput               `pulumi:"createdAt"`
	FirstName           pulumi.StringOutput               `pulumi:"firstName"`
	InvitationCreatedAt pulumi.StringOutput               `pulumi:"invitationCreatedAt"`
	InvitationExpiresAt pulumi.StringOutput               `pulumi:"invitationExpiresAt"`
	InviterUsername     pulumi.StringOutput               `pulumi:"inviterUsername"`
	LastAuth            pulumi.StringOutput               `pulumi:"lastAuth"`
	LastName            pulumi.StringOutput               `pulumi:"lastName"`
	MobileNumber        pulumi.StringOutput               `pulumi:"mobileNumber"`
	OrgId               pulumi.StringOutput               `pulumi:"orgId"`
	OrgMembershipStatus pulumi.StringOutput               `pulumi:"orgMembershipStatus"`
	Roles               CloudUserOrgAssignmentRolesOutput `pulumi:"roles"`
	TeamIds             pulumi.StringArrayOutput          `pulumi:"teamIds"`
	UserId              pulumi.StringOutput               `pulumi:"userId"`
	Username            pulumi.StringOutput               `pulumi:"username"`
}

type cloudUserOrgAssignmentArgs struct {
	OrgId    string                      `pulumi:"orgId"`
	Roles    CloudUserOrgAssignmentRoles `pulumi:"roles"`
	Username string                      `pulumi:"username"`
}

// CloudUserOrgAssignmentArgs are its inputs; all are required.
type CloudUserOrgAssignmentArgs struct {
	// OrgId is the organization.
	OrgId pulumi.StringInput
	// Roles are the user's roles in it.
	Roles CloudUserOrgAssignmentRolesInput
	// Username is the user's Atlas username, an email address.
	Username pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (CloudUserOrgAssignmentArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*cloudUserOrgAssignmentArgs)(nil)).Elem()
}

// NewCloudUserOrgAssignment registers a CloudUserOrgAssignment.
func NewCloudUserOrgAssignment(ctx *pulumi.Context, name string, args *CloudUserOrgAssignmentArgs, opts ...pulumi.ResourceOption) (*CloudUserOrgAssignment, error) {
	if args == nil || args.OrgId == nil || args.Roles == nil || args.Username == nil {
		return nil, errMissing(name, "OrgId", "Roles", "Username")
	}
	var res CloudUserOrgAssignment
	if err := ctx.RegisterResource(CloudUserOrgAssignmentType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// CloudUserOrgAssignmentRoles are a member's roles. ProjectRoleAssignments
// is bound for reading only: atlas-multiorg grants project access to
// teams, not to single users.
type CloudUserOrgAssignmentRoles struct {
	OrgRoles               []string                                           `pulumi:"orgRoles"`
	ProjectRoleAssignments []CloudUserOrgAssignmentRolesProjectRoleAssignment `pulumi:"projectRoleAssignments"`
}

// CloudUserOrgAssignmentRolesProjectRoleAssignment is a member's roles in
// one project.
type CloudUserOrgAssignmentRolesProjectRoleAssignment struct {
	ProjectId    *string  `pulumi:"projectId"`
	ProjectRoles []string `pulumi:"projectRoles"`
}

// CloudUserOrgAssignmentRolesInput is an input of CloudUserOrgAssignmentRoles.
type CloudUserOrgAssignmentRolesInput interface {
	pulumi.Input
	ToCloudUserOrgAssignmentRolesOutput() CloudUserOrgAssignmentRolesOutput
	ToCloudUserOrgAssignmentRolesOutputWithContext(context.Context) CloudUserOrgAssignmentRolesOutput
}

// CloudUserOrgAssignmentRolesArgs are a member's organization roles.
type CloudUserOrgAssignmentRolesArgs struct {
	// OrgRoles are organization roles such as ORG_MEMBER.
	OrgRoles pulumi.StringArrayInput
}

// ElementType returns the wire shape the arguments marshal to.
func (CloudUserOrgAssignmentRolesArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*CloudUserOrgAssignmentRoles)(nil)).Elem()
}

// ToCloudUserOrgAssignmentRolesOutput converts the arguments to an output.
func (a CloudUserOrgAssignmentRolesArgs) ToCloudUserOrgAssignmentRolesOutput() CloudUserOrgAssignmentRolesOutput {
	return a.ToCloudUserOrgAssignmentRolesOutputWithContext(context.Background())
}

// ToCloudUserOrgAssignmentRolesOutputWithContext converts the arguments to an output.
func (a CloudUserOrgAssignmentRolesArgs) ToCloudUserOrgAssignmentRolesOutputWithContext(ctx context.Context) CloudUserOrgAssignmentRolesOutput {
	return pulumi.ToOutputWithContext(ctx, a).(CloudUserOrgAssignmentRolesOutput)
}

// CloudUserOrgAssignmentRolesOutput is an output of CloudUserOrgAssignmentRoles.
type CloudUserOrgAssignmentRolesOutput struct{ *pulumi.OutputState }

// ElementType returns the type the output resolves to.
func (CloudUserOrgAssignmentRolesOutput) ElementType() reflect.Type {
	return reflect.TypeOf((*CloudUserOrgAssignmentRoles)(nil)).Elem()
}

// ToCloudUserOrgAssignmentRolesOutput returns o.
func (o CloudUserOrgAssignmentRolesOutput) ToCloudUserOrgAssignmentRolesOutput() CloudUserOrgAssignmentRolesOutput {
	return o
}

// ToCloudUserOrgAssignmentRolesOutputWithContext returns o.
func (o CloudUserOrgAssignmentRolesOutput) ToCloudUserOrgAssignmentRolesOutputWithContext(context.Context) CloudUserOrgAssignmentRolesOutput {
	return o
}

// OrgRoles are the member's organization roles.
func (o CloudUserOrgAssignmentRolesOutput) OrgRoles() pulumi.StringArrayOutput {
	return o.ApplyT(func(v CloudUserOrgAssignmentRoles) []string { return v.OrgRoles }).(pulumi.StringArrayOutput)
}

// Team is a team of an organization. Its members are managed with
// CloudUserTeamAssignment, not with usernames, which the binding leaves out.
type Team struct {
	pulumi.CustomResourceState

	Name      pulumi.StringOutput      `pulumi:"name"`
	OrgId     pulumi.StringOutput      `pulumi:"orgId"`
	TeamId    pulumi.StringOutput      `pulumi:"teamId"`
	Usernames pulumi.StringArrayOutput `pulumi:"usernames"`
}

type teamArgs struct {
	Name  *string `pulumi:"name"`
	OrgId string  `pulumi:"orgId"`
}

// TeamArgs are its inputs.
type TeamArgs struct {
	// Name is the team's name, unique in its organization.
	Name pulumi.StringPtrInput
	// OrgId is the organization (required).
	OrgId pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (TeamArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*teamArgs)(nil)).Elem()
}

// NewTeam registers a Team.
func NewTeam(ctx *pulumi.Context, name string, args *TeamArgs, opts ...pulumi.ResourceOption) (*Team, error) {
	if args == nil || args.OrgId == nil {
		return nil, errMissing(name, "OrgId")
	}
	var res Team
	if err := ctx.RegisterResource(TeamType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// CloudUserTeamAssignment makes an organization member a member of a team.
type CloudUserTeamAssignment struct {
	pulumi.CustomResourceState

	OrgId               pulumi.StringOutput      `pulumi:"orgId"`
	OrgMembershipStatus pulumi.StringOutput      `pulumi:"orgMembershipStatus"`
	TeamId              pulumi.StringOutput      `pulumi:"teamId"`
	TeamIds             pulumi.StringArrayOutput `pulumi:"teamIds"`
	UserId              pulumi.StringOutput      `pulumi:"userId"`
	Username            pulumi.StringOutput      `pulumi:"username"`
}

type cloudUserTeamAssignmentArgs struct {
	OrgId  string `pulumi:"orgId"`
	TeamId string `pulumi:"teamId"`
	UserId string `pulumi:"userId"`
}

// CloudUserTeamAssignmentArgs are its inputs; all are required.
type CloudUserTeamAssignmentArgs struct {
	// OrgId is the organization.
	OrgId pulumi.StringInput
	// TeamId is the team.
	TeamId pulumi.StringInput
	// UserId is the member's Atlas user ID (CloudUserOrgAssignment.UserId).
	UserId pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (CloudUserTeamAssignmentArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*cloudUserTeamAssignmentArgs)(nil)).Elem()
}

// NewCloudUserTeamAssignment registers a CloudUserTeamAssignment.
func NewCloudUserTeamAssignment(ctx *pulumi.Context, name string, args *CloudUserTeamAssignmentArgs, opts ...pulumi.ResourceOption) (*CloudUserTeamAssignment, error) {
	if args == nil || args.OrgId == nil || args.TeamId == nil || args.UserId == nil {
		return nil, errMissing(name, "OrgId", "TeamId", "UserId")
	}
	var res CloudUserTeamAssignment
	if err := ctx.RegisterResource(CloudUserTeamAssignmentType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

// TeamProjectAssignment grants a team roles in a project.
type TeamProjectAssignment struct {
	pulumi.CustomResourceState

	ProjectId pulumi.StringOutput      `pulumi:"projectId"`
	RoleNames pulumi.StringArrayOutput `pulumi:"roleNames"`
	TeamId    pulumi.StringOutput      `pulumi:"teamId"`
}

type teamProjectAssignmentArgs struct {
	ProjectId string   `pulumi:"projectId"`
	RoleNames []string `pulumi:"roleNames"`
	TeamId    string   `pulumi:"teamId"`
}

// TeamProjectAssignmentArgs are its inputs; all are required.
type TeamProjectAssignmentArgs struct {
	// ProjectId is the project.
	ProjectId pulumi.StringInput
	// RoleNames are project roles such as GROUP_READ_ONLY.
	RoleNames pulumi.StringArrayInput
	// TeamId is the team.
	TeamId pulumi.StringInput
}

// ElementType returns the wire shape the arguments marshal to.
func (TeamProjectAssignmentArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*teamProjectAssignmentArgs)(nil)).Elem()
}

// NewTeamProjectAssignment registers a TeamProjectAssignment.
func NewTeamProjectAssignment(ctx *pulumi.Context, name string, args *TeamProjectAssignmentArgs, opts ...pulumi.ResourceOption) (*TeamProjectAssignment, error) {
	if args == nil || args.ProjectId == nil || args.RoleNames == nil || args.TeamId == nil {
		return nil, errMissing(name, "ProjectId", "RoleNames", "TeamId")
	}
	var res TeamProjectAssignment
	if err := ctx.RegisterResource(TeamProjectAssignmentType, name, *args, &res, pinned(opts)...); err != nil {
		return nil, err
	}
	return &res, nil
}

func init() {
	pulumi.RegisterOutputType(CloudUserOrgAssignmentRolesOutput{})
}
