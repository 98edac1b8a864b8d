package localapi

import (
	"net/http"
	"regexp"
	"slices"
)

var (
	hexID    = regexp.MustCompile(`^[a-f0-9]{24}$`)
	orgName  = regexp.MustCompile(`^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`)
	orgRoles = []string{"ORG_OWNER", "ORG_MEMBER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN", "ORG_BILLING_READ_ONLY", "ORG_STREAM_PROCESSING_ADMIN", "ORG_READ_ONLY"}
)

// Organizations: the specification's "Organizations" family.

func (s *Server) org(r *http.Request, caller *principal, owner bool) (*Org, *apiError) {
	org, e := find(s.state.Orgs, r.PathValue("orgId"), "ORG_NOT_FOUND", "No organization with ID %s exists.")
	if e != nil {
		return nil, e
	}
	if owner && !caller.isOwner(org) || !caller.isMember(org) {
		return nil, fail(http.StatusForbidden, "USER_UNAUTHORIZED", "The credential needs the Organization Owner role in organization %s for this call.", org.ID)
	}
	return org, nil
}

func orgJSON(o *Org) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "isDeleted": false, "skipDefaultAlertsSettings": o.SkipDefaultAlertsSettings, "links": []any{}}
}

// listOrgs lists "all organizations to which the requesting Service Account
// or API Key has access", as the specification says: a credential's own,
// then those a seeded state gave it besides (ServiceAccount.OtherOrgIDs),
// which are atlas-local's reading of a credential that sees several, for the
// tools that page through them. Organizations a paying organization is
// linked to are not among them (getOrg).
func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	var all []map[string]any
	for _, org := range caller.orgs() {
		all = append(all, orgJSON(org))
	}
	return page(w, r, all)
}

// getOrg answers members, and also the Organization Owners of the paying
// organization an organization is linked to: cross-organization billing
// shows a paying organization's owners the organizations they pay for. That
// is what lets them find an organization whose credential was lost with the
// answer that created it (atlas-multiorg orphans). It is atlas-local's
// reading of Atlas, not checked against Atlas: there, a 403 leaves the name
// unknown and the tools say so.
func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	if org := s.state.Orgs[r.PathValue("orgId")]; org != nil && org.PayingOrgID != "" && caller.isOwner(s.state.Orgs[org.PayingOrgID]) {
		return writeJSON(w, http.StatusOK, orgJSON(org))
	}
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, orgJSON(org))
}

type credentialRequest struct {
	Name                    string   `json:"name"`
	Description             string   `json:"description"`
	Desc                    string   `json:"desc"`
	Roles                   []string `json:"roles"`
	SecretExpiresAfterHours int      `json:"secretExpiresAfterHours"`
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	var req struct {
		Name                      string             `json:"name"`
		OrgOwnerID                string             `json:"orgOwnerId"`
		FederationSettingsID      string             `json:"federationSettingsId"`
		SkipDefaultAlertsSettings bool               `json:"skipDefaultAlertsSettings"`
		APIKey                    *credentialRequest `json:"apiKey"`
		ServiceAccount            *credentialRequest `json:"serviceAccount"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	switch {
	case !caller.org.Paying:
		return fail(http.StatusForbidden, "NOT_PAYING_ORGANIZATION", "Organization %s is not a paying organization; only a paying organization's credentials can create organizations.", caller.org.ID)
	case !caller.isOwner(caller.org):
		return fail(http.StatusForbidden, "USER_UNAUTHORIZED", "Creating an organization needs the Organization Owner role.")
	case !orgName.MatchString(req.Name):
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute name specified.")
	case req.OrgOwnerID != "" && !hexID.MatchString(req.OrgOwnerID):
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute orgOwnerId specified.")
	case req.OrgOwnerID == "" && caller.kind == "apiKey":
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute orgOwnerId was not specified.")
	case req.APIKey != nil && req.ServiceAccount != nil:
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "An organization can be created with an API key or a service account, not both.")
	case req.APIKey != nil && !slices.Contains(req.APIKey.Roles, "ORG_OWNER"):
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "The API key of a new organization must have the ORG_OWNER role.")
	}
	if e := s.checkOrgOwner(caller.org, req.OrgOwnerID); e != nil {
		return e
	}
	org := &Org{ID: newID(), Name: req.Name, PayingOrgID: caller.org.ID, OwnerID: req.OrgOwnerID, SkipDefaultAlertsSettings: req.SkipDefaultAlertsSettings,
		Settings: Settings{GenAIFeaturesEnabled: true}, ServiceAccounts: map[string]*ServiceAccount{}, APIKeys: map[string]*APIKey{}}
	resp := map[string]any{"organization": orgJSON(org), "skipDefaultAlertsSettings": req.SkipDefaultAlertsSettings}
	if req.OrgOwnerID != "" {
		resp["orgOwnerId"] = req.OrgOwnerID
	}
	if req.FederationSettingsID != "" {
		resp["federationSettingsId"] = req.FederationSettingsID
	}
	if c := req.ServiceAccount; c != nil {
		sa, secret, e := s.newServiceAccount(nil, c)
		if e != nil {
			return e
		}
		org.ServiceAccounts[sa.ClientID] = sa
		resp["serviceAccount"] = serviceAccountJSON(sa, secret)
	}
	if c := req.APIKey; c != nil {
		key, e := newAPIKey(c)
		if e != nil {
			return e
		}
		org.APIKeys[key.ID] = key
		resp["apiKey"] = apiKeyJSON(org, key, true)
	}
	s.state.Orgs[org.ID] = org
	return writeJSON(w, http.StatusCreated, resp)
}

// checkOrgOwner refuses an orgOwnerId that names no MongoDB Cloud user, and
// one who is not an active member of the caller's organization: the
// specification says the new owner "must be a member of the same
// organization as the calling API key".
func (s *Server) checkOrgOwner(callerOrg *Org, ownerID string) *apiError {
	if ownerID == "" {
		return nil
	}
	if s.state.People[ownerID] == nil {
		return fail(http.StatusNotFound, "USER_NOT_FOUND", "No user with ID %s exists.", ownerID)
	}
	if u := s.member(callerOrg, ownerID); u == nil || u.Status != statusActive {
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute orgOwnerId specified: user %s is not an active member of organization %s.", ownerID, callerOrg.ID)
	}
	return nil
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Name                      *string `json:"name"`
		SkipDefaultAlertsSettings *bool   `json:"skipDefaultAlertsSettings"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if req.Name != nil {
		if !orgName.MatchString(*req.Name) {
			return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute name specified.")
		}
		org.Name = *req.Name
	}
	if req.SkipDefaultAlertsSettings != nil {
		org.SkipDefaultAlertsSettings = *req.SkipDefaultAlertsSettings
	}
	return writeJSON(w, http.StatusOK, orgJSON(org))
}

func (s *Server) deleteOrg(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	if org.Paying {
		return fail(http.StatusBadRequest, "CANNOT_DELETE_PAYING_ORG", "Organization %s pays for others and cannot be deleted here.", org.ID)
	}
	for _, p := range s.state.Projects {
		if p.OrgID == org.ID {
			return fail(http.StatusConflict, "CANNOT_DELETE_ORG_ACTIVE_PROJECTS", "Organization %s still has projects; delete them first.", org.ID)
		}
	}
	delete(s.state.Orgs, org.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
