package localapi

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
)

// The console stands in for what a person does in the Atlas UI, signed in
// as an organization's Organization Owner: see every organization, and
// delete one, remove a person from one, delete a team of one; and for what
// an invited person does: accept the invitation. Atlas' Admin API cannot do
// the first for an organization whose
// only credential was lost with the answer that created it (the paying
// organization's credential is not a member of it), so recovering from a
// lost answer needs a person. Its routes are outside /api/atlas, and its
// bearer token is Options.ConsoleToken (atlas-local keeps it in
// <data-dir>/console-token, mode 0600).

func (s *Server) console(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.opts.ConsoleToken == "" || !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.ConsoleToken)) != 1 {
			writeError(w, "application/json", http.StatusUnauthorized, "NOT_SIGNED_IN", "The console needs atlas-local's console token.")
			return
		}
		s.mu.Lock()
		buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
		h(buf, r)
		s.answerOnceSaved(w, r, "application/json", buf)
	}
}

// consoleOrgs lists every organization, with the paying organization each
// is linked to.
func (s *Server) consoleOrgs(w http.ResponseWriter, _ *http.Request) {
	all := []map[string]any{}
	for _, id := range sortedKeys(s.state.Orgs) {
		o := s.state.Orgs[id]
		all = append(all, map[string]any{"id": o.ID, "name": o.Name, "paying": o.Paying, "payingOrgId": o.PayingOrgID, "ownerId": o.OwnerID})
	}
	_ = writeJSON(w, http.StatusOK, map[string]any{"results": all})
}

