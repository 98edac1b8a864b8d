package localapi

import (
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// MongoDB Cloud Users: the specification's family of an organization's
// people (createOrgUser, listOrgUsers, getOrgUser, updateOrgUser,
// removeOrgUser), at the version the provider 4.14.0 calls them.

// MediaTypeUsers is the version of the MongoDB Cloud Users routes.
const MediaTypeUsers = "application/vnd.atlas.2025-02-19+json"

// invitationLifetime is how long an invitation waits to be accepted.
const invitationLifetime = 30 * 24 * time.Hour

// orgUserJSON is the specification's OrgUserResponse.
func (s *Server) orgUserJSON(org *Org, u *OrgUser) map[string]any {
	teamIDs := []string{}
	for _, id := range sortedKeys(org.Teams) {
		if slices.Contains(org.Teams[id].UserIDs, u.ID) {
			teamIDs = append(teamIDs, id)
		}
	}
	return map[string]any{
		"id": u.ID, "username": u.Username, "orgMembershipStatus": u.Status,
		"roles":   map[string]any{"orgRoles": u.OrgRoles, "groupRoleAssignments": []any{}},
		"teamIds": teamIDs, "inviterUsername": u.InviterUsername,
		"invitationCreatedAt": u.InvitationCreatedAt.Format(time.RFC3339),
		"invitationExpiresAt": u.InvitationExpiresAt.Format(time.RFC3339),
		"createdAt":           u.InvitationCreatedAt.Format(time.RFC3339),
	}
}

// orgUserRoles is the specification's OrgUserRolesRequest, as far as
// atlas-local reads it.
type orgUserRoles struct {
	OrgRoles []string `json:"orgRoles"`
}

// orgRolesOf checks an OrgUserRolesRequest's orgRoles: at least one, each
// known and listed once.
func orgRolesOf(roles *orgUserRoles) ([]string, *apiError) {
	if roles == nil || len(roles.OrgRoles) == 0 {
		return nil, fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute roles.orgRoles specified: at least one organization role is required.")
	}
	seen := map[string]bool{}
	for _, role := range roles.OrgRoles {
		if !slices.Contains(orgRoles, role) || seen[role] {
			return nil, fail(http.StatusBadRequest, "INVALID_ORG_ROLE", "Invalid or repeated organization role %s.", role)
		}
		seen[role] = true
	}
	return slices.Clone(roles.OrgRoles), nil
}

func (s *Server) createOrgUser(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Username string        `json:"username"`
		Roles    *orgUserRoles `json:"roles"`
		TeamIDs  []string      `json:"teamIds"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if addr, err := mail.ParseAddress(req.Username); err != nil || addr.Address != req.Username {
		return fail(http.StatusBadRequest, "INVALID_EMAIL_ADDRESS", "Invalid attribute username specified: %q is not an email address.", req.Username)
	}
	roles, e := orgRolesOf(req.Roles)
	if e != nil {
		return e
	}
	if userNamed(org, req.Username) != nil {
		return fail(http.StatusConflict, "USER_ALREADY_IN_ORG", "User %s is already a member of, or invited to, organization %s.", req.Username, org.ID)
	}
	if org.Users == nil {
		org.Users = map[string]*OrgUser{}
	}
	now := s.now().UTC().Truncate(time.Second)
	u := &OrgUser{ID: newID(), Username: req.Username, OrgRoles: roles, Status: "PENDING", InviterUsername: caller.id,
		InvitationCreatedAt: now, InvitationExpiresAt: now.Add(invitationLifetime)}
	org.Users[u.ID] = u
	return writeJSON(w, http.StatusCreated, s.orgUserJSON(org, u))
}

func (s *Server) listOrgUsers(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	username := r.URL.Query().Get("username")
	all := []map[string]any{}
	for _, id := range sortedKeys(org.Users) {
		if u := org.Users[id]; username == "" || strings.EqualFold(u.Username, username) {
			all = append(all, s.orgUserJSON(org, u))
		}
	}
	return page(w, r, all)
}

// orgUser finds the {userId} of the path in the organization.
func (s *Server) orgUser(r *http.Request, caller *principal, owner bool) (*Org, *OrgUser, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	u, e := find(org.Users, r.PathValue("userId"), "USER_NOT_FOUND", "No user with ID %s is in this organization.")
	return org, u, e
}

func (s *Server) getOrgUser(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, u, e := s.orgUser(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, s.orgUserJSON(org, u))
}

func (s *Server) updateOrgUser(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, u, e := s.orgUser(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Roles *orgUserRoles `json:"roles"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if req.Roles != nil {
		roles, e := orgRolesOf(req.Roles)
		if e != nil {
			return e
		}
		if slices.Contains(u.OrgRoles, "ORG_OWNER") && !slices.Contains(roles, "ORG_OWNER") && s.lastOwner(org, u) {
			return fail(http.StatusBadRequest, "LAST_ORG_OWNER", "User %s is the last Organization Owner of organization %s.", u.Username, org.ID)
		}
		u.OrgRoles = roles
	}
	return writeJSON(w, http.StatusOK, s.orgUserJSON(org, u))
}

func (s *Server) removeOrgUser(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, u, e := s.orgUser(r, caller, true)
	if e != nil {
		return e
	}
	if slices.Contains(u.OrgRoles, "ORG_OWNER") && s.lastOwner(org, u) {
		return fail(http.StatusBadRequest, "LAST_ORG_OWNER", "User %s is the last Organization Owner of organization %s and cannot leave it.", u.Username, org.ID)
	}
	for _, t := range org.Teams {
		t.UserIDs = slices.DeleteFunc(t.UserIDs, func(id string) bool { return id == u.ID })
	}
	delete(org.Users, u.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// lastOwner reports whether u is the organization's only Organization
// Owner. The owner an organization was created with (orgOwnerId) counts:
// Atlas made them one.
func (s *Server) lastOwner(org *Org, u *OrgUser) bool {
	if org.OwnerID != "" {
		return false
	}
	for _, other := range org.Users {
		if other != u && slices.Contains(other.OrgRoles, "ORG_OWNER") {
			return false
		}
	}
	return true
}
