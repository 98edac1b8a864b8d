package localapi

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Invitations: the specification's deprecated family of an organization's
// invitations (createOrgInvite, listOrgInvites, getOrgInvite,
// updateOrgInvites, updateOrgInviteById, deleteOrgInvite), at 2023-01-01,
// which the provider's mongodbatlas_org_invitation still calls. In Atlas an
// invitation and a PENDING organization user are one thing seen through two
// families: inviting through either shows in both, accepting ends the
// invitation, and deleting the invitation removes the pending person. So
// they are one OrgUser here, and an invitation's ID is that user's ID.

// organizationInvitationJSON is the specification's OrganizationInvitation.
func (s *Server) organizationInvitationJSON(org *Org, u *OrgUser) map[string]any {
	return map[string]any{
		"id": u.ID, "orgId": org.ID, "orgName": org.Name, "username": u.Username, "inviterUsername": u.InviterUsername,
		"roles": slices.Clone(u.OrgRoles), "teamIds": teamIDsOf(org, u), "groupRoleAssignments": s.groupRoleAssignments(org, u),
		"createdAt": u.InvitationCreatedAt.Format(time.RFC3339), "expiresAt": u.InvitationExpiresAt.Format(time.RFC3339),
		"links": []any{},
	}
}

// invitationRequest is the specification's OrganizationInvitationRequest
// and OrganizationInvitationUpdateRequest, as far as atlas-local reads them.
type invitationRequest struct {
	Username string    `json:"username"`
	Roles    []string  `json:"roles"`
	TeamIDs  *[]string `json:"teamIds"`
}

// invitation is the pending OrgUser whose invitation is the path's
// {invitationId}.
func (s *Server) invitation(r *http.Request, caller *principal, owner bool) (*Org, *OrgUser, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	u, e := s.pendingInvitation(org, r.PathValue("invitationId"))
	return org, u, e
}

// pendingInvitation is org's pending OrgUser id: an accepted one has no
// invitation any more.
func (s *Server) pendingInvitation(org *Org, id string) (*OrgUser, *apiError) {
	if u := org.Users[id]; u != nil && u.Status == statusPending {
		return u, nil
	}
	return nil, fail(http.StatusNotFound, "INVITATION_NOT_FOUND", "Invitation %s not found.", id)
}

// teamsOf checks that every ID in ids names a team of org.
func teamsOf(org *Org, ids []string) ([]*Team, *apiError) {
	teams := []*Team{}
	for _, id := range ids {
		t := org.Teams[id]
		if t == nil {
			return nil, fail(http.StatusNotFound, "TEAM_NOT_FOUND", "No team with ID %s exists in organization %s.", id, org.ID)
		}
		teams = append(teams, t)
	}
	return teams, nil
}

// setTeams makes u a member of exactly teams among org's teams.
func setTeams(org *Org, u *OrgUser, teams []*Team) {
	for _, t := range org.Teams {
		t.UserIDs = slices.DeleteFunc(t.UserIDs, func(id string) bool { return id == u.ID })
	}
	joinTeams(u, teams)
}

// joinTeams adds u to each of teams.
func joinTeams(u *OrgUser, teams []*Team) {
	for _, t := range teams {
		if !slices.Contains(t.UserIDs, u.ID) {
			t.UserIDs = append(t.UserIDs, u.ID)
		}
	}
}

func (s *Server) createOrgInvite(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req invitationRequest
	if e := decode(r, &req); e != nil {
		return e
	}
	var teamIDs []string
	if req.TeamIDs != nil {
		teamIDs = *req.TeamIDs
	}
	u, e := s.inviteChecked(org, req.Username, &orgUserRoles{OrgRoles: req.Roles}, teamIDs, caller.id)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, s.organizationInvitationJSON(org, u))
}

// listOrgInvites answers a bare array, not a page: the specification's
// answer is a list of OrganizationInvitation, filtered by username.
func (s *Server) listOrgInvites(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	username := r.URL.Query().Get("username")
	all := []map[string]any{}
	for _, u := range s.members(org) {
		if u.Status == statusPending && (username == "" || strings.EqualFold(username, u.Username)) {
			all = append(all, s.organizationInvitationJSON(org, u))
		}
	}
	return writeJSON(w, http.StatusOK, all)
}

func (s *Server) getOrgInvite(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, u, e := s.invitation(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, s.organizationInvitationJSON(org, u))
}

// updateOrgInvites finds the invitation by the body's username.
func (s *Server) updateOrgInvites(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	return s.changeInvitation(w, r, caller, func(org *Org, req *invitationRequest) (*OrgUser, *apiError) {
		if u := s.memberNamed(org, req.Username); u != nil && u.Status == statusPending {
			return u, nil
		}
		return nil, fail(http.StatusNotFound, "INVITATION_NOT_FOUND", "No invitation for %s exists in organization %s.", req.Username, org.ID)
	})
}

func (s *Server) updateOrgInviteByID(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	return s.changeInvitation(w, r, caller, func(org *Org, _ *invitationRequest) (*OrgUser, *apiError) {
		return s.pendingInvitation(org, r.PathValue("invitationId"))
	})
}

// changeInvitation replaces the roles of the invitation that find finds
// from the request, and its teams when given.
func (s *Server) changeInvitation(w http.ResponseWriter, r *http.Request, caller *principal, find func(*Org, *invitationRequest) (*OrgUser, *apiError)) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req invitationRequest
	if e := decode(r, &req); e != nil {
		return e
	}
	u, e := find(org, &req)
	if e != nil {
		return e
	}
	roles, e := orgRolesOf(&orgUserRoles{OrgRoles: req.Roles})
	if e != nil {
		return e
	}
	if req.TeamIDs != nil {
		teams, e := teamsOf(org, *req.TeamIDs)
		if e != nil {
			return e
		}
		setTeams(org, u, teams)
	}
	u.OrgRoles = roles
	return writeJSON(w, http.StatusOK, s.organizationInvitationJSON(org, u))
}

func (s *Server) deleteOrgInvite(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, u, e := s.invitation(r, caller, true)
	if e != nil {
		return e
	}
	s.leave(org, u)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