// consoleDeleteOrg deletes an organization as its Organization Owner would
// in the UI, under Atlas' rules: not a paying organization, not one with
// projects.
func (s *Server) consoleDeleteOrg(w http.ResponseWriter, r *http.Request) {
	org := s.state.Orgs[r.PathValue("orgId")]
	switch {
	case org == nil:
		writeError(w, "application/json", http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID "+r.PathValue("orgId")+" exists.")
		return
	case org.Paying:
		writeError(w, "application/json", http.StatusBadRequest, "CANNOT_DELETE_PAYING_ORG", "Organization "+org.ID+" pays for others and cannot be deleted here.")
		return
	}
	for _, p := range s.state.Projects {
		if p.OrgID == org.ID {
			writeError(w, "application/json", http.StatusConflict, "CANNOT_DELETE_ORG_ACTIVE_PROJECTS", "Organization "+org.ID+" still has projects; delete them first.")
			return
		}
	}
	delete(s.state.Orgs, org.ID)
	w.WriteHeader(http.StatusNoContent)
}

// consoleAccept accepts an invitation to an organization as the invited
// person does in Atlas, which no credential of the Admin API can do: the
// membership becomes ACTIVE, the person has an account, and from then on the
// deprecated 2023-01-01 listings show them. {user} is the user ID or the
// username.
func (s *Server) consoleAccept(w http.ResponseWriter, r *http.Request) {
	org, u := s.consoleMember(w, r)
	switch {
	case u == nil:
		return
	case u.Status == statusPending && !s.now().Before(u.InvitationExpiresAt):
		writeError(w, "application/json", http.StatusBadRequest, "INVITATION_EXPIRED", "The invitation of "+u.Username+" to organization "+org.ID+" has expired; invite them again.")
		return
	case u.Status == statusPending:
		s.accept(u)
	}
	_ = writeJSON(w, http.StatusOK, s.orgUserJSON(org, u))
}

// consoleRemoveUser removes a person from an organization as its
// Organization Owner does in the UI (Access Manager, Users), under Atlas'
// rule that its last Organization Owner stays. {user} is the user ID or the
// username. status advises it for a person the code does not list.
func (s *Server) consoleRemoveUser(w http.ResponseWriter, r *http.Request) {
	org, u := s.consoleMember(w, r)
	switch {
	case u == nil:
		return
	case slices.Contains(u.OrgRoles, "ORG_OWNER") && s.lastOwner(org, u):
		writeError(w, "application/json", http.StatusBadRequest, "LAST_ORG_OWNER", "User "+u.Username+" is the last Organization Owner of organization "+org.ID+" and cannot leave it.")
		return
	}
	s.leave(org, s.materializeOwner(org, u))
	w.WriteHeader(http.StatusNoContent)
}

// consoleDeleteTeam deletes a team as its organization's Organization Owner
// does in the UI (Access Manager, Teams), under Atlas' rule that a team with
// access to a project stays. {team} is the team ID or its name. status
// advises it for a team the code does not list.
func (s *Server) consoleDeleteTeam(w http.ResponseWriter, r *http.Request) {
	org := s.consoleOrg(w, r)
	if org == nil {
		return
	}
	which := r.PathValue("team")
	t := org.Teams[which]
	for _, other := range org.Teams {
		if t == nil && strings.EqualFold(other.Name, which) {
			t = other
		}
	}
	if t == nil {
		writeError(w, "application/json", http.StatusNotFound, "TEAM_NOT_FOUND", "No team with ID or name "+which+" exists in organization "+org.ID+".")
		return
	}
	for _, p := range s.state.Projects {
		if _, assigned := p.Teams[t.ID]; assigned && p.OrgID == org.ID {
			writeError(w, "application/json", http.StatusConflict, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT", "Team "+t.ID+" still has access to project "+p.ID+"; remove it first.")
			return
		}
	}
	delete(org.Teams, t.ID)
	w.WriteHeader(http.StatusNoContent)
}

// consoleCreateServiceAccount makes a service account in an organization as
// its Organization Owner does in the UI (Access Manager, Applications,
// Service Accounts), under Atlas' rules, and shows its one secret, as the UI
// does once. A stack whose own credential was deleted, or expired, takes it
// over (serviceAccount.takeOver): no credential the stack holds can make it.
func (s *Server) consoleCreateServiceAccount(w http.ResponseWriter, r *http.Request) {
	org := s.consoleOrg(w, r)
	if org == nil {
		return
	}
	var req credentialRequest
	if e := decode(r, &req); e != nil {
		writeError(w, "application/json", e.status, e.code, e.detail)
		return
	}
	sa, secret, e := s.newServiceAccount(org, &req)
	if e != nil {
		writeError(w, "application/json", e.status, e.code, e.detail)
		return
	}
	org.ServiceAccounts[sa.ClientID] = sa
	_ = writeJSON(w, http.StatusCreated, serviceAccountJSON(sa, secret))
}

// consoleOrg is the organization {orgId}; nil, answered 404, when there is none.
func (s *Server) consoleOrg(w http.ResponseWriter, r *http.Request) *Org {
	org := s.state.Orgs[r.PathValue("orgId")]
	if org == nil {
		writeError(w, "application/json", http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID "+r.PathValue("orgId")+" exists.")
	}
	return org
}

// consoleMember is the person {user} (user ID or username) of the
// organization {orgId}, invited or active; a nil person, answered 404, when
// there is none.
func (s *Server) consoleMember(w http.ResponseWriter, r *http.Request) (*Org, *OrgUser) {
	org := s.consoleOrg(w, r)
	if org == nil {
		return nil, nil
	}
	who := r.PathValue("user")
	u := s.member(org, who)
	if u == nil {
		u = s.memberNamed(org, who)
	}
	if u == nil {
		writeError(w, "application/json", http.StatusNotFound, "USER_NOT_FOUND", "No one with ID or username "+who+" is in, or invited to, organization "+org.ID+".")
	}
	return org, u
}

// consoleMarkNonCompliant marks the cluster {clusterName} of project
// {groupId} as breaking the resource policy {resourcePolicyId} of the
// project's organization, which GET /orgs/{orgId}/nonCompliantResources
// then reports: a stand-in for a cluster made before the policy, which
// Atlas does not change but reports. atlas-local runs no clusters, so the
// mark is all there is of it (the project's cluster list stays empty).
func (s *Server) consoleMarkNonCompliant(w http.ResponseWriter, r *http.Request) {
	p := s.state.Projects[r.PathValue("groupId")]
	if p == nil {
		writeError(w, "application/json", http.StatusNotFound, "GROUP_NOT_FOUND", "No project with ID "+r.PathValue("groupId")+" exists.")
		return
	}
	policyID := r.PathValue("resourcePolicyId")
	if s.state.Orgs[p.OrgID].ResourcePolicies[policyID] == nil {
		writeError(w, "application/json", http.StatusNotFound, "RESOURCE_POLICY_NOT_FOUND", "No resource policy with ID "+policyID+" exists in organization "+p.OrgID+".")
		return
	}
	name := r.PathValue("clusterName")
	if p.NonCompliantClusters == nil {
		p.NonCompliantClusters = map[string]*NonCompliantCluster{}
	}
	cluster := p.NonCompliantClusters[name]
	if cluster == nil {
		cluster = &NonCompliantCluster{ID: newID()}
		p.NonCompliantClusters[name] = cluster
	}
	if !slices.Contains(cluster.ResourcePolicyIDs, policyID) {
		cluster.ResourcePolicyIDs = append(cluster.ResourcePolicyIDs, policyID)
	}
	_ = writeJSON(w, http.StatusOK, map[string]any{"groupId": p.ID, "clusterName": name, "clusterId": cluster.ID, "resourcePolicyIds": cluster.ResourcePolicyIDs})
}

// consoleClearNonCompliant makes the cluster {clusterName} of project
// {groupId} compliant again, as changing it to fit the policies would.
func (s *Server) consoleClearNonCompliant(w http.ResponseWriter, r *http.Request) {
	p := s.state.Projects[r.PathValue("groupId")]
	name := r.PathValue("clusterName")
	if p == nil || p.NonCompliantClusters[name] == nil {
		writeError(w, "application/json", http.StatusNotFound, "CLUSTER_NOT_FOUND", "No cluster "+name+" of project "+r.PathValue("groupId")+" is marked non-compliant.")
		return
	}
	delete(p.NonCompliantClusters, name)
	w.WriteHeader(http.StatusNoContent)
}

// consoleClearNonCompliantResource makes the cluster whose ID is
// {resourceId} compliant again, as consoleClearNonCompliant does: GET
// /orgs/{orgId}/nonCompliantResources names a resource by its organization,
// ID and name, not its project, so this is how status's advice names it.
func (s *Server) consoleClearNonCompliantResource(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("resourceId")
	for _, p := range s.state.Projects {
		for name, cluster := range p.NonCompliantClusters {
			if cluster.ID == id {
				delete(p.NonCompliantClusters, name)
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
	}
	writeError(w, "application/json", http.StatusNotFound, "CLUSTER_NOT_FOUND", "No cluster with ID "+id+" is marked non-compliant.")
}
