package localapi

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Projects: the specification's "Projects" family (groups).

// The settings updateGroupSettings takes are the specification's, generated
// from it: atlas-local runs without the document.
//go:generate go run ../../cmd/apispecgen -spec ../../../shared/reference/atlas-admin-api-v2-openapi-20250312023.yaml -pkg localapi -out group_settings_gen.go

func groupJSON(p *Project) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "orgId": p.OrgID, "created": p.CreatedAt.Format(time.RFC3339), "clusterCount": 0,
		"withDefaultAlertsSettings": !p.WithoutDefaultAlerts, "regionUsageRestrictions": "COMMERCIAL_FEDRAMP_REGIONS_ONLY", "tags": tagsJSON(p.Tags), "links": []any{}}
}

func (s *Server) group(r *http.Request, caller *principal, owner bool) (*Project, *apiError) {
	p, e := find(s.state.Projects, r.PathValue("groupId"), "GROUP_NOT_FOUND", "No group with ID %s exists.")
	if e != nil {
		return nil, e
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
		Name                      string        `json:"name"`
		OrgID                     string        `json:"orgId"`
		Tags                      []ResourceTag `json:"tags"`
		WithDefaultAlertsSettings *bool         `json:"withDefaultAlertsSettings"`
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
	if e := checkTags(req.Tags); e != nil {
		return e
	}
	owner, e := s.projectOwner(r, org)
	if e != nil {
		return e
	}
	p := &Project{ID: newID(), Name: req.Name, OrgID: org.ID, CreatedAt: s.now().UTC().Truncate(time.Second), Assignments: map[string][]string{}, Tags: req.Tags,
		WithoutDefaultAlerts: req.WithDefaultAlertsSettings != nil && !*req.WithDefaultAlertsSettings}
	if owner != nil {
		p.UserRoles = map[string][]string{owner.ID: {"GROUP_OWNER"}}
	}
	s.state.Projects[p.ID] = p
	return writeJSON(w, http.StatusOK, groupJSON(p))
}

// projectOwner is the person createGroup makes Project Owner: the
// projectOwnerId of the query, who must be in the organization, or else, as
// the specification says, the oldest Organization Owner; nil when the
// organization has no owner that is a person.
func (s *Server) projectOwner(r *http.Request, org *Org) (*OrgUser, *apiError) {
	if id := r.URL.Query().Get("projectOwnerId"); id != "" {
		u := s.member(org, id)
		if u == nil {
			return nil, fail(http.StatusNotFound, "USER_NOT_FOUND", "No user with ID %s is in organization %s.", id, org.ID)
		}
		return u, nil
	}
	if owner := s.ownerMembership(org); owner != nil {
		return owner, nil
	}
	var oldest *OrgUser
	for _, u := range s.members(org) {
		if u.Status == statusActive && slices.Contains(u.OrgRoles, "ORG_OWNER") && (oldest == nil || u.AcceptedAt.Before(oldest.AcceptedAt)) {
			oldest = u
		}
	}
	return oldest, nil
}

// getGroupByName finds a project of the caller's organization by its name,
// which is unique there, ignoring case.
func (s *Server) getGroupByName(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	name := r.PathValue("groupName")
	for _, id := range sortedKeys(s.state.Projects) {
		if p := s.state.Projects[id]; p.OrgID == caller.org.ID && strings.EqualFold(p.Name, name) {
			return writeJSON(w, http.StatusOK, groupJSON(p))
		}
	}
	return fail(http.StatusNotFound, "GROUP_NAME_NOT_FOUND", "No group with name %s exists.", name)
}

func (s *Server) getGroup(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, groupJSON(p))
}

// updateGroup renames a project or replaces its tags (GroupUpdate), as the
// provider does when either changes.
func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, true)
	if e != nil {
		return e
	}
	var req struct {
		Name                      *string        `json:"name"`
		Tags                      *[]ResourceTag `json:"tags"`
		WithDefaultAlertsSettings *bool          `json:"withDefaultAlertsSettings"`
	}
	if e := decode(r, &req); e != nil {
		return e
	}
	if req.Name != nil {
		if !orgName.MatchString(*req.Name) {
			return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute name specified.")
		}
		p.Name = *req.Name
	}
	if req.Tags != nil {
		if e := checkTags(*req.Tags); e != nil {
			return e
		}
		p.Tags = *req.Tags
	}
	if req.WithDefaultAlertsSettings != nil {
		p.WithoutDefaultAlerts = !*req.WithDefaultAlertsSettings
	}
	return writeJSON(w, http.StatusOK, groupJSON(p))
}

// maxTagLength is Atlas' bound on a tag's key and on its value
// (ResourceTag's maxLength).
const maxTagLength = 255

