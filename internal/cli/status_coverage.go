package cli

import (
	"github.com/atlas-multiorg/atlas-multiorg/components/orgsettings"
	"github.com/atlas-multiorg/atlas-multiorg/internal/mongodbatlas"
)

// How status compares an input of a resource the org stack holds with Atlas.
const (
	// compareByRefresh: the provider reads it back, so the refresh
	// preview's diff shows a change (driftFindings).
	compareByRefresh = "refresh"
	// compareByReading: the provider never reads it back (a creation-only
	// input), so status reads Atlas itself (credentialFindings).
	compareByReading = "reading"
	// compareByIdentity: it names the object in Atlas, which the provider
	// reads by it: a deleted object is gone, another one is unmanaged.
	compareByIdentity = "identity"
	// compareNowhere: Atlas holds nothing to compare it with.
	compareNowhere = "nowhere"
)

// inputComparison is how one input is compared, and why so.
type inputComparison struct {
	by, why string
}

// anyInput stands for every input of a type whose inputs are all alike.
const anyInput = "*"

// inputComparisons say, for every input of every resource type the org
// stack's component registers (multiorg.ChildTypes, its inputs from the
// binding), how status compares it with Atlas. status_coverage_test.go
// fails while a type or an input has no row, so a resource or input added
// to the binding or to the component's table is decided here.
var inputComparisons = map[string]map[string]inputComparison{
	mongodbatlas.OrganizationType: {
		"name":                      {compareByRefresh, "the provider reads the organization"},
		"skipDefaultAlertsSettings": {compareByRefresh, "the provider reads the organization"},
		"apiAccessListRequired": {compareByRefresh, "the provider reads the organization's settings; where the switch sets it " +
			"(a created organization with an access list), each run reads it in Atlas and the switch sets a changed one back"},
		"multiFactorAuthRequired": {compareByRefresh, "the provider reads the organization's settings"},
		"restrictEmployeeAccess":  {compareByRefresh, "the provider reads the organization's settings"},
		"genAiFeaturesEnabled":    {compareByRefresh, "the provider reads the organization's settings"},
		"securityContact":         {compareByRefresh, "the provider reads the organization's settings"},
		"description":             {compareByReading, "creation only: the organization's API key's description, read from its API keys"},
		"roleNames":               {compareByReading, "creation only: the organization's API key's roles, read from its API keys"},
		"serviceAccount": {compareByReading, "creation only: the service account's name, description and roles, read from its service accounts; " +
			"its secretExpiresAfterHours is in each secret's expiry, which the expiry column shows"},
		"orgOwnerId": {compareNowhere, "creation only: who Atlas made the owner; Atlas keeps no such field, and the owner is among the people status lists"},
		"federationSettingsId": {compareNowhere, "creation only: the link lives in the federation's settings, " +
			"which the organization's own credential does not read"},
	},
	// The package plugin's resource (components/orgsettings): its Read
	// reads the settings and delegation endpoints, so a refresh shows each
	// managed setting Atlas has changed, and the credential inputs are never
	// compared (a rotated one changes nothing).
	orgsettings.Type: {
		anyInput: {compareByRefresh, "the plugin reads the organization's settings and delegation settings"},
	},
	mongodbatlas.ServiceAccountType: {
		"name":                    {compareByRefresh, "the provider reads the service account"},
		"description":             {compareByRefresh, "the provider reads the service account"},
		"roles":                   {compareByRefresh, "the provider reads the service account"},
		"orgId":                   {compareByIdentity, "the organization it is in"},
		"secretExpiresAfterHours": {compareByReading, "Atlas keeps each secret's expiry, not its lifetime: the expiry column"},
	},
	mongodbatlas.ServiceAccountSecretType: {
		"clientId":                {compareByIdentity, "the service account it belongs to"},
		"orgId":                   {compareByIdentity, "the organization it is in"},
		"secretExpiresAfterHours": {compareByReading, "Atlas keeps the secret's expiry, not its lifetime: the expiry column"},
	},
	mongodbatlas.ServiceAccountAccessListEntryType: {anyInput: {compareByIdentity, "the entry is its address: a deleted one is gone, another one unmanaged"}},
	mongodbatlas.AccessListApiKeyType:              {anyInput: {compareByIdentity, "the entry is its address: a deleted one is gone, another one unmanaged"}},
	mongodbatlas.ResourcePolicyType: {
		"name":        {compareByRefresh, "the provider reads the policy"},
		"description": {compareByRefresh, "the provider reads the policy"},
		"policies":    {compareByRefresh, "the provider reads the policy"},
		"orgId":       {compareByIdentity, "the organization it is in"},
	},
	mongodbatlas.CloudUserOrgAssignmentType: {
		"roles":    {compareByRefresh, "the provider reads the person's roles"},
		"username": {compareByIdentity, "the person, read by it; one not in the code is unmanaged"},
		"orgId":    {compareByIdentity, "the organization they are in"},
	},
	mongodbatlas.TeamType: {
		"name":  {compareByRefresh, "the provider reads the team by its ID, so a rename is a change, not another team"},
		"orgId": {compareByIdentity, "the organization it is in"},
	},
	mongodbatlas.CloudUserTeamAssignmentType: {anyInput: {compareByIdentity, "a person in a team: a removed one is gone"}},
	mongodbatlas.ProviderType:                {anyInput: {compareNowhere, "the provider's own configuration, in the code and the state; nothing in Atlas"}},
	stashType:                                {anyInput: {compareNowhere, "the component's own record in the state; nothing in Atlas"}},
}

// stashType is the type of the component's records in the state (the API
// access list switch, the destroy guard).
const stashType = "pulumi:index:Stash"

// notInTheOrgStack are the binding's resource types that the org stack's
// component never registers, and who does: status checks org stacks.
var notInTheOrgStack = map[string]string{
	mongodbatlas.ProjectType:                         "the projects stack",
	mongodbatlas.ServiceAccountProjectAssignmentType: "the projects stack",
	mongodbatlas.ApiKeyProjectAssignmentType:         "the projects stack",
	mongodbatlas.TeamProjectAssignmentType:           "the projects stack",
}
