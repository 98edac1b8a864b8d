package localapi

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

func (s *Server) routes() {
	m := http.NewServeMux()
	const v2 = "/api/atlas/v2"
	// Each route has the version the specification gives it.
	v20230101, v20240805 := MediaTypeOrgs, MediaTypeServiceAccounts
	m.HandleFunc("POST /api/oauth/token", s.token)
	m.HandleFunc("POST /api/oauth/revoke", s.revoke)
	m.HandleFunc("GET /local/console/orgs", s.console(s.consoleOrgs))
	m.HandleFunc("DELETE /local/console/orgs/{orgId}", s.console(s.consoleDeleteOrg))
	m.HandleFunc("POST /local/console/orgs/{orgId}/users/{user}/accept", s.console(s.consoleAccept))
	m.HandleFunc("DELETE /local/console/orgs/{orgId}/users/{user}", s.console(s.consoleRemoveUser))
	m.HandleFunc("DELETE /local/console/orgs/{orgId}/teams/{team}", s.console(s.consoleDeleteTeam))
	m.HandleFunc("POST /local/console/groups/{groupId}/clusters/{clusterName}/nonCompliant/{resourcePolicyId}", s.console(s.consoleMarkNonCompliant))
	m.HandleFunc("DELETE /local/console/groups/{groupId}/clusters/{clusterName}/nonCompliant", s.console(s.consoleClearNonCompliant))
	m.HandleFunc("DELETE /local/console/nonCompliantResources/{resourceId}", s.console(s.consoleClearNonCompliantResource))
	m.HandleFunc("POST /local/console/orgs/{orgId}/serviceAccounts", s.console(s.consoleCreateServiceAccount))

	m.HandleFunc("GET "+v2+"/orgs", s.api(v20230101, s.listOrgs))
	m.HandleFunc("POST "+v2+"/orgs", s.api(v20230101, s.createOrg))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}", s.api(v20230101, s.getOrg))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}", s.api(v20230101, s.updateOrg))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}", s.api(v20230101, s.deleteOrg))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/settings", s.api(v20230101, s.getOrgSettings))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/settings", s.api(v20230101, s.updateOrgSettings))
	v20250312 := MediaTypeDelegationSettings
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/delegationSettings", s.api(v20250312, s.getOrgDelegationSettings))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/delegationSettings", s.api(v20250312, s.updateOrgDelegationSettings))

	v20250219 := MediaTypeUsers
	// 2023-01-01 is the data source mongodbatlas_atlas_users' version.
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/users", s.versions(map[string]handler{v20250219: s.listOrgUsers, v20230101: s.listOrgUsers}))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/users", s.api(v20250219, s.createOrgUser))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/users/{userId}", s.api(v20250219, s.getOrgUser))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/users/{userId}", s.api(v20250219, s.updateOrgUser))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/users/{userId}", s.api(v20250219, s.removeOrgUser))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/teams", s.api(v20230101, s.listOrgTeams))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/teams", s.api(v20230101, s.createOrgTeam))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/teams/{teamId}", s.api(v20230101, s.getOrgTeam))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/teams/{teamId}", s.api(v20230101, s.renameOrgTeam))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/teams/{teamId}", s.api(v20230101, s.deleteOrgTeam))
	// {teamId}:addUser and {teamId}:removeUser.
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/teams/{teamAction}", s.api(v20250219, s.teamAction))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/teams/{teamId}/users", s.versions(map[string]handler{v20250219: s.listTeamUsers, v20230101: s.listTeamUsers}))

	// The deprecated invitations, which mongodbatlas_org_invitation calls (invitations.go).
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/invites", s.api(v20230101, s.listOrgInvites))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/invites", s.api(v20230101, s.createOrgInvite))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/invites", s.api(v20230101, s.updateOrgInvites))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/invites/{invitationId}", s.api(v20230101, s.getOrgInvite))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/invites/{invitationId}", s.api(v20230101, s.updateOrgInviteByID))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/invites/{invitationId}", s.api(v20230101, s.deleteOrgInvite))
	// MongoDB Cloud user accounts, at the deprecated 2023-01-01 the provider calls.
	m.HandleFunc("GET "+v2+"/users/{userId}", s.api(v20230101, s.getUser))
	m.HandleFunc("GET "+v2+"/users/byName/{userName}", s.api(v20230101, s.getUserByName))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/groups", s.api(v20240805, s.listServiceAccountGroups))
	// API v1.0, which the provider's own client (go.mongodb.org/atlas) still
	// reads, unversioned: plain JSON. Its tests check a destroy with it.
	const v1, v1json = "/api/atlas/v1.0", "application/json"
	m.HandleFunc("GET "+v1+"/orgs/{orgId}/teams/{teamId}", s.api(v1json, s.getOrgTeam))
	m.HandleFunc("GET "+v1+"/orgs/{orgId}/invites/{invitationId}", s.api(v1json, s.getOrgInvite))

	// The deprecated member routes the Team resource adds and removes its usernames with.
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/teams/{teamId}/users", s.api(v20230101, s.addTeamUsers))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/teams/{teamId}/users/{userId}", s.api(v20230101, s.removeUserFromTeam))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/invoices", s.api(v20230101, s.listInvoices))
	// Registered before {invoiceId}; Go's mux prefers the literal segment anyway.
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/invoices/pending", s.api(v20230101, s.getPendingInvoice))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/invoices/{invoiceId}", s.api(v20230101, s.getInvoice))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts", s.api(v20240805, s.listOrgServiceAccounts))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/serviceAccounts", s.api(v20240805, s.createOrgServiceAccount))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}", s.api(v20240805, s.getOrgServiceAccount))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}", s.api(v20240805, s.updateOrgServiceAccount))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}", s.api(v20240805, s.deleteOrgServiceAccount))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/secrets", s.api(v20240805, s.createOrgSecret))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}", s.api(v20240805, s.deleteOrgSecret))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/accessList", s.api(v20240805, s.listAccessList(s.serviceAccountAccessList)))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/accessList", s.api(v20240805, s.createAccessList(s.serviceAccountAccessList)))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}", s.api(v20240805, s.deleteAccessListEntry(s.serviceAccountAccessList)))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys", s.api(v20230101, s.listOrgApiKeys))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/apiKeys", s.api(v20230101, s.createOrgApiKey))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}", s.api(v20230101, s.getOrgApiKey))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}", s.api(v20230101, s.updateOrgApiKey))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}", s.api(v20230101, s.deleteOrgApiKey))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList", s.api(v20230101, s.listAccessList(s.apiKeyAccessList)))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList", s.api(v20230101, s.createAccessList(s.apiKeyAccessList)))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}", s.api(v20230101, s.getAccessListEntry(s.apiKeyAccessList)))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}", s.api(v20230101, s.deleteAccessListEntry(s.apiKeyAccessList)))

	m.HandleFunc("GET "+v2+"/groups", s.api(v20230101, s.listGroups))
	m.HandleFunc("POST "+v2+"/groups", s.api(v20230101, s.createGroup))
	m.HandleFunc("GET "+v2+"/groups/{groupId}", s.api(v20230101, s.getGroup))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}", s.api(v20230101, s.updateGroup))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}", s.api(v20230101, s.deleteGroup))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/settings", s.api(v20230101, s.getGroupSettings))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}/settings", s.api(v20230101, s.updateGroupSettings))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/clusters", s.api(v20240805, s.listClusters))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/managedSlowMs", s.api(v20230101, s.getManagedSlowMs))
	m.HandleFunc("POST "+v2+"/groups/{groupId}/managedSlowMs/enable", s.api(v20230101, s.setManagedSlowMs(true)))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}/managedSlowMs/disable", s.api(v20230101, s.setManagedSlowMs(false)))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/teams", s.api(v20230101, s.listGroupTeams))
	m.HandleFunc("POST "+v2+"/groups/{groupId}/teams", s.api(v20230101, s.addGroupTeams))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/teams/{teamId}", s.api(v20230101, s.getGroupTeam))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}/teams/{teamId}", s.api(v20230101, s.updateGroupTeam))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}/teams/{teamId}", s.api(v20230101, s.removeGroupTeam))
	// 2023-01-01 is the data source mongodbatlas_atlas_users' version.
	m.HandleFunc("GET "+v2+"/groups/{groupId}/users", s.versions(map[string]handler{v20250219: s.listGroupUsers, v20230101: s.listGroupUsers}))
	m.HandleFunc("POST "+v2+"/groups/{groupId}/users", s.api(v20250219, s.addGroupUser))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/limits", s.api(v20230101, s.listGroupLimits))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/ipAddresses", s.api(v20230101, s.getGroupIpAddresses))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/resourcePolicies", s.api(v20240805, s.listOrgResourcePolicies))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/resourcePolicies", s.api(v20240805, s.createOrgResourcePolicy))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/resourcePolicies:validate", s.api(v20240805, s.validateResourcePolicies))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/resourcePolicies/{resourcePolicyId}", s.api(v20240805, s.getOrgResourcePolicy))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/resourcePolicies/{resourcePolicyId}", s.api(v20240805, s.updateOrgResourcePolicy))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/resourcePolicies/{resourcePolicyId}", s.api(v20240805, s.deleteOrgResourcePolicy))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/nonCompliantResources", s.api(v20240805, s.listNonCompliantResources))
	// Go's patterns match whole segments, so {clientId}:invite arrives as one.
	m.HandleFunc("POST "+v2+"/groups/{groupId}/serviceAccounts/{clientIdInvite}", s.api(v20240805, s.inviteGroupServiceAccount))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/serviceAccounts/{clientId}", s.api(v20240805, s.getGroupServiceAccount))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}/serviceAccounts/{clientId}", s.api(v20240805, s.updateGroupServiceAccount))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}/serviceAccounts/{clientId}", s.api(v20240805, s.deleteGroupServiceAccount))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/apiKeys", s.api(v20230101, s.listGroupApiKeys))
	m.HandleFunc("POST "+v2+"/groups/{groupId}/apiKeys/{apiUserId}", s.api(v20230101, s.addGroupApiKey))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}/apiKeys/{apiUserId}", s.api(v20230101, s.updateApiKeyRoles))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}/apiKeys/{apiUserId}", s.api(v20230101, s.removeGroupApiKey))
	// Every other path and method is Atlas' 404, in its error body: a bare
	// one is what the provider's SDK reports as "undefined response type".
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, "application/json", http.StatusNotFound, "RESOURCE_NOT_FOUND",
			fmt.Sprintf("Cannot find resource %s.", r.URL.Path))
	})
	byName := s.api(v20230101, s.getGroupByName)
	teamByName := s.api(v20230101, s.getTeamByName)
	s.mux = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// GET /orgs/{orgId}/teams/byName/{teamName} likewise: the mux refuses
		// it beside /orgs/{orgId}/teams/{teamId}/users.
		if orgID, name, ok := teamNameOf(r, v2); ok {
			r.SetPathValue("orgId", orgID)
			r.SetPathValue("teamName", name)
			teamByName(w, r)
			return
		}
		// GET /groups/byName/{groupName} is served before the mux: Go's mux
		// refuses it beside /groups/{groupId}/settings and its kin, which
		// match /groups/byName/settings too. A project ID is hex, never
		// "byName", so nothing else is meant.
		if name, ok := strings.CutPrefix(r.URL.EscapedPath(), v2+"/groups/byName/"); ok && r.Method == http.MethodGet && name != "" && !strings.Contains(name, "/") {
			if unescaped, err := url.PathUnescape(name); err == nil {
				r.SetPathValue("groupName", unescaped)
				byName(w, r)
				return
			}
		}
		m.ServeHTTP(w, r)
	})
}

