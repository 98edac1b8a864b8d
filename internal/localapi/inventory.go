package localapi

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// The inventory: every Admin API call the provider 4.14.0 makes for the
// resources internal/mongodbatlas binds, their read-only companions and
// their families, each marked served or not, and why. The calls are derived
// from the provider's sources (provider_calls.tsv); whether atlas-local
// serves one is asked of its own routes, so the table cannot drift from
// them. docs/local-admin-api.md carries it (make docs).

//go:embed provider_calls.tsv
var providerCallsTSV string

// ProviderCall is one Admin API call of the provider.
type ProviderCall struct {
	// Package is the provider's package that makes it (internal/service/ or
	// internal/serviceapi/ in terraform-provider-mongodbatlas v2.16.0).
	Package, Method, Path, MediaType string
	// Operation is atlas-sdk-go's name of it; "" for the provider's
	// generated resources, which call paths directly.
	Operation string
}

// ProviderPackages are the provider packages whose calls the inventory
// holds, each with the Pulumi tokens (resources and functions) it
// implements: those internal/mongodbatlas binds, their read-only companions,
// and their families (people, invitations, API keys).
var ProviderPackages = map[string][]string{
	"organization":                    {"mongodbatlas:index/organization:Organization", "mongodbatlas:index/getOrganization:getOrganization", "mongodbatlas:index/getOrganizations:getOrganizations"},
	"serviceaccount":                  {"mongodbatlas:index/serviceAccount:ServiceAccount", "mongodbatlas:index/getServiceAccount:getServiceAccount", "mongodbatlas:index/getServiceAccounts:getServiceAccounts"},
	"serviceaccountsecret":            {"mongodbatlas:index/serviceAccountSecret:ServiceAccountSecret", "mongodbatlas:index/getServiceAccountSecret:getServiceAccountSecret"},
	"serviceaccountaccesslistentry":   {"mongodbatlas:index/serviceAccountAccessListEntry:ServiceAccountAccessListEntry", "mongodbatlas:index/getServiceAccountAccessListEntries:getServiceAccountAccessListEntries"},
	"accesslistapikey":                {"mongodbatlas:index/accessListApiKey:AccessListApiKey", "mongodbatlas:index/getAccessListApiKey:getAccessListApiKey", "mongodbatlas:index/getAccessListApiKeys:getAccessListApiKeys"},
	"clouduserorgassignment":          {"mongodbatlas:index/cloudUserOrgAssignment:CloudUserOrgAssignment", "mongodbatlas:index/getCloudUserOrgAssignment:getCloudUserOrgAssignment"},
	"team":                            {"mongodbatlas:index/team:Team", "mongodbatlas:index/getTeam:getTeam"},
	"clouduserteamassignment":         {"mongodbatlas:index/cloudUserTeamAssignment:CloudUserTeamAssignment", "mongodbatlas:index/getCloudUserTeamAssignment:getCloudUserTeamAssignment"},
	"teamprojectassignment":           {"mongodbatlas:index/teamProjectAssignment:TeamProjectAssignment", "mongodbatlas:index/getTeamProjectAssignment:getTeamProjectAssignment"},
	"project":                         {"mongodbatlas:index/project:Project", "mongodbatlas:index/getProject:getProject", "mongodbatlas:index/getProjects:getProjects"},
	"serviceaccountprojectassignment": {"mongodbatlas:index/serviceAccountProjectAssignment:ServiceAccountProjectAssignment", "mongodbatlas:index/getServiceAccountProjectAssignment:getServiceAccountProjectAssignment", "mongodbatlas:index/getServiceAccountProjectAssignments:getServiceAccountProjectAssignments"},
	"apikeyprojectassignment":         {"mongodbatlas:index/apiKeyProjectAssignment:ApiKeyProjectAssignment", "mongodbatlas:index/getApiKeyProjectAssignment:getApiKeyProjectAssignment", "mongodbatlas:index/getApiKeyProjectAssignments:getApiKeyProjectAssignments"},
	"resourcepolicy":                  {"mongodbatlas:index/resourcePolicy:ResourcePolicy", "mongodbatlas:index/getResourcePolicy:getResourcePolicy", "mongodbatlas:index/getResourcePolicies:getResourcePolicies"},
	"apikey":                          {"mongodbatlas:index/apiKey:ApiKey", "mongodbatlas:index/getApiKey:getApiKey", "mongodbatlas:index/getApiKeys:getApiKeys"},
	"projectapikey":                   {"mongodbatlas:index/projectApiKey:ProjectApiKey", "mongodbatlas:index/getProjectApiKey:getProjectApiKey", "mongodbatlas:index/getProjectApiKeys:getProjectApiKeys"},
	"orginvitation":                   {"mongodbatlas:index/orgInvitation:OrgInvitation", "mongodbatlas:index/getOrgInvitation:getOrgInvitation"},
	"projectinvitation":               {"mongodbatlas:index/projectInvitation:ProjectInvitation", "mongodbatlas:index/getProjectInvitation:getProjectInvitation"},
	"atlasuser":                       {"mongodbatlas:index/getAtlasUser:getAtlasUser", "mongodbatlas:index/getAtlasUsers:getAtlasUsers"},
	"clouduserprojectassignment":      {"mongodbatlas:index/cloudUserProjectAssignment:CloudUserProjectAssignment", "mongodbatlas:index/getCloudUserProjectAssignment:getCloudUserProjectAssignment"},
}

