package localapi

import (
	"net/http"
	"strings"
)

// Programmatic API Keys: organization API keys and their project assignments.

func newAPIKey(c *credentialRequest) (*APIKey, *apiError) {
	if c.Desc == "" || len(c.Desc) > 250 {
		return nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute desc specified.")
	}
	if e := checkRoles(c.Roles); e != nil {
		return nil, e
	}
	k := &APIKey{ID: newID(), Description: c.Desc, PublicKey: randomHex(4), Roles: c.Roles}
	k.setPrivateKey(strings.Join([]string{randomHex(4), randomHex(2), randomHex(2), randomHex(2), randomHex(6)}, "-"))
	return k, nil
}

func apiKeyJSON(org *Org, k *APIKey, reveal bool) map[string]any {
	roles := []any{}
	for _, r := range k.Roles {
		roles = append(roles, map[string]any{"orgId": org.ID, "roleName": r})
	}
	private := "********-****-****-" + k.PrivateKeyTail
	if reveal {
		private = k.clear
	}
	return map[string]any{"id": k.ID, "desc": k.Description, "publicKey": k.PublicKey, "privateKey": private, "roles": roles, "links": []any{}}
}

func (s *Server) apiKey(r *http.Request, caller *principal, owner bool) (*Org, *APIKey, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	k, e := find(org.APIKeys, r.PathValue("apiUserId"), "API_KEY_NOT_FOUND", "API key %s not found.")
	return org, k, e
}

func (s *Server) listOrgApiKeys(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	var all []map[string]any
	for _, id := range sortedKeys(org.APIKeys) {
		all = append(all, apiKeyJSON(org, org.APIKeys[id], false))
	}
	return page(w, r, all)
}

func (s *Server) createOrgApiKey(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req credentialRequest
	if e := decode(r, &req); e != nil {
		return e
	}
	k, e := newAPIKey(&req)
	if e != nil {
		return e
	}
	org.APIKeys[k.ID] = k
	return writeJSON(w, http.StatusOK, apiKeyJSON(org, k, true))
}

func (s *Server) getOrgApiKey(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, k, e := s.apiKey(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, apiKeyJSON(org, k, false))
}

func (s *Server) updateOrgApiKey(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, k, e := s.apiKey(r, caller, true)
	if e != nil {
		return e
	}
	var req credentialRequest
	if e := decode(r, &req); e != nil {
		return e
	}
	if req.Roles != nil {
		if e := checkRoles(req.Roles); e != nil {
			return e
		}
		k.Roles = req.Roles
	}
	if req.Desc != "" {
		k.Description = req.Desc
	}
	return writeJSON(w, http.StatusOK, apiKeyJSON(org, k, false))
}

func (s *Server) deleteOrgApiKey(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, k, e := s.apiKey(r, caller, true)
	if e != nil {
		return e
	}
	delete(org.APIKeys, k.ID)
	for _, p := range s.state.Projects {
		delete(p.Assignments, k.ID)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) groupAPIKey(r *http.Request, caller *principal, owner bool) (*Project, *Org, *APIKey, *apiError) {
	p, e := s.group(r, caller, owner)
	if e != nil {
		return nil, nil, nil, e
	}
	org := s.state.Orgs[p.OrgID]
	k, e := find(org.APIKeys, r.PathValue("apiUserId"), "API_KEY_NOT_FOUND", "API key %s not found in the project's organization.")
	return p, org, k, e
}

func groupAPIKeyJSON(p *Project, org *Org, k *APIKey) map[string]any {
	j := apiKeyJSON(org, k, false)
	roles := []any{}
	for _, role := range p.Assignments[k.ID] {
		roles = append(roles, map[string]any{"groupId": p.ID, "roleName": role})
	}
	j["roles"] = roles
	return j
}

func (s *Server) listGroupApiKeys(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	org := s.state.Orgs[p.OrgID]
	var all []map[string]any
	for _, id := range sortedKeys(org.APIKeys) {
		if _, assigned := p.Assignments[id]; assigned {
			all = append(all, groupAPIKeyJSON(p, org, org.APIKeys[id]))
		}
	}
	return page(w, r, all)
}

func (s *Server) addGroupApiKey(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, org, k, e := s.groupAPIKey(r, caller, true)
	if e != nil {
		return e
	}
	// The body is a list of UserAccessRoleAssignment, {roles: [...]} each;
	// provider 4.14.0 sends one (measured).
	var req []struct {
		Roles []string `json:"roles"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	var roles []string
	for _, x := range req {
		roles = append(roles, x.Roles...)
	}
	if e := checkProjectRoles(roles); e != nil {
		return e
	}
	p.Assignments[k.ID] = roles
	return writeJSON(w, http.StatusOK, groupAPIKeyJSON(p, org, k))
}

func (s *Server) updateApiKeyRoles(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, org, k, e := s.groupAPIKey(r, caller, true)
	if e != nil {
		return e
	}
	roles, e := roleNames(r)
	if e != nil {
		return e
	}
	p.Assignments[k.ID] = roles
	return writeJSON(w, http.StatusOK, groupAPIKeyJSON(p, org, k))
}

func (s *Server) removeGroupApiKey(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, _, k, e := s.groupAPIKey(r, caller, true)
	if e != nil {
		return e
	}
	delete(p.Assignments, k.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
