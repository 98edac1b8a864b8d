//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestMembersAndTeams deploys an organization with members and a team of
// them with the real provider against atlas-local: everything is created,
// the next preview and a refresh show no changes, a renamed team and a
// changed role are updates, a removed person is deleted, and destroy
// leaves nothing. The consumer stack grants the team a project, with no
// changes after a refresh. One member accepts her invitation after the
// first `up` and the other does not: neither is drift, and the accepted
// member's changes converge in one `up`.
func TestMembersAndTeams(t *testing.T) {
	requireRealTools(t)
	t.Parallel()
	w := newBuiltWorkspace(t)
	dir, baseURL, seed := w.seededLocalAPI(t)
	const stack = "people"
	write := func(members map[string][]string, teamName string, teamMembers []string) {
		people := map[string]any{}
		for email, roles := range members {
			people[email] = map[string]any{"roles": roles}
		}
		raw, err := yaml.Marshal(map[string]any{"config": map[string]any{
			"mongodbatlas:baseUrl":       baseURL,
			"atlas-multiorg:payingOrgId": seed["payingOrgId"],
			"atlas-multiorg:orgOwnerId":  seed["orgOwnerId"],
			"atlas-multiorg:environment": "dev",
			"atlas-multiorg:orgs": map[string]any{"data": map[string]any{
				"name": "acme-dev-data", "members": people,
				"teams": map[string]any{"platform": map[string]any{"name": teamName, "members": teamMembers}},
			}},
		}})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(w.repo, "Pulumi."+stack+".yaml"), raw, 0o600))
	}
	env := w.shardEnv(seed, baseURL)
	pulumi := func(args ...string) string {
		return w.runEnv(env, "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	people := func() (users []string, teams []string) {
		var state struct {
			Orgs map[string]struct {
				Name  string
				Users map[string]struct{ Username string }
				Teams map[string]struct {
					Name    string
					UserIDs []string
				}
			} `json:"orgs"`
		}
		w.readJSON(filepath.Join(dir, "state.json"), &state)
		for _, o := range state.Orgs {
			for _, u := range o.Users {
				users = append(users, u.Username)
			}
			for _, team := range o.Teams {
				teams = append(teams, team.Name)
			}
		}
		slices.Sort(users)
		return users, teams
	}

	write(map[string][]string{"ada@example.com": {"ORG_OWNER"}, "grace@example.com": {"ORG_MEMBER", "ORG_READ_ONLY"}},
		"Platform Team", []string{"ada@example.com", "grace@example.com"})
	w.runEnv(w.backend(), "pulumi", "stack", "init", stack, "--non-interactive")
	out := pulumi("up", "--yes", "--skip-preview")
	assert.Contains(t, out, "9 created", "stack, provider, component, organization, its provider, two members, a team, two team members")
	users, teams := people()
	assert.Equal(t, []string{"ada@example.com", "grace@example.com"}, users)
	assert.Equal(t, []string{"Platform Team"}, teams)
	var orgs map[string]struct {
		Teams map[string]string `json:"teams"`
	}
	require.NoError(t, json.Unmarshal([]byte(pulumi("stack", "output", "orgs", "--json")), &orgs))
	assert.Len(t, orgs["data"].Teams["platform"], 24, "the team's ID is exported, for the consumer stack")
	pulumi("preview", "--expect-no-changes")
	pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview")

	// Grace accepts her invitation, Ada does not: an accepted person is
	// ACTIVE in Atlas, and must not look like drift to a preview or a
	// refresh. Grace's later changes then apply to an accepted member.
	w.runEnv(nil, "bin/atlas-local", "console", "--data-dir", dir, "--url", baseURL, "accept", orgIDNamed(t, w, dir, "acme-dev-data"), "grace@example.com")
	assert.Equal(t, map[string]string{"ada@example.com": "PENDING", "grace@example.com": "ACTIVE"}, memberStatuses(t, w, dir))
	pulumi("preview", "--expect-no-changes")
	pulumi("refresh", "--yes", "--expect-no-changes", "--skip-preview")
	pulumi("preview", "--expect-no-changes")

	// The consumer stack grants the team a project, through the stack
	// reference. A refresh reads the team into the project's own teams
	// block; the next preview must still show no changes.
	consumerDir := filepath.Join(w.repo, "stacks", "projects")
	consumer := "config:\n  mongodbatlas:baseUrl: " + baseURL + "\n" +
		"  atlas-multiorg-projects:orgStack: organization/atlas-multiorg/" + stack + "\n" +
		"  atlas-multiorg-projects:projects:\n    app:\n      org: data\n      name: data-app\n      roles: [GROUP_OWNER]\n" +
		"      teams:\n        platform: [GROUP_READ_ONLY]\n"
	require.NoError(t, os.WriteFile(filepath.Join(consumerDir, "Pulumi."+stack+".yaml"), []byte(consumer), 0o600))
	inConsumer := func(args ...string) string {
		return w.runIn(consumerDir, env, "pulumi", append(args, "--stack", stack, "--non-interactive")...)
	}
	inConsumer("stack", "init")
	assert.Contains(t, inConsumer("up", "--yes", "--skip-preview"), "TeamProjectAssignment app-team-platform created")
	var projects struct {
		Projects map[string]struct{ Teams map[string][]string } `json:"projects"`
	}
	w.readJSON(filepath.Join(dir, "state.json"), &projects)
	granted := false
	for _, p := range projects.Projects {
		for _, roles := range p.Teams {
			granted = granted || slices.Equal(roles, []string{"GROUP_READ_ONLY"})
		}
	}
	assert.True(t, granted, "the team has GROUP_READ_ONLY in the project")
	inConsumer("refresh", "--yes", "--skip-preview")
	inConsumer("preview", "--expect-no-changes")
	inConsumer("destroy", "--yes", "--skip-preview")

	write(map[string][]string{"ada@example.com": {"ORG_OWNER"}, "grace@example.com": {"ORG_MEMBER"}},
		"Platform Engineers", []string{"ada@example.com", "grace@example.com"})
	out = pulumi("up", "--yes", "--skip-preview")
	assert.Contains(t, out, "2 updated", "a renamed team and a changed role are updates")
	_, teams = people()
	assert.Equal(t, []string{"Platform Engineers"}, teams)
	pulumi("preview", "--expect-no-changes")

	write(map[string][]string{"ada@example.com": {"ORG_OWNER"}}, "Platform Engineers", []string{"ada@example.com"})
	out = pulumi("up", "--yes", "--skip-preview")
	assert.Contains(t, out, "2 deleted", "grace leaves the team and the organization")
	users, _ = people()
	assert.Equal(t, []string{"ada@example.com"}, users)
	pulumi("preview", "--expect-no-changes")

	pulumi("destroy", "--yes", "--skip-preview")
	assert.Equal(t, []string{"local-paying-org"}, w.atlasOrgsIn(dir), "destroy leaves only the paying organization")
}

// orgIDNamed is the ID of the organization named name in atlas-local's
// state in dir.
func orgIDNamed(t *testing.T, w *workspace, dir, name string) string {
	t.Helper()
	var state struct {
		Orgs map[string]struct{ Name string } `json:"orgs"`
	}
	w.readJSON(filepath.Join(dir, "state.json"), &state)
	for id, o := range state.Orgs {
		if o.Name == name {
			return id
		}
	}
	require.Failf(t, "no such organization", "atlas-local has no organization named %s", name)
	return ""
}

// memberStatuses is each organization member's invitation status
// (PENDING or ACTIVE) in atlas-local's state in dir, by username.
func memberStatuses(t *testing.T, w *workspace, dir string) map[string]string {
	t.Helper()
	var state struct {
		Orgs map[string]struct {
			Users map[string]struct{ Username, Status string }
		} `json:"orgs"`
	}
	w.readJSON(filepath.Join(dir, "state.json"), &state)
	statuses := map[string]string{}
	for _, o := range state.Orgs {
		for _, u := range o.Users {
			statuses[u.Username] = u.Status
		}
	}
	return statuses
}
