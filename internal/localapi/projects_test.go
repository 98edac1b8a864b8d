package localapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/apispec"
)

// TestAProjectsPeopleAndItsName: GET /groups/{groupId}/users lists who has
// roles in the project (the oldest Organization Owner, or projectOwnerId,
// as Project Owner; whoever addGroupUsers added), and GET
// /groups/byName/{groupName} finds a project of the caller's organization.
func TestAProjectsPeopleAndItsName(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-projects")
	orgID := created.Organization.ID
	var ada map[string]any
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+orgID+"/users", MediaTypeUsers,
		map[string]any{"username": "ada@example.com", "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, &ada))
	var byDefault, byAda map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "App-One", "orgId": orgID}, &byDefault))
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups?projectOwnerId="+ada["id"].(string), orgs, map[string]any{"name": "app-two", "orgId": orgID}, &byAda))
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/groups/"+byAda["id"].(string)+"/users", MediaTypeUsers,
		map[string]any{"username": "grace@example.com", "roles": []string{"GROUP_READ_ONLY"}}, nil))
	_, stranger := h.createServiceAccountOrg("acme-strangers")

	people := map[string]struct {
		project   map[string]any
		wantUsers map[string][]any
	}{
		"the oldest Organization Owner owns it by default":  {byDefault, map[string][]any{h.seed.OwnerUsername: {"GROUP_OWNER"}}},
		"projectOwnerId owns it, and an added person reads": {byAda, map[string][]any{"ada@example.com": {"GROUP_OWNER"}, "grace@example.com": {"GROUP_READ_ONLY"}}},
	}
	for name, tc := range people {
		t.Run(name, func(t *testing.T) {
			var list userList
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+tc.project["id"].(string)+"/users?itemsPerPage=100&pageNum=1", MediaTypeUsers, nil, &list))
			got := map[string][]any{}
			for _, u := range list.Results {
				got[u["username"].(string)] = u["roles"].([]any)
			}
			assert.Equal(t, tc.wantUsers, got)
			assert.Equal(t, len(tc.wantUsers), list.TotalCount)
		})
	}
	t.Run("grace was invited to the organization with it", func(t *testing.T) {
		var list userList
		require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+orgID+"/users?username=grace@example.com", MediaTypeUsers, nil, &list))
		require.Len(t, list.Results, 1)
		assert.Equal(t, "PENDING", list.Results[0]["orgMembershipStatus"])
	})

	byName := map[string]struct {
		caller *client
		name   string
		status int
		wantID any
	}{
		"its name":                  {own, "App-One", http.StatusOK, byDefault["id"]},
		"its name in another case":  {own, "app-one", http.StatusOK, byDefault["id"]},
		"no such name":              {own, "app-three", http.StatusNotFound, nil},
		"another organization's":    {stranger, "App-One", http.StatusNotFound, nil},
		"a name like a path's word": {own, "settings", http.StatusNotFound, nil},
	}
	for name, tc := range byName {
		t.Run(name, func(t *testing.T) {
			var got map[string]any
			require.Equal(t, tc.status, tc.caller.do(http.MethodGet, "/api/atlas/v2/groups/byName/"+tc.name, orgs, nil, &got))
			if tc.wantID != nil {
				assert.Equal(t, tc.wantID, got["id"])
			} else {
				assert.Equal(t, "GROUP_NAME_NOT_FOUND", got["errorCode"])
			}
		})
	}
}

// TestEvery404HasAtlasErrorBody: unknown routes too answer Atlas' JSON error
// body, never Go's bare "404 page not found".
func TestEvery404HasAtlasErrorBody(t *testing.T) {
	h := start(t, t.TempDir(), false)
	token := h.admin().token
	tests := map[string]struct{ method, path string }{
		"an unknown route":            {http.MethodGet, "/api/atlas/v2/nothing/here"},
		"an unknown method":           {http.MethodPut, "/api/atlas/v2/orgs/" + h.seed.PayingOrgID},
		"outside the API":             {http.MethodGet, "/nowhere"},
		"an unknown project":          {http.MethodGet, "/api/atlas/v2/groups/" + strings.Repeat("0", 24)},
		"an unknown project by name":  {http.MethodGet, "/api/atlas/v2/groups/byName/nothing"},
		"an unknown project's people": {http.MethodGet, "/api/atlas/v2/groups/" + strings.Repeat("0", 24) + "/users"},
		"an unknown console route":    {http.MethodGet, "/local/console/nothing"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(context.Background(), tc.method, h.http.URL+tc.path, nil)
			require.NoError(t, err)
			media := orgs
			if strings.HasSuffix(tc.path, "/users") {
				media = MediaTypeUsers
			}
			req.Header.Set("Accept", media)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer func() { _ = resp.Body.Close() }()
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			var body map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.ElementsMatch(t, []string{"detail", "error", "errorCode", "parameters", "reason"}, keys(body))
			assert.Equal(t, float64(http.StatusNotFound), body["error"])
			assert.Equal(t, "Not Found", body["reason"])
			assert.NotEmpty(t, body["errorCode"])
			assert.NotEmpty(t, body["detail"])
		})
	}
}

