package localapi

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Service Accounts: organization service accounts, their secrets, and their
// project assignments.

// newServiceAccount makes a service account of org (nil for an
// organization being created with it) as c asks.
func (s *Server) newServiceAccount(org *Org, c *credentialRequest) (*ServiceAccount, *Secret, *apiError) {
	switch {
	case c.Name == "" || len(c.Name) > 64:
		return nil, nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute name specified.")
	case c.Description == "" || len(c.Description) > 250:
		return nil, nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute description specified.")
	}
	if e := secretLifetimeAllowed(org, c.SecretExpiresAfterHours); e != nil {
		return nil, nil, e
	}
	if e := checkRoles(c.Roles); e != nil {
		return nil, nil, e
	}
	now := s.now().UTC().Truncate(time.Second)
	sa := &ServiceAccount{ClientID: "mdb_sa_id_" + newID(), Name: c.Name, Description: c.Description, Roles: c.Roles, CreatedAt: now}
	secret := s.newSecret(c.SecretExpiresAfterHours)
	sa.Secrets = []*Secret{secret}
	return sa, secret, nil
}

func (s *Server) newSecret(hours int) *Secret {
	now := s.now().UTC().Truncate(time.Second)
	sec := &Secret{ID: newID(), CreatedAt: now, ExpiresAt: now.Add(time.Duration(hours) * time.Hour)}
	sec.set("mdb_sa_sk_" + randomHex(24))
	return sec
}

func checkRoles(roles []string) *apiError {
	if len(roles) == 0 {
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute roles was not specified.")
	}
	for _, role := range roles {
		if !slices.Contains(orgRoles, role) {
			return fail(http.StatusBadRequest, "INVALID_ROLE", "Role %s is not an organization role.", role)
		}
	}
	return nil
}

// secretJSON shows a secret: reveal, in the answer that creates it, shows
// its value and, as Atlas does, no masked value (the provider's
// ServiceAccountSecret expects none there); every later read shows only the
// masked value.
func secretJSON(sec *Secret, reveal bool) map[string]any {
	j := map[string]any{"id": sec.ID, "createdAt": sec.CreatedAt.Format(time.RFC3339), "expiresAt": sec.ExpiresAt.Format(time.RFC3339)}
	if reveal {
		j["secret"] = sec.clear
	} else {
		j["maskedSecretValue"] = maskedSecret(sec)
	}
	return j
}

// maskedSecret is how Atlas shows a secret after it was created: its prefix
// and last four characters.
func maskedSecret(sec *Secret) string { return "mdb_sa_sk_..." + sec.Last4 }

// serviceAccountJSON shows the service account; only reveal's secret value,
// the one just created with it, is shown in full, beside its masked value:
// the provider's ServiceAccount reads both from the answer that creates it.
func serviceAccountJSON(sa *ServiceAccount, reveal *Secret) map[string]any {
	secrets := []any{}
	for _, sec := range sa.Secrets {
		j := secretJSON(sec, false)
		if sec == reveal {
			j["secret"] = sec.clear
		}
		secrets = append(secrets, j)
	}
	return map[string]any{"clientId": sa.ClientID, "name": sa.Name, "description": sa.Description, "roles": sa.Roles,
		"createdAt": sa.CreatedAt.Format(time.RFC3339), "secrets": secrets}
}

func (s *Server) serviceAccount(r *http.Request, caller *principal, owner bool) (*Org, *ServiceAccount, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	sa, e := find(org.ServiceAccounts, r.PathValue("clientId"), "SERVICE_ACCOUNT_NOT_FOUND", "Service account %s not found.")
	return org, sa, e
}

func (s *Server) listOrgServiceAccounts(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	var all []map[string]any
	for _, id := range sortedKeys(org.ServiceAccounts) {
		all = append(all, serviceAccountJSON(org.ServiceAccounts[id], nil))
	}
	return page(w, r, all)
}

func (s *Server) createOrgServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req credentialRequest
	if e := decode(r, &req); e != nil {
		return e
	}
	sa, secret, e := s.newServiceAccount(org, &req)
	if e != nil {
		return e
	}
	org.ServiceAccounts[sa.ClientID] = sa
	return writeJSON(w, http.StatusCreated, serviceAccountJSON(sa, secret))
}

func (s *Server) getOrgServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	_, sa, e := s.serviceAccount(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, serviceAccountJSON(sa, nil))
}

