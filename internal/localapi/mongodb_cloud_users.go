package localapi

import (
	"cmp"
	"maps"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"
)

// MongoDB Cloud Users: the specification's family of an organization's
// people (createOrgUser, listOrgUsers, getOrgUser, updateOrgUser,
// removeOrgUser) and a project's (listGroupUsers), at the version the
// provider 4.14.0 calls them, and the 2023-01-01 version of listOrgUsers
// that its data source mongodbatlas_atlas_users still calls.

// MediaTypeUsers is the version of the MongoDB Cloud Users routes.
const MediaTypeUsers = "application/vnd.atlas.2025-02-19+json"

// invitationLifetime is how long an invitation waits to be accepted.
const invitationLifetime = 30 * 24 * time.Hour

// Membership statuses, as the specification spells them.
const (
	statusPending = "PENDING"
	statusActive  = "ACTIVE"
)

// ownerMembership is the membership Atlas gave an organization's owner
// (orgOwnerId) at creation: active, Organization Owner. It is not stored as
// an OrgUser until a change to it makes it an ordinary one (see
// materializeOwner); nil when the organization has no such owner.
func (s *Server) ownerMembership(org *Org) *OrgUser {
	p := s.state.People[org.OwnerID]
	if org.OwnerID == "" || p == nil {
		return nil
	}
	return &OrgUser{ID: p.ID, Username: p.Username, OrgRoles: []string{"ORG_OWNER"}, Status: statusActive, AcceptedAt: p.CreatedAt}
}

// members are the organization's people: its owner first, then everyone
// invited, in the order of their invitations (then of their usernames), so
// that pages stay put.
func (s *Server) members(org *Org) []*OrgUser {
	invited := slices.Collect(maps.Values(org.Users))
	slices.SortFunc(invited, func(a, b *OrgUser) int {
		return cmp.Or(a.InvitationCreatedAt.Compare(b.InvitationCreatedAt), strings.Compare(a.Username, b.Username), strings.Compare(a.ID, b.ID))
	})
	if owner := s.ownerMembership(org); owner != nil {
		return append([]*OrgUser{owner}, invited...)
	}
	return invited
}

// member is the person with user ID id in org, or nil.
func (s *Server) member(org *Org, id string) *OrgUser {
	if u := org.Users[id]; u != nil {
		return u
	}
	if owner := s.ownerMembership(org); owner != nil && owner.ID == id {
		return owner
	}
	return nil
}

// memberNamed is the person of org whose username is username, ignoring
// case, or nil.
func (s *Server) memberNamed(org *Org, username string) *OrgUser {
	for _, u := range s.members(org) {
		if strings.EqualFold(u.Username, username) {
			return u
		}
	}
	return nil
}

// materializeOwner turns the owner's implicit membership into an OrgUser
// before a change to it (roles, leaving), so that the change is kept; from
// then on the organization's owners are its OrgUsers with ORG_OWNER.
func (s *Server) materializeOwner(org *Org, u *OrgUser) *OrgUser {
	if org.Users[u.ID] != nil || u.ID != org.OwnerID {
		return u
	}
	if org.Users == nil {
		org.Users = map[string]*OrgUser{}
	}
	org.Users[u.ID] = u
	org.OwnerID = ""
	return u
}

// userIDFor is the user ID of username: a MongoDB Cloud user has one ID in
// every organization, so an account's, or an earlier invitation's, is kept.
func (s *Server) userIDFor(username string) string {
	for _, p := range s.state.People {
		if strings.EqualFold(p.Username, username) {
			return p.ID
		}
	}
	for _, org := range s.state.Orgs {
		for _, u := range org.Users {
			if strings.EqualFold(u.Username, username) {
				return u.ID
			}
		}
	}
	return newID()
}

// accept makes a pending membership active, as the person's accepting the
// invitation does in Atlas: they sign up, if they had no account, and sign
// in.
func (s *Server) accept(u *OrgUser) {
	now := s.now().UTC().Truncate(time.Second)
	p := s.state.People[u.ID]
	if p == nil {
		p = &Person{ID: u.ID, Username: u.Username, CreatedAt: now}
		s.state.People[p.ID] = p
	}
	p.LastAuth = now
	u.Status, u.AcceptedAt = statusActive, now
}

// teamIDsOf are the IDs of org's teams that u is in.
func teamIDsOf(org *Org, u *OrgUser) []string {
	teamIDs := []string{}
	for _, id := range sortedKeys(org.Teams) {
		if slices.Contains(org.Teams[id].UserIDs, u.ID) {
			teamIDs = append(teamIDs, id)
		}
	}
	return teamIDs
}

// groupRoleAssignments are u's project roles in org's projects.
func (s *Server) groupRoleAssignments(org *Org, u *OrgUser) []map[string]any {
	out := []map[string]any{}
	for _, id := range sortedKeys(s.state.Projects) {
		if p := s.state.Projects[id]; p.OrgID == org.ID && len(p.UserRoles[u.ID]) > 0 {
			out = append(out, map[string]any{"groupId": p.ID, "groupRoles": p.UserRoles[u.ID]})
		}
	}
	return out
}