// notServedBecause says why atlas-local does not serve a call, by
// "METHOD path".
var notServedBecause = map[string]string{ //nolint:gosec // G101: routes and reasons, no credential
	"PATCH /api/atlas/v2/groups/{groupId}/limits/{limitName}":       whyLimits,
	"DELETE /api/atlas/v2/groups/{groupId}/limits/{limitName}":      whyLimits,
	"POST /api/atlas/v2/groups/{groupId}/apiKeys":                   "ProjectApiKey creates an organization key from a project; atlas-multiorg binds organization keys and ApiKeyProjectAssignment",
	"GET /api/atlas/v2/groups/{groupId}/invites":                    whyGroupInvites,
	"POST /api/atlas/v2/groups/{groupId}/invites":                   whyGroupInvites,
	"GET /api/atlas/v2/groups/{groupId}/invites/{invitationId}":     whyGroupInvites,
	"PATCH /api/atlas/v2/groups/{groupId}/invites/{invitationId}":   whyGroupInvites,
	"DELETE /api/atlas/v2/groups/{groupId}/invites/{invitationId}":  whyGroupInvites,
	"GET /api/atlas/v2/groups/{groupId}/users/{userId}":             whyGroupUser,
	"DELETE /api/atlas/v2/groups/{groupId}/users/{userId}":          whyGroupUser,
	"POST /api/atlas/v2/groups/{groupId}/users/{userId}:addRole":    whyGroupUser,
	"POST /api/atlas/v2/groups/{groupId}/users/{userId}:removeRole": whyGroupUser,
}

const (
	whyLimits       = "project limits are read as Atlas' defaults; nothing atlas-multiorg binds sets one"
	whyGroupInvites = "deprecated project invitations: no bound resource calls them, and a project's people are served by addGroupUsers"
	whyGroupUser    = "CloudUserProjectAssignment is not bound; a project's people are listed (listGroupUsers) and added (addGroupUsers)"
)

// ProviderCalls are the provider's calls, in the file's order.
func ProviderCalls() []ProviderCall {
	var calls []ProviderCall
	for _, line := range strings.Split(providerCallsTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := append(strings.Split(line, "\t"), "", "", "", "", "")
		calls = append(calls, ProviderCall{Package: f[0], Method: f[1], Path: f[2], MediaType: f[3], Operation: f[4]})
	}
	return calls
}

var (
	probeOnce sync.Once
	probe     *Server
)

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// Serves reports whether atlas-local serves method on path (a template of
// the specification) at mediaType: it asks the routes themselves, without a
// credential, and a route that exists answers 401 where an unknown one is
// Atlas' 404 and an unserved version 406.
func Serves(method, path, mediaType string) bool {
	probeOnce.Do(func() {
		probe = &Server{state: newState(), now: time.Now, nonces: map[string]time.Time{}, revoked: map[string]time.Time{}}
		probe.routes()
	})
	concrete := pathParam.ReplaceAllStringFunc(path, func(p string) string {
		switch p {
		case "{clientId}":
			return "mdb_sa_id_0123456789abcdef01234567"
		case "{userName}":
			return "someone@example.com"
		case "{ipAddress}":
			return "192.0.2.1"
		default:
			return "0123456789abcdef01234567"
		}
	})
	req := httptest.NewRequestWithContext(context.Background(), method, concrete, nil)
	req.Header.Set("Accept", mediaType)
	w := httptest.NewRecorder()
	probe.mux.ServeHTTP(w, req)
	return w.Code == http.StatusUnauthorized
}

// InventoryTable is the inventory as a Markdown table: one row per call and
// the packages that make it.
func InventoryTable() string {
	type row struct {
		call     ProviderCall
		packages []string
	}
	var rows []*row
	byCall := map[string]*row{}
	for _, c := range ProviderCalls() {
		key := c.Method + " " + c.Path + " " + c.MediaType
		r := byCall[key]
		if r == nil {
			r = &row{call: c}
			byCall[key] = r
			rows = append(rows, r)
		}
		if !slices.Contains(r.packages, c.Package) {
			r.packages = append(r.packages, c.Package)
		}
	}
	slices.SortFunc(rows, func(a, b *row) int {
		return strings.Compare(a.call.Path+" "+a.call.Method+" "+a.call.MediaType, b.call.Path+" "+b.call.Method+" "+b.call.MediaType)
	})
	var b strings.Builder
	b.WriteString("| Method | Path | Version | Called by (provider package) | Served |\n| --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		c := r.call
		version := strings.TrimSuffix(strings.TrimPrefix(c.MediaType, "application/vnd.atlas."), "+json")
		served := "served"
		if !Serves(c.Method, c.Path, c.MediaType) {
			served = "not served: " + NotServedReason(c)
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s | %s |\n", c.Method, strings.TrimPrefix(c.Path, "/api/atlas/v2"), version, strings.Join(r.packages, ", "), served)
	}
	return b.String()
}

// NotServedReason is why atlas-local does not serve c; "" when no reason
// is written down, which a test refuses.
func NotServedReason(c ProviderCall) string {
	return notServedBecause[c.Method+" "+c.Path]
}