func keys(m map[string]any) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestProjectSettingsAreTheSpecifications: PATCH takes every setting of
// GroupSettings, isClusterAiAssistantEnabled among them, and refuses others.
func TestProjectSettingsAreTheSpecifications(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-settings")
	var project map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": created.Organization.ID}, &project))
	settings := "/api/atlas/v2/groups/" + project["id"].(string) + "/settings"
	var before map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, settings, orgs, nil, &before))
	require.Len(t, before, len(groupSettingsFields), "a new project has every setting")
	for name := range groupSettingsFields {
		t.Run(name, func(t *testing.T) {
			want := !before[name].(bool)
			var after map[string]any
			require.Equal(t, http.StatusOK, own.do(http.MethodPatch, settings, orgs, map[string]any{name: want}, &after))
			assert.Equal(t, want, after[name])
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, settings, orgs, nil, &after))
			assert.Equal(t, want, after[name], "read back")
		})
	}
	refused := map[string]map[string]any{
		"a misspelt setting":  {"isDataExplorerEnabledd": false},
		"a setting of an org": {"multiFactorAuthRequired": true},
	}
	for name, body := range refused {
		t.Run(name, func(t *testing.T) {
			var e map[string]any
			assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPatch, settings, orgs, body, &e))
			assert.Equal(t, "INVALID_ATTRIBUTE", e["errorCode"])
		})
	}
	assert.Contains(t, groupSettingsFields, "isClusterAiAssistantEnabled")
}

// TestGroupSettingsFieldsAreGeneratedFromTheSpecification fails when
// group_settings_gen.go differs from what the specification gives, and
// says how to fix it. Without the specification at hand it checks nothing.
func TestGroupSettingsFieldsAreGeneratedFromTheSpecification(t *testing.T) {
	if _, err := os.Stat(specPath); err != nil {
		t.Logf("not checked: the specification is not at %s", specPath)
		return
	}
	want, err := apispec.Render(specPath, "localapi", filepath.Base(specPath))
	require.NoError(t, err)
	got, err := os.ReadFile("group_settings_gen.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "group_settings_gen.go is out of date: run go generate ./internal/localapi/")
}

// TestWithDefaultAlertsSettingsReadsBackAsGiven: false on create reads back
// false; Atlas' default is true.
func TestWithDefaultAlertsSettingsReadsBackAsGiven(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-alerts")
	tests := map[string]struct {
		given *bool
		want  bool
	}{
		"not given": {nil, true},
		"true":      {new(true), true},
		"false":     {new(false), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := map[string]any{"name": "app-" + strings.ReplaceAll(name, " ", "-"), "orgId": created.Organization.ID}
			if tc.given != nil {
				body["withDefaultAlertsSettings"] = *tc.given
			}
			var project map[string]any
			require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, body, &project))
			assert.Equal(t, tc.want, project["withDefaultAlertsSettings"], "the answer to create")
			require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+project["id"].(string), orgs, nil, &project))
			assert.Equal(t, tc.want, project["withDefaultAlertsSettings"], "read back")
			require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/groups/"+project["id"].(string), orgs,
				map[string]any{"withDefaultAlertsSettings": !tc.want}, &project))
			assert.Equal(t, !tc.want, project["withDefaultAlertsSettings"], "changed by an update")
		})
	}
}

// TestProjectTagsAreBoundAsAtlasBindsThem: a tag's key and value are at most
// 255 characters of letters, numbers, spaces and ;@_-.+, at creation and at
// update alike, refused with a 400 in Atlas' words (the provider's tests
// match them).
func TestProjectTagsAreBoundAsAtlasBindsThem(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-tags")
	var project map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "tagged", "orgId": created.Organization.ID}, &project))
	longest := strings.Repeat("a", 255)
	tests := map[string]struct {
		tag        map[string]string
		status     int
		detailLike string
	}{
		"the longest value":              {map[string]string{"key": "k", "value": longest}, http.StatusOK, ""},
		"the longest key":                {map[string]string{"key": longest, "value": "v"}, http.StatusOK, ""},
		"every allowed character":        {map[string]string{"key": "Env 1;@_-.+", "value": "prod ünï 2;@_-.+"}, http.StatusOK, ""},
		"a value one character too long": {map[string]string{"key": "long-tag", "value": longest + "a"}, http.StatusBadRequest, "exceeded the maximum allowed length of 255 characters"},
		"a key one character too long":   {map[string]string{"key": longest + "a", "value": "v"}, http.StatusBadRequest, "exceeded the maximum allowed length of 255 characters"},
		"a slash in a value":             {map[string]string{"key": "k", "value": "test/test"}, http.StatusBadRequest, "contains invalid characters. Allowable characters include"},
		"a colon in a key":               {map[string]string{"key": "a:b", "value": "v"}, http.StatusBadRequest, "contains invalid characters. Allowable characters include"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			body := map[string]any{"tags": []map[string]string{tc.tag}}
			var answer map[string]any
			require.Equal(t, tc.status, own.do(http.MethodPatch, "/api/atlas/v2/groups/"+project["id"].(string), orgs, body, &answer), "update")
			assert.Contains(t, fmt.Sprint(answer["detail"]), tc.detailLike)
			create := map[string]any{"name": "p-" + strings.ReplaceAll(name, " ", "-"), "orgId": created.Organization.ID, "tags": []map[string]string{tc.tag}}
			require.Equal(t, tc.status, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, create, &answer), "create")
			assert.Contains(t, fmt.Sprint(answer["detail"]), tc.detailLike)
		})
	}
}
