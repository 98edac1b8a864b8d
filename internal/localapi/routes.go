package localapi

import (
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

var (
	hexID    = regexp.MustCompile(`^[a-f0-9]{24}$`)
	orgName  = regexp.MustCompile(`^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`)
	orgRoles = []string{"ORG_OWNER", "ORG_MEMBER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN", "ORG_BILLING_READ_ONLY", "ORG_STREAM_PROCESSING_ADMIN", "ORG_READ_ONLY"}
)

func (s *Server) routes() {
	m := http.NewServeMux()
	const v2 = "/api/atlas/v2"
	orgs, sas := MediaTypeOrgs, MediaTypeServiceAccounts
	m.HandleFunc("POST /api/oauth/token", s.token)
	m.HandleFunc("POST /api/oauth/revoke", s.revoke)

	m.HandleFunc("GET "+v2+"/orgs", s.api(orgs, s.listOrgs))
	m.HandleFunc("POST "+v2+"/orgs", s.api(orgs, s.createOrg))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}", s.api(orgs, s.getOrg))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}", s.api(orgs, s.updateOrg))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}", s.api(orgs, s.deleteOrg))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/settings", s.api(orgs, s.getOrgSettings))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/settings", s.api(orgs, s.updateOrgSettings))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts", s.api(sas, s.listOrgServiceAccounts))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/serviceAccounts", s.api(sas, s.createOrgServiceAccount))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}", s.api(sas, s.getOrgServiceAccount))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}", s.api(sas, s.updateOrgServiceAccount))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}", s.api(sas, s.deleteOrgServiceAccount))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/secrets", s.api(sas, s.createOrgSecret))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}", s.api(sas, s.deleteOrgSecret))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/accessList", s.api(sas, s.listAccessList(s.serviceAccountAccessList)))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/accessList", s.api(sas, s.createAccessList(s.serviceAccountAccessList)))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}", s.api(sas, s.deleteAccessListEntry(s.serviceAccountAccessList)))

	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys", s.api(orgs, s.listOrgApiKeys))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/apiKeys", s.api(orgs, s.createOrgApiKey))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}", s.api(orgs, s.getOrgApiKey))
	m.HandleFunc("PATCH "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}", s.api(orgs, s.updateOrgApiKey))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}", s.api(orgs, s.deleteOrgApiKey))
	m.HandleFunc("GET "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList", s.api(orgs, s.listAccessList(s.apiKeyAccessList)))
	m.HandleFunc("POST "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList", s.api(orgs, s.createAccessList(s.apiKeyAccessList)))
	m.HandleFunc("DELETE "+v2+"/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}", s.api(orgs, s.deleteAccessListEntry(s.apiKeyAccessList)))

	m.HandleFunc("GET "+v2+"/groups", s.api(orgs, s.listGroups))
	m.HandleFunc("POST "+v2+"/groups", s.api(orgs, s.createGroup))
	m.HandleFunc("GET "+v2+"/groups/{groupId}", s.api(orgs, s.getGroup))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}", s.api(orgs, s.deleteGroup))
	// Go's patterns match whole segments, so {clientId}:invite arrives as one.
	m.HandleFunc("POST "+v2+"/groups/{groupId}/serviceAccounts/{clientIdInvite}", s.api(sas, s.inviteGroupServiceAccount))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/serviceAccounts/{clientId}", s.api(sas, s.getGroupServiceAccount))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}/serviceAccounts/{clientId}", s.api(sas, s.updateGroupServiceAccount))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}/serviceAccounts/{clientId}", s.api(sas, s.deleteGroupServiceAccount))
	m.HandleFunc("GET "+v2+"/groups/{groupId}/apiKeys", s.api(orgs, s.listGroupApiKeys))
	m.HandleFunc("POST "+v2+"/groups/{groupId}/apiKeys/{apiUserId}", s.api(orgs, s.addGroupApiKey))
	m.HandleFunc("PATCH "+v2+"/groups/{groupId}/apiKeys/{apiUserId}", s.api(orgs, s.updateApiKeyRoles))
	m.HandleFunc("DELETE "+v2+"/groups/{groupId}/apiKeys/{apiUserId}", s.api(orgs, s.removeGroupApiKey))
	s.mux = m
}

