package localapi

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// The console stands in for what a person does in the Atlas UI, signed in
// as an organization's Organization Owner: see every organization, and
// delete one; and for what an invited person does: accept the invitation. Atlas' Admin API cannot do that for an organization whose
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
	org := s.state.Orgs[r.PathValue("orgId")]
	if org == nil {
		writeError(w, "application/json", http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID "+r.PathValue("orgId")+" exists.")
		return
	}
	who := r.PathValue("user")
	u := s.member(org, who)
	if u == nil {
		u = s.memberNamed(org, who)
	}
	switch {
	case u == nil:
		writeError(w, "application/json", http.StatusNotFound, "USER_NOT_FOUND", "No one with ID or username "+who+" is invited to organization "+org.ID+".")
		return
	case u.Status == statusPending && !s.now().Before(u.InvitationExpiresAt):
		writeError(w, "application/json", http.StatusBadRequest, "INVITATION_EXPIRED", "The invitation of "+u.Username+" to organization "+org.ID+" has expired; invite them again.")
		return
	case u.Status == statusPending:
		s.accept(u)
	}
	_ = writeJSON(w, http.StatusOK, s.orgUserJSON(org, u))
}