func (s *Server) updateOrgServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	_, sa, e := s.serviceAccount(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Name        *string  `json:"name"`
		Description *string  `json:"description"`
		Roles       []string `json:"roles"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if req.Roles != nil {
		if e := checkRoles(req.Roles); e != nil {
			return e
		}
		sa.Roles = req.Roles
	}
	if req.Name != nil {
		sa.Name = *req.Name
	}
	if req.Description != nil {
		sa.Description = *req.Description
	}
	return writeJSON(w, http.StatusOK, serviceAccountJSON(sa, nil))
}

func (s *Server) deleteOrgServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, sa, e := s.serviceAccount(r, caller, true)
	if e != nil {
		return e
	}
	delete(org.ServiceAccounts, sa.ClientID)
	for _, p := range s.state.Projects {
		delete(p.Assignments, sa.ClientID)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) createOrgSecret(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, sa, e := s.serviceAccount(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		SecretExpiresAfterHours int `json:"secretExpiresAfterHours"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if e := secretLifetimeAllowed(org, req.SecretExpiresAfterHours); e != nil {
		return e
	}
	secret := s.newSecret(req.SecretExpiresAfterHours)
	sa.Secrets = append(sa.Secrets, secret)
	return writeJSON(w, http.StatusCreated, secretJSON(secret, true))
}

func (s *Server) deleteOrgSecret(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	_, sa, e := s.serviceAccount(r, caller, true)
	if e != nil {
		return e
	}
	i := slices.IndexFunc(sa.Secrets, func(sec *Secret) bool { return sec.ID == r.PathValue("secretId") })
	if i < 0 {
		return fail(http.StatusNotFound, "SERVICE_ACCOUNT_SECRET_NOT_FOUND", "Secret %s not found.", r.PathValue("secretId"))
	}
	sa.Secrets = slices.Delete(sa.Secrets, i, i+1)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) groupServiceAccount(r *http.Request, caller *principal, clientID string, owner bool) (*Project, *ServiceAccount, *apiError) {
	p, e := s.group(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	sa, ok := s.state.Orgs[p.OrgID].ServiceAccounts[clientID]
	if !ok {
		return nil, nil, fail(http.StatusNotFound, "SERVICE_ACCOUNT_NOT_FOUND", "Service account %s not found in the project's organization.", clientID)
	}
	return p, sa, nil
}

func groupServiceAccountJSON(p *Project, sa *ServiceAccount) map[string]any {
	j := serviceAccountJSON(sa, nil)
	j["roles"] = p.Assignments[sa.ClientID]
	return j
}

func (s *Server) inviteGroupServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	clientID, ok := strings.CutSuffix(r.PathValue("clientIdInvite"), ":invite")
	if !ok {
		return fail(http.StatusNotFound, "RESOURCE_NOT_FOUND", "No such resource.")
	}
	return s.assignGroupServiceAccount(w, r, caller, clientID)
}

// assignGroupServiceAccount gives the service account clientID the request's
// project roles, for an invite and an update alike.
func (s *Server) assignGroupServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal, clientID string) *apiError {
	p, sa, e := s.groupServiceAccount(r, caller, clientID, true)
	if e != nil {
		return e
	}
	roles, e := roleNames(r)
	if e != nil {
		return e
	}
	p.Assignments[sa.ClientID] = roles
	return writeJSON(w, http.StatusOK, groupServiceAccountJSON(p, sa))
}

func (s *Server) getGroupServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, sa, e := s.groupServiceAccount(r, caller, r.PathValue("clientId"), false)
	if e != nil {
		return e
	}
	if _, assigned := p.Assignments[sa.ClientID]; !assigned {
		return fail(http.StatusNotFound, "SERVICE_ACCOUNT_NOT_FOUND", "Service account %s is not assigned to project %s.", sa.ClientID, p.ID)
	}
	return writeJSON(w, http.StatusOK, groupServiceAccountJSON(p, sa))
}

func (s *Server) updateGroupServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	return s.assignGroupServiceAccount(w, r, caller, r.PathValue("clientId"))
}

func (s *Server) deleteGroupServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, sa, e := s.groupServiceAccount(r, caller, r.PathValue("clientId"), true)
	if e != nil {
		return e
	}
	delete(p.Assignments, sa.ClientID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listServiceAccountGroups is GET /orgs/{orgId}/serviceAccounts/{clientId}/groups:
// the projects the service account is assigned to, with its roles there
// (ServiceAccountGroup).
func (s *Server) listServiceAccountGroups(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, sa, e := s.serviceAccount(r, caller, false)
	if e != nil {
		return e
	}
	all := []map[string]any{}
	for _, id := range sortedKeys(s.state.Projects) {
		if p := s.state.Projects[id]; p.OrgID == org.ID {
			if roles, assigned := p.Assignments[sa.ClientID]; assigned {
				all = append(all, map[string]any{"groupId": p.ID, "roles": roles})
			}
		}
	}
	return page(w, r, all)
}