// checkTags refuses tags Atlas refuses: an empty key, a key given twice, and
// a key or value that is too long or has a character Atlas' resource tags do
// not allow, in Atlas' words, which the provider's tests match.
func checkTags(tags []ResourceTag) *apiError {
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == "" || seen[t.Key] {
			return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute tags specified: each tag needs a key of its own.")
		}
		seen[t.Key] = true
		for _, part := range []struct{ name, text string }{{"key", t.Key}, {"value", t.Value}} {
			if utf8.RuneCountInString(part.text) > maxTagLength {
				return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Tag %s %q exceeded the maximum allowed length of %d characters.", part.name, t.Key, maxTagLength)
			}
			if strings.IndexFunc(part.text, notTagCharacter) >= 0 {
				return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Tag %s %q contains invalid characters. Allowable characters include letters, numbers, spaces, semi-colons (;), at symbols (@), underscores (_), dashes (-), periods (.), and plus signs (+).", part.name, part.text)
			}
		}
	}
	return nil
}

// notTagCharacter reports a character Atlas' resource tags do not allow.
func notTagCharacter(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" ;@_-.+", r)
}

func tagsJSON(tags []ResourceTag) []map[string]any {
	out := []map[string]any{}
	for _, t := range tags {
		out = append(out, map[string]any{"key": t.Key, "value": t.Value})
	}
	return out
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

// Project assignments share the request body of roles.

func roleNames(r *http.Request) ([]string, *apiError) {
	var req struct {
		Roles []string `json:"roles"`
	}
	if e := decode(r, &req); e != nil {
		return nil, e
	}
	return req.Roles, checkProjectRoles(req.Roles)
}

// checkProjectRoles refuses an empty role list and any role that is not a
// project role, for every kind of project assignment.
func checkProjectRoles(roles []string) *apiError {
	if len(roles) == 0 {
		return fail(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute roles was not specified.")
	}
	for _, role := range roles {
		if !strings.HasPrefix(role, "GROUP_") {
			return fail(http.StatusBadRequest, "INVALID_ROLE", "Role %s is not a project role.", role)
		}
	}
	return nil
}

// settingsOnByDefault are the settings Atlas turns on in a new project (the
// specification gives no default for them). Every other setting of
// groupSettingsFields starts as the specification's default, or off.
var settingsOnByDefault = map[string]bool{
	"isClusterAiAssistantEnabled": true, "isCollectDatabaseSpecificsStatisticsEnabled": true, "isDataExplorerEnabled": true,
	"isDataExplorerGenAIFeaturesEnabled": true, "isPerformanceAdvisorEnabled": true, "isRealtimePerformancePanelEnabled": true,
	"isSchemaAdvisorEnabled": true,
}

// defaultGroupSetting is the value Atlas gives a new project's setting name.
func defaultGroupSetting(name string) bool {
	if def := groupSettingsFields[name]; def != nil {
		return *def
	}
	return settingsOnByDefault[name]
}

// settings are the project's settings, every one the specification names:
// a project saved before a setting was known gets its default.
func (p *Project) settings() map[string]bool {
	if p.Settings == nil {
		p.Settings = map[string]bool{}
	}
	for name := range groupSettingsFields {
		if _, ok := p.Settings[name]; !ok {
			p.Settings[name] = defaultGroupSetting(name)
		}
	}
	return p.Settings
}

func (s *Server) getGroupSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, p.settings())
}

// updateGroupSettings changes only the settings the request names, as Atlas
// does, and refuses names the specification's GroupSettings does not have.
func (s *Server) updateGroupSettings(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, true)
	if e != nil {
		return e
	}
	var req map[string]bool
	if e := decode(r, &req); e != nil {
		return e
	}
	settings := p.settings()
	for name := range req {
		if _, ok := groupSettingsFields[name]; !ok {
			return fail(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute %s specified.", name)
		}
	}
	maps.Copy(settings, req)
	return writeJSON(w, http.StatusOK, settings)
}

// listGroupLimits: no limit was ever changed, and Atlas lists only those.
func (s *Server) listGroupLimits(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	if _, e := s.group(r, caller, false); e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, []map[string]any{})
}

// getGroupIpAddresses: a project without clusters has no outbound addresses.
func (s *Server) getGroupIpAddresses(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, map[string]any{"groupId": p.ID, "services": map[string]any{"clusters": []any{}}})
}

// getManagedSlowMs: whether Atlas manages the slow-operation threshold,
// which it does for a new project. The provider reads it on every read.
func (s *Server) getManagedSlowMs(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
	p, e := s.group(r, caller, false)
	if e != nil {
		return e
	}
	return writeJSON(w, http.StatusOK, !p.ManagedSlowMsOff)
}

func (s *Server) setManagedSlowMs(on bool) handler {
	return func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError {
		p, e := s.group(r, caller, true)
		if e != nil {
			return e
		}
		p.ManagedSlowMsOff = !on
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