// --- organizations ---

func (s *Server) org(r *http.Request, caller *principal, owner bool) (*Org, *apiError) {
	org, ok := s.state.Orgs[r.PathValue("orgId")]
	if !ok {
		return nil, fail(http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID %s exists.", r.PathValue("orgId"))
	}
	if owner && !caller.isOwner(org) || !caller.isMember(org) {
		return nil, fail(http.StatusForbidden, "USER_UNAUTHORIZED", "The credential needs the Organization Owner role in organization %s for this call.", org.ID)
	}
	return org, nil
}

func orgJSON(o *Org) map[string]any {
	return map[string]any{"id": o.ID, "name": o.Name, "isDeleted": false, "skipDefaultAlertsSettings": o.SkipDefaultAlertsSettings, "links": []any{}}
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	return page(w, r, []map[string]any{orgJSON(caller.org)})
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
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
	org := &Org{ID: newID(), Name: req.Name, PayingOrgID: caller.org.ID, OwnerID: req.OrgOwnerID, SkipDefaultAlertsSettings: req.SkipDefaultAlertsSettings,
		Settings: Settings{GenAIFeaturesEnabled: true}, ServiceAccounts: map[string]*ServiceAccount{}, APIKeys: map[string]*APIKey{}}
	resp := map[string]any{"organization": orgJSON(org), "orgOwnerId": req.OrgOwnerID, "skipDefaultAlertsSettings": req.SkipDefaultAlertsSettings}
	if req.FederationSettingsID != "" {
		resp["federationSettingsId"] = req.FederationSettingsID
	}
	if c := req.ServiceAccount; c != nil {
		sa, secret, e := s.newServiceAccount(c)
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

func (s *Server) getOrgSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, org.Settings)
}

func (s *Server) updateOrgSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		APIAccessListRequired   *bool   `json:"apiAccessListRequired"`
		GenAIFeaturesEnabled    *bool   `json:"genAIFeaturesEnabled"`
		MultiFactorAuthRequired *bool   `json:"multiFactorAuthRequired"`
		RestrictEmployeeAccess  *bool   `json:"restrictEmployeeAccess"`
		SecurityContact         *string `json:"securityContact"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	set := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	set(&org.Settings.APIAccessListRequired, req.APIAccessListRequired)
	set(&org.Settings.GenAIFeaturesEnabled, req.GenAIFeaturesEnabled)
	set(&org.Settings.MultiFactorAuthRequired, req.MultiFactorAuthRequired)
	set(&org.Settings.RestrictEmployeeAccess, req.RestrictEmployeeAccess)
	if req.SecurityContact != nil {
		org.Settings.SecurityContact = *req.SecurityContact
	}
	return writeJSON(w, http.StatusOK, org.Settings)
}

// --- service accounts ---

func (s *Server) newServiceAccount(c *credentialRequest) (*ServiceAccount, *Secret, *apiError) {
	switch {
	case c.Name == "" || len(c.Name) > 64:
		return nil, nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute name specified.")
	case c.Description == "" || len(c.Description) > 250:
		return nil, nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute description specified.")
	case c.SecretExpiresAfterHours < 8 || c.SecretExpiresAfterHours > 8760:
		return nil, nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "secretExpiresAfterHours must be between 8 and 8760.")
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
	return &Secret{ID: newID(), Value: "mdb_sa_sk_" + randomHex(24), CreatedAt: now, ExpiresAt: now.Add(time.Duration(hours) * time.Hour)}
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

func secretJSON(sec *Secret, reveal bool) map[string]any {
	j := map[string]any{"id": sec.ID, "createdAt": sec.CreatedAt.Format(time.RFC3339), "expiresAt": sec.ExpiresAt.Format(time.RFC3339),
		"maskedSecretValue": "mdb_sa_sk_..." + sec.Value[len(sec.Value)-4:]}
	if reveal {
		j["secret"] = sec.Value
	}
	return j
}

// serviceAccountJSON shows the service account; only reveal's secret value,
// the one just created, is shown in full.
func serviceAccountJSON(sa *ServiceAccount, reveal *Secret) map[string]any {
	secrets := []any{}
	for _, sec := range sa.Secrets {
		secrets = append(secrets, secretJSON(sec, sec == reveal))
	}
	return map[string]any{"clientId": sa.ClientID, "name": sa.Name, "description": sa.Description, "roles": sa.Roles,
		"createdAt": sa.CreatedAt.Format(time.RFC3339), "secrets": secrets}
}

func (s *Server) serviceAccount(r *http.Request, caller *principal, owner bool) (*Org, *ServiceAccount, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	sa, ok := org.ServiceAccounts[r.PathValue("clientId")]
	if !ok {
		return nil, nil, fail(http.StatusNotFound, "SERVICE_ACCOUNT_NOT_FOUND", "Service account %s not found.", r.PathValue("clientId"))
	}
	return org, sa, nil
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
	sa, secret, e := s.newServiceAccount(&req)
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
	_, sa, e := s.serviceAccount(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		SecretExpiresAfterHours int `json:"secretExpiresAfterHours"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if req.SecretExpiresAfterHours < 8 || req.SecretExpiresAfterHours > 8760 {
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "secretExpiresAfterHours must be between 8 and 8760.")
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

// --- access lists ---

func (s *Server) addEntries(r *http.Request, list *[]AccessListEntry) *apiError {
	var req []struct {
		IPAddress string `json:"ipAddress"`
		CIDRBlock string `json:"cidrBlock"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	for _, e := range req {
		switch {
		case (e.IPAddress == "") == (e.CIDRBlock == ""):
			return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Each entry needs exactly one of ipAddress and cidrBlock.")
		case e.IPAddress != "" && !validAddr(e.IPAddress):
			return fail(http.StatusBadRequest, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION", "%s is not an IP address.", e.IPAddress)
		case e.CIDRBlock != "" && !validPrefix(e.CIDRBlock):
			return fail(http.StatusBadRequest, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION", "%s is not a CIDR block.", e.CIDRBlock)
		}
		if !slices.ContainsFunc(*list, func(x AccessListEntry) bool { return x.IPAddress == e.IPAddress && x.CIDRBlock == e.CIDRBlock }) {
			*list = append(*list, AccessListEntry{IPAddress: e.IPAddress, CIDRBlock: e.CIDRBlock, CreatedAt: s.now().UTC().Truncate(time.Second)})
		}
	}
	return nil
}

func removeEntry(r *http.Request, list *[]AccessListEntry) *apiError {
	value, err := url.PathUnescape(r.PathValue("ipAddress"))
	if err != nil {
		value = r.PathValue("ipAddress")
	}
	i := slices.IndexFunc(*list, func(x AccessListEntry) bool { return x.IPAddress == value || x.CIDRBlock == value })
	if i < 0 {
		return fail(http.StatusNotFound, "ACCESS_LIST_ENTRY_NOT_FOUND", "No access list entry %s.", value)
	}
	*list = slices.Delete(*list, i, i+1)
	return nil
}

func entryJSON(e AccessListEntry) map[string]any {
	cidr := e.CIDRBlock
	if cidr == "" {
		if a, err := netip.ParseAddr(e.IPAddress); err == nil {
			cidr = netip.PrefixFrom(a, a.BitLen()).String()
		}
	}
	j := map[string]any{"cidrBlock": cidr, "createdAt": e.CreatedAt.Format(time.RFC3339), "requestCount": 0}
	if e.IPAddress != "" {
		j["ipAddress"] = e.IPAddress
	}
	return j
}

func entriesJSON(list []AccessListEntry) []map[string]any {
	var out []map[string]any
	for _, e := range list {
		out = append(out, entryJSON(e))
	}
	return out
}

// accessListOf finds the access list a request is about, for the handlers
// below, which serve service accounts' and API keys' lists alike.
type accessListOf func(r *http.Request, caller *principal, owner bool) (*[]AccessListEntry, *apiError)

func (s *Server) serviceAccountAccessList(r *http.Request, caller *principal, owner bool) (*[]AccessListEntry, *apiError) {
	_, sa, e := s.serviceAccount(r, caller, owner)
	if e != nil {
		return nil, e
	}
	return &sa.AccessList, nil
}

func (s *Server) apiKeyAccessList(r *http.Request, caller *principal, owner bool) (*[]AccessListEntry, *apiError) {
	_, k, e := s.apiKey(r, caller, owner)
	if e != nil {
		return nil, e
	}
	return &k.AccessList, nil
}

func (s *Server) listAccessList(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, false)
		if e != nil {
			return e
		}
		return page(w, r, entriesJSON(*list))
	}
}

func (s *Server) createAccessList(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, true)
		if e != nil {
			return e
		}
		if e := s.addEntries(r, list); e != nil {
			return e
		}
		return page(w, r, entriesJSON(*list))
	}
}

func (s *Server) deleteAccessListEntry(of accessListOf) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		list, e := of(r, caller, true)
		if e != nil {
			return e
		}
		if e := removeEntry(r, list); e != nil {
			return e
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// --- API keys ---

func newAPIKey(c *credentialRequest) (*APIKey, *apiError) {
	if c.Desc == "" || len(c.Desc) > 250 {
		return nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute desc specified.")
	}
	if e := checkRoles(c.Roles); e != nil {
		return nil, e
	}
	return &APIKey{ID: newID(), Description: c.Desc, PublicKey: randomHex(4), PrivateKey: strings.Join([]string{randomHex(4), randomHex(2), randomHex(2), randomHex(2), randomHex(6)}, "-"), Roles: c.Roles}, nil
}

func apiKeyJSON(org *Org, k *APIKey, reveal bool) map[string]any {
	roles := []any{}
	for _, r := range k.Roles {
		roles = append(roles, map[string]any{"orgId": org.ID, "roleName": r})
	}
	private := "********-****-****-" + k.PrivateKey[len(k.PrivateKey)-12:]
	if reveal {
		private = k.PrivateKey
	}
	return map[string]any{"id": k.ID, "desc": k.Description, "publicKey": k.PublicKey, "privateKey": private, "roles": roles, "links": []any{}}
}

func (s *Server) apiKey(r *http.Request, caller *principal, owner bool) (*Org, *APIKey, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	k, ok := org.APIKeys[r.PathValue("apiUserId")]
	if !ok {
		return nil, nil, fail(http.StatusNotFound, "API_KEY_NOT_FOUND", "API key %s not found.", r.PathValue("apiUserId"))
	}
	return org, k, nil
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

// --- projects ---

func groupJSON(p *Project) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "orgId": p.OrgID, "created": p.CreatedAt.Format(time.RFC3339), "clusterCount": 0,
		"withDefaultAlertsSettings": true, "regionUsageRestrictions": "COMMERCIAL_FEDRAMP_REGIONS_ONLY", "tags": []any{}, "links": []any{}}
}

func (s *Server) group(r *http.Request, caller *principal, owner bool) (*Project, *apiError) {
	p, ok := s.state.Projects[r.PathValue("groupId")]
	if !ok {
		return nil, fail(http.StatusNotFound, "GROUP_NOT_FOUND", "No group with ID %s exists.", r.PathValue("groupId"))
	}
	org := s.state.Orgs[p.OrgID]
	if !caller.isMember(org) || owner && !caller.isOwner(org) && !slices.Contains(p.Assignments[caller.id], "GROUP_OWNER") {
		return nil, fail(http.StatusForbidden, "USER_UNAUTHORIZED", "The credential has no access to project %s.", p.ID)
	}
	return p, nil
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	var all []map[string]any
	for _, id := range sortedKeys(s.state.Projects) {
		if p := s.state.Projects[id]; p.OrgID == caller.org.ID {
			all = append(all, groupJSON(p))
		}
	}
	return page(w, r, all)
}

func (s *Server) createGroup(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	var req struct {
		Name  string `json:"name"`
		OrgID string `json:"orgId"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	org, ok := s.state.Orgs[req.OrgID]
	switch {
	case !ok:
		return fail(http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID %s exists.", req.OrgID)
	case !caller.isOwner(org) && (!caller.isMember(org) || !slices.Contains(caller.roles, "ORG_GROUP_CREATOR")):
		return fail(http.StatusForbidden, "USER_UNAUTHORIZED", "Creating a project needs Organization Owner or Project Creator in %s.", org.ID)
	case !orgName.MatchString(req.Name):
		return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute name specified.")
	}
	for _, p := range s.state.Projects {
		if p.OrgID == org.ID && strings.EqualFold(p.Name, req.Name) {
			return fail(http.StatusConflict, "GROUP_ALREADY_EXISTS", "A project named %s already exists in %s.", req.Name, org.ID)
		}
	}
	p := &Project{ID: newID(), Name: req.Name, OrgID: org.ID, CreatedAt: s.now().UTC().Truncate(time.Second), Assignments: map[string][]string{}}
	s.state.Projects[p.ID] = p
	return writeJSON(w, http.StatusOK, groupJSON(p))
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, groupJSON(p))
}

func (s *Server) deleteGroup(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, true)
	if e != nil {
		return e
	}
	delete(s.state.Projects, p.ID)
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// --- project assignments ---

func roleNames(r *http.Request) ([]string, *apiError) {
	var req struct {
		Roles []string `json:"roles"`
	}
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	if len(req.Roles) == 0 {
		return nil, fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute roles was not specified.")
	}
	for _, role := range req.Roles {
		if !strings.HasPrefix(role, "GROUP_") {
			return nil, fail(http.StatusBadRequest, "INVALID_ROLE", "Role %s is not a project role.", role)
		}
	}
	return req.Roles, nil
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
	p, sa, e := s.groupServiceAccount(r, caller, r.PathValue("clientId"), true)
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

func (s *Server) deleteGroupServiceAccount(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, sa, e := s.groupServiceAccount(r, caller, r.PathValue("clientId"), true)
	if e != nil {
		return e
	}
	delete(p.Assignments, sa.ClientID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) groupAPIKey(r *http.Request, caller *principal, owner bool) (*Project, *Org, *APIKey, *apiError) {
	p, e := s.group(r, caller, owner)
	if e != nil {
		return nil, nil, nil, e
	}
	org := s.state.Orgs[p.OrgID]
	k, ok := org.APIKeys[r.PathValue("apiUserId")]
	if !ok {
		return nil, nil, nil, fail(http.StatusNotFound, "API_KEY_NOT_FOUND", "API key %s not found in the project's organization.", r.PathValue("apiUserId"))
	}
	return p, org, k, nil
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
	var req []struct {
		RoleName string `json:"roleName"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	var roles []string
	for _, x := range req {
		if !strings.HasPrefix(x.RoleName, "GROUP_") {
			return fail(http.StatusBadRequest, "INVALID_ROLE", "Role %s is not a project role.", x.RoleName)
		}
		roles = append(roles, x.RoleName)
	}
	if len(roles) == 0 {
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute roleName was not specified.")
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

func validAddr(s string) bool { _, err := netip.ParseAddr(s); return err == nil }

func validPrefix(s string) bool { _, err := netip.ParsePrefix(s); return err == nil }

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
