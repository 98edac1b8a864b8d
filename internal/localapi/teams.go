package localapi

import (
	"net/http"
	"slices"
	"strings"
)

// Teams: the specification's family of an organization's teams
// (createOrgTeam, getOrgTeam, renameOrgTeam, deleteOrgTeam, listOrgTeams),
// their members (addOrgTeamUser, removeOrgTeamUser, listTeamUsers) and
// their access to projects (addGroupTeams, getGroupTeam, updateGroupTeam,
// removeGroupTeam, listGroupTeams).

// maxTeamsPerOrg is Atlas' limit.
const maxTeamsPerOrg = 250

func teamJSON(t *Team) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "links": []any{}}
}

func (s *Server) team(r *http.Request, caller *principal, owner bool) (*Org, *Team, *apiError) {
	org, e := s.org(r, caller, owner)
	if e != nil {
		return nil, nil, e
	}
	t, e := find(org.Teams, r.PathValue("teamId"), "TEAM_NOT_FOUND", "No team with ID %s exists in this organization.")
	return org, t, e
}

// teamNameTaken reports another team of org named name, ignoring case.
func teamNameTaken(org *Org, name string, except *Team) bool {
	for _, t := range org.Teams {
		if t != except && strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

func (s *Server) createOrgTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Name      string   `json:"name"`
		Usernames []string `json:"usernames"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	switch {
	case strings.TrimSpace(req.Name) == "":
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute name was not specified.")
	case teamNameTaken(org, req.Name, nil):
		return fail(http.StatusConflict, "DUPLICATE_TEAM_NAME", "A team named %s already exists in organization %s.", req.Name, org.ID)
	case len(org.Teams) >= maxTeamsPerOrg:
		return fail(http.StatusBadRequest, "MAX_TEAMS_PER_ORG_EXCEEDED", "Organization %s already has %d teams.", org.ID, maxTeamsPerOrg)
	}
	t := &Team{ID: newID(), Name: req.Name, UserIDs: []string{}}
	for _, name := range req.Usernames {
		u := s.memberNamed(org, name)
		if u == nil {
			return fail(http.StatusBadRequest, "USER_NOT_IN_ORG", "User %s is not a member of organization %s.", name, org.ID)
		}
		t.UserIDs = append(t.UserIDs, u.ID)
	}
	if org.Teams == nil {
		org.Teams = map[string]*Team{}
	}
	org.Teams[t.ID] = t
	body := teamJSON(t)
	body["usernames"] = append([]string{}, req.Usernames...)
	return writeJSON(w, http.StatusOK, body)
}

func (s *Server) listOrgTeams(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	all := []map[string]any{}
	for _, id := range sortedKeys(org.Teams) {
		all = append(all, teamJSON(org.Teams[id]))
	}
	return page(w, r, all)
}

func (s *Server) getOrgTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	_, t, e := s.team(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, teamJSON(t))
}

func (s *Server) renameOrgTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, t, e := s.team(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Name string `json:"name"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	switch {
	case strings.TrimSpace(req.Name) == "":
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute name was not specified.")
	case teamNameTaken(org, req.Name, t):
		return fail(http.StatusConflict, "DUPLICATE_TEAM_NAME", "A team named %s already exists in organization %s.", req.Name, org.ID)
	}
	t.Name = req.Name
	return writeJSON(w, http.StatusOK, teamJSON(t))
}

func (s *Server) deleteOrgTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, t, e := s.team(r, caller, true)
	if e != nil {
		return e
	}
	for _, p := range s.state.Projects {
		if _, assigned := p.Teams[t.ID]; assigned && p.OrgID == org.ID {
			return fail(http.StatusConflict, "CANNOT_DELETE_TEAM_ASSIGNED_TO_PROJECT", "Team %s still has access to project %s; remove it first.", t.ID, p.ID)
		}
	}
	delete(org.Teams, t.ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// teamAction serves POST .../teams/{teamId}:addUser and :removeUser: a Go
// route cannot end a wildcard segment with a literal.
func (s *Server) teamAction(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	teamID, action, _ := strings.Cut(r.PathValue("teamAction"), ":")
	r.SetPathValue("teamId", teamID)
	org, t, e := s.team(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		ID string `json:"id"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	u := s.member(org, req.ID)
	switch action {
	case "addUser":
		if u == nil {
			return fail(http.StatusBadRequest, "USER_NOT_IN_ORG", "User %s is not an active or pending member of organization %s.", req.ID, org.ID)
		}
		if !slices.Contains(t.UserIDs, u.ID) {
			t.UserIDs = append(t.UserIDs, u.ID)
		}
	case "removeUser":
		if u == nil || !slices.Contains(t.UserIDs, u.ID) {
			return fail(http.StatusNotFound, "USER_NOT_IN_TEAM", "User %s is not a member of team %s.", req.ID, t.ID)
		}
		t.UserIDs = slices.DeleteFunc(t.UserIDs, func(id string) bool { return id == u.ID })
	default:
		return fail(http.StatusNotFound, "RESOURCE_NOT_FOUND", "No such action %q on a team.", action)
	}
	return writeJSON(w, http.StatusOK, s.orgUserJSON(org, u))
}

// listTeamUsers answers both versions the provider calls: 2025-02-19
// (CloudUserTeamAssignment: active and pending members, filtered by userId
// or username) and 2023-01-01 (Team: active members only, as Atlas'
// deprecated version answers).
func (s *Server) listTeamUsers(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, t, e := s.team(r, caller, false)
	if e != nil {
		return e
	}
	q := r.URL.Query()
	all := []map[string]any{}
	for _, id := range t.UserIDs {
		u := s.member(org, id)
		switch {
		case u == nil:
		case r.Header.Get("Accept") == MediaTypeOrgs:
			if u.Status == statusActive {
				all = append(all, s.cloudAppUserJSON(org, u))
			}
		case (q.Get("userId") == "" || q.Get("userId") == u.ID) && (q.Get("username") == "" || strings.EqualFold(q.Get("username"), u.Username)):
			all = append(all, s.orgUserJSON(org, u))
		}
	}
	return page(w, r, all)
}

// groupTeamJSON is the specification's TeamRole.
func groupTeamJSON(teamID string, roles []string) map[string]any {
	return map[string]any{"teamId": teamID, "roleNames": roles, "links": []any{}}
}

// listGroupTeams lists the teams with access to the project.
func (s *Server) listGroupTeams(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	all := []map[string]any{}
	for _, id := range sortedKeys(p.Teams) {
		all = append(all, groupTeamJSON(id, p.Teams[id]))
	}
	return page(w, r, all)
}

func (s *Server) addGroupTeams(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, true)
	if e != nil {
		return e
	}
	var req []struct {
		TeamID    string   `json:"teamId"`
		RoleNames []string `json:"roleNames"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	org := s.state.Orgs[p.OrgID]
	for _, tr := range req {
		if org == nil || org.Teams[tr.TeamID] == nil {
			return fail(http.StatusNotFound, "TEAM_NOT_FOUND", "No team with ID %s exists in the project's organization.", tr.TeamID)
		}
		if len(tr.RoleNames) == 0 {
			return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute roleNames was not specified.")
		}
	}
	if p.Teams == nil {
		p.Teams = map[string][]string{}
	}
	for _, tr := range req {
		p.Teams[tr.TeamID] = slices.Clone(tr.RoleNames)
	}
	return s.listGroupTeams(w, r, caller)
}

func (s *Server) groupTeam(r *http.Request, caller *principal, owner bool) (*Project, string, *apiError) {
	p, e := s.group(r, caller, owner)
	if e != nil {
		return nil, "", e
	}
	id := r.PathValue("teamId")
	if _, ok := p.Teams[id]; !ok {
		return nil, "", fail(http.StatusNotFound, "TEAM_NOT_FOUND", "Team %s has no access to this project.", id)
	}
	return p, id, nil
}

func (s *Server) getGroupTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, id, e := s.groupTeam(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, groupTeamJSON(id, p.Teams[id]))
}

func (s *Server) updateGroupTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, id, e := s.groupTeam(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		RoleNames []string `json:"roleNames"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if len(req.RoleNames) == 0 {
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute roleNames was not specified.")
	}
	p.Teams[id] = slices.Clone(req.RoleNames)
	return s.listGroupTeams(w, r, caller)
}

func (s *Server) removeGroupTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, id, e := s.groupTeam(r, caller, true)
	if e != nil {
		return e
	}
	delete(p.Teams, id)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// getTeamByName is GET /orgs/{orgId}/teams/byName/{teamName}: names are
// unique in an organization, ignoring case.
func (s *Server) getTeamByName(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, e := s.org(r, caller, false)
	if e != nil {
		return e
	}
	name := r.PathValue("teamName")
	for _, id := range sortedKeys(org.Teams) {
		if t := org.Teams[id]; strings.EqualFold(t.Name, name) {
			return writeJSON(w, http.StatusOK, teamJSON(t))
		}
	}
	return fail(http.StatusNotFound, "TEAM_NAME_NOT_FOUND", "No team named %s exists in organization %s.", name, org.ID)
}

// addTeamUsers is the deprecated POST /orgs/{orgId}/teams/{teamId}/users
// (2023-01-01), with which the Team resource adds its usernames: each {id}
// must be a member of the organization; the answer is the team's active
// members, as listTeamUsers answers at that version.
func (s *Server) addTeamUsers(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	org, t, e := s.team(r, caller, true)
	if e != nil {
		return e
	}
	var req []struct {
		ID string `json:"id"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	var joining []*OrgUser
	for _, add := range req {
		u := s.member(org, add.ID)
		if u == nil {
			return fail(http.StatusBadRequest, "USER_NOT_IN_ORG", "User %s is not an active or pending member of organization %s.", add.ID, org.ID)
		}
		joining = append(joining, u)
	}
	for _, u := range joining {
		if !slices.Contains(t.UserIDs, u.ID) {
			t.UserIDs = append(t.UserIDs, u.ID)
		}
	}
	return s.listTeamUsers(w, r, caller)
}

// removeUserFromTeam is the deprecated DELETE
// /orgs/{orgId}/teams/{teamId}/users/{userId} (2023-01-01).
func (s *Server) removeUserFromTeam(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	_, t, e := s.team(r, caller, true)
	if e != nil {
		return e
	}
	id := r.PathValue("userId")
	if !slices.Contains(t.UserIDs, id) {
		return fail(http.StatusNotFound, "USER_NOT_IN_TEAM", "User %s is not a member of team %s.", id, t.ID)
	}
	t.UserIDs = slices.DeleteFunc(t.UserIDs, func(member string) bool { return member == id })
	w.WriteHeader(http.StatusNoContent)
	return nil
}