// personJSON adds what the account of an active member shows: when it was
// created and last signed in. A pending invitee shows the invitation instead.
func (s *Server) personJSON(j map[string]any, u *OrgUser) {
	if u.Status == statusPending {
		j["inviterUsername"] = u.InviterUsername
		j["invitationCreatedAt"] = u.InvitationCreatedAt.Format(time.RFC3339)
		j["invitationExpiresAt"] = u.InvitationExpiresAt.Format(time.RFC3339)
		j["createdAt"] = u.InvitationCreatedAt.Format(time.RFC3339)
		return
	}
	if p := s.state.People[u.ID]; p != nil {
		j["createdAt"] = p.CreatedAt.Format(time.RFC3339)
		if !p.LastAuth.IsZero() {
			j["lastAuth"] = p.LastAuth.Format(time.RFC3339)
		}
	}
}

// orgUserJSON is the specification's OrgUserResponse.
func (s *Server) orgUserJSON(org *Org, u *OrgUser) map[string]any {
	j := map[string]any{
		"id": u.ID, "username": u.Username, "orgMembershipStatus": u.Status,
		"roles":   map[string]any{"orgRoles": u.OrgRoles, "groupRoleAssignments": s.groupRoleAssignments(org, u)},
		"teamIds": teamIDsOf(org, u),
	}
	s.personJSON(j, u)
	return j
}

// cloudAppUserJSON is the specification's CloudAppUser, the 2023-01-01
// shape of a person, which lists only active members.
func (s *Server) cloudAppUserJSON(org *Org, u *OrgUser) map[string]any {
	roles := []map[string]any{}
	for _, role := range u.OrgRoles {
		roles = append(roles, map[string]any{"orgId": org.ID, "roleName": role})
	}
	j := map[string]any{"id": u.ID, "username": u.Username, "emailAddress": u.Username, "firstName": "", "lastName": "",
		"country": "", "mobileNumber": "", "roles": roles, "teamIds": teamIDsOf(org, u), "links": []any{}}
	s.personJSON(j, u)
	return j
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

// invite adds username to org, PENDING until they accept.
func (s *Server) invite(org *Org, username string, roles []string, inviter string) *OrgUser {
	if org.Users == nil {
		org.Users = map[string]*OrgUser{}
	}
	now := s.now().UTC().Truncate(time.Second)
	u := &OrgUser{ID: s.userIDFor(username), Username: username, OrgRoles: roles, Status: statusPending, InviterUsername: inviter,
		InvitationCreatedAt: now, InvitationExpiresAt: now.Add(invitationLifetime)}
	org.Users[u.ID] = u
	return u
}

func checkUsername(username string) *apiError {
	if addr, err := mail.ParseAddress(username); err != nil || addr.Address != username {
		return fail(http.StatusBadRequest, "INVALID_EMAIL_ADDRESS", "Invalid attribute username specified: %q is not an email address.", username)
	}
	return nil
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
	u, e := s.inviteChecked(org, req.Username, req.Roles, req.TeamIDs, caller.id)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusCreated, s.orgUserJSON(org, u))
}

// inviteChecked invites username to org with roles and into the teams
// teamIDs, as both createOrgUser and the deprecated createOrgInvite do,
// once the request is found valid.
func (s *Server) inviteChecked(org *Org, username string, roles *orgUserRoles, teamIDs []string, inviter string) (*OrgUser, *apiError) {
	if e := checkUsername(username); e != nil {
		return nil, e
	}
	checked, e := orgRolesOf(roles)
	if e != nil {
		return nil, e
	}
	teams, e := teamsOf(org, teamIDs)
	if e != nil {
		return nil, e
	}
	if s.memberNamed(org, username) != nil {
		return nil, fail(http.StatusConflict, "USER_ALREADY_IN_ORG", "User %s is already a member of, or invited to, organization %s.", username, org.ID)
	}
	u := s.invite(org, username, checked, inviter)
	joinTeams(u, teams)
	return u, nil
}