// find is m[key], or Atlas' 404 for a missing one: code, and format with the key.
// versions serves one route at several versions: the request's Accept
// header picks the handler, and an unknown one is refused as api refuses it.
func (s *Server) versions(byMediaType map[string]handler) http.HandlerFunc {
	served := map[string]http.HandlerFunc{}
	for mediaType, h := range byMediaType {
		served[mediaType] = s.api(mediaType, h)
	}
	first := slices.Sorted(maps.Keys(byMediaType))[0]
	return func(w http.ResponseWriter, r *http.Request) {
		if h, ok := served[r.Header.Get("Accept")]; ok {
			h(w, r)
			return
		}
		served[first](w, r)
	}
}

func find[V any](m map[string]V, key, code, format string) (V, *apiError) {
	v, ok := m[key]
	if !ok {
		var zero V
		return zero, fail(http.StatusNotFound, code, format, key)
	}
	return v, nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// teamNameOf reads a GET of {prefix}/orgs/{orgId}/teams/byName/{teamName}.
func teamNameOf(r *http.Request, prefix string) (orgID, name string, ok bool) {
	rest, found := strings.CutPrefix(r.URL.EscapedPath(), prefix+"/orgs/")
	if !found || r.Method != http.MethodGet {
		return "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 4 || parts[0] == "" || parts[1] != "teams" || parts[2] != "byName" || parts[3] == "" {
		return "", "", false
	}
	name, err := url.PathUnescape(parts[3])
	return parts[0], name, err == nil
}