// listOrgUsers answers both versions the provider calls: 2025-02-19
// (OrgUserResponse: active and pending people, filtered by username) and
// 2023-01-01 (CloudAppUser: active people only, as Atlas' deprecated
// version answers).
func (s *Server) listOrgUsers(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	deprecated := r.Header.Get("Accept") == MediaTypeOrgs
	username := r.URL.Query().Get("username")
	all := []map[string]any{}
	for _, u := range s.members(org) {
		switch {
		case deprecated && u.Status == statusActive:
			all = append(all, s.cloudAppUserJSON(org, u))
		case !deprecated && (username == "" || strings.EqualFold(u.Username, username)):
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
	u := s.member(org, r.PathValue("userId"))
	if u == nil {
		return nil, nil, fail(http.StatusNotFound, "USER_NOT_FOUND", "No user with ID %s is in this organization.", r.PathValue("userId"))
	}
	return org, u, nil
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
		u = s.materializeOwner(org, u)
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
	s.materializeOwner(org, u)
	s.leave(org, u)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// leave takes u out of org: its teams, its projects' roles, and its people.
func (s *Server) leave(org *Org, u *OrgUser) {
	setTeams(org, u, nil)
	for _, p := range s.state.Projects {
		if p.OrgID == org.ID {
			delete(p.UserRoles, u.ID)
		}
	}
	delete(org.Users, u.ID)
}

// lastOwner reports whether u is the organization's only Organization
// Owner, the owner it was created with (orgOwnerId) among them.
func (s *Server) lastOwner(org *Org, u *OrgUser) bool {
	for _, other := range s.members(org) {
		if other.ID != u.ID && slices.Contains(other.OrgRoles, "ORG_OWNER") {
			return false
		}
	}
	return true
}

// groupUserJSON is the specification's GroupUserResponse: a person with
// their roles in the project.
func (s *Server) groupUserJSON(p *Project, u *OrgUser) map[string]any {
	j := map[string]any{"id": u.ID, "username": u.Username, "orgMembershipStatus": u.Status, "roles": p.UserRoles[u.ID]}
	s.personJSON(j, u)
	return j
}

// listGroupUsers lists the people with roles in the project: at
// 2025-02-19, pending ones among them, as the data source mongodbatlas_project
// reads them; at the deprecated 2023-01-01 (CloudAppUser, which
// mongodbatlas_atlas_users reads), active ones only, as listOrgUsers does.
func (s *Server) listGroupUsers(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	org := s.state.Orgs[p.OrgID]
	deprecated := r.Header.Get("Accept") == MediaTypeOrgs
	all := []map[string]any{}
	for _, id := range sortedKeys(p.UserRoles) {
		switch u := s.member(org, id); {
		case u == nil:
		case deprecated && u.Status == statusActive:
			all = append(all, s.cloudAppUserJSON(org, u))
		case !deprecated:
			all = append(all, s.groupUserJSON(p, u))
		}
	}
	return page(w, r, all)
}

// addGroupUser gives a person project roles (addGroupUsers). Someone not
// in the organization yet is invited to it too, as ORG_MEMBER, as Atlas does.
func (s *Server) addGroupUser(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Username string   `json:"username"`
		Roles    []string `json:"roles"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if e := checkUsername(req.Username); e != nil {
		return e
	}
	if e := checkProjectRoles(req.Roles); e != nil {
		return e
	}
	org := s.state.Orgs[p.OrgID]
	u := s.memberNamed(org, req.Username)
	if u == nil {
		u = s.invite(org, req.Username, []string{"ORG_MEMBER"}, caller.id)
	}
	if p.UserRoles == nil {
		p.UserRoles = map[string][]string{}
	}
	p.UserRoles[u.ID] = slices.Clone(req.Roles)
	return writeJSON(w, http.StatusCreated, s.groupUserJSON(p, u))
}

// visibleUser is the account named by who (a user ID, or a username
// ignoring case) as the caller sees it: with its roles in the caller's
// organization and that organization's projects. Someone invited who has
// not signed up has no account yet, so is not found, as in Atlas.
func (s *Server) visibleUser(caller *principal, who string, byName bool) (map[string]any, *apiError) {
	var p *Person
	if byName {
		p = s.personNamed(who)
	} else {
		p = s.state.People[who]
	}
	if p == nil {
		return nil, fail(http.StatusNotFound, "USER_NOT_FOUND", "No user %s exists.", who)
	}
	org := caller.org
	roles := []map[string]any{}
	teamIDs := []string{}
	if u := s.member(org, p.ID); u != nil && u.Status == statusActive {
		for _, role := range u.OrgRoles {
			roles = append(roles, map[string]any{"orgId": org.ID, "roleName": role})
		}
		for _, id := range sortedKeys(s.state.Projects) {
			if project := s.state.Projects[id]; project.OrgID == org.ID {
				for _, role := range project.UserRoles[u.ID] {
					roles = append(roles, map[string]any{"groupId": project.ID, "roleName": role})
				}
			}
		}
		teamIDs = teamIDsOf(org, u)
	}
	// Atlas keeps the profile a person signed up with; atlas-local has
	// none, so it is empty, as cloudAppUserJSON's.
	j := map[string]any{"id": p.ID, "username": p.Username, "emailAddress": p.Username, "firstName": "", "lastName": "",
		"country": "", "mobileNumber": "", "roles": roles, "teamIds": teamIDs, "links": []any{}, "createdAt": p.CreatedAt.Format(time.RFC3339)}
	if !p.LastAuth.IsZero() {
		j["lastAuth"] = p.LastAuth.Format(time.RFC3339)
	}
	return j, nil
}

// getUserByName is GET /users/byName/{userName} (2023-01-01), which the
// provider calls to check a Team's usernames and an invitation's
// acceptance.
func (s *Server) getUserByName(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	j, e := s.visibleUser(caller, r.PathValue("userName"), true)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, j)
}

// getUser is GET /users/{userId} (2023-01-01), the same account by ID.
func (s *Server) getUser(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	j, e := s.visibleUser(caller, r.PathValue("userId"), false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, j)
}
