package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawCreate posts an organization and reports the status, or the transport
// error of an answer that never came.
func (h *harness) rawCreate(token, name string) (int, error) {
	body, _ := json.Marshal(map[string]any{"name": name, "orgOwnerId": h.seed.OwnerID,
		"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24}})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, h.http.URL+"/api/atlas/v2/orgs", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", MediaTypeOrgs)
	req.Header.Set("Content-Type", MediaTypeOrgs)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func (h *harness) orgsNamed(dir, name string) int {
	h.t.Helper()
	state, err := load(filepath.Join(dir, "state.json"))
	require.NoError(h.t, err)
	n := 0
	for _, o := range state.Orgs {
		if o.Name == name {
			n++
		}
	}
	return n
}

func TestEachFaultDoesWhatItSays(t *testing.T) {
	for _, tc := range []struct {
		name       string
		faults     Faults
		status     int  // 0: no answer at all
		committed  bool // the organization exists afterwards, on disk
		lostAnswer bool
	}{
		{"429 before the write", Faults{ThrottleRate: 1}, http.StatusTooManyRequests, false, false},
		{"500 before the write", Faults{FailRate: 1}, http.StatusInternalServerError, false, false},
		{"connection dropped after the write", Faults{LostRate: 1}, 0, true, true},
		{"502 or 504 after the write", Faults{GatewayRate: 1}, -1, true, true},
		{"a crash after the write", Faults{CrashRate: 1, Crash: func() {}}, 0, true, true},
		{"no fault", Faults{}, http.StatusCreated, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			h := start(t, dir, false)
			token := h.admin().token
			h.http.Close()
			faulty := startWithFaults(t, dir, false, tc.faults)
			faulty.seed = h.seed
			status, err := faulty.rawCreate(token, "acme-fault")
			switch tc.status {
			case 0:
				require.Error(t, err, "no answer")
			case -1:
				require.NoError(t, err)
				assert.Contains(t, []int{http.StatusBadGateway, http.StatusGatewayTimeout}, status)
			default:
				require.NoError(t, err)
				assert.Equal(t, tc.status, status)
			}
			want := 0
			if tc.committed {
				want = 1
			}
			assert.Equal(t, want, faulty.orgsNamed(dir, "acme-fault"), "committed to disk, whatever the answer")
			lost := 0
			if tc.lostAnswer {
				lost = 1
			}
			assert.Equal(t, lost, faulty.srv.opts.Faults.History.LostAnswers())
		})
	}
}

func TestFaultsDependOnTheSeedNotOnTheOrder(t *testing.T) {
	faulted := func(seed uint64, reverse bool) []string {
		dir := t.TempDir()
		h := startWithFaults(t, dir, false, Faults{Seed: seed, FailRate: 0.5, Match: func(s string) bool { return strings.HasPrefix(s, "POST ") }})
		token := h.admin().token
		names := make([]string, 40)
		for i := range names {
			names[i] = fmt.Sprintf("acme-%02d", i)
		}
		if reverse {
			for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
				names[i], names[j] = names[j], names[i]
			}
		}
		var failed []string
		for _, name := range names {
			status, err := h.rawCreate(token, name)
			require.NoError(t, err)
			if status == http.StatusInternalServerError {
				failed = append(failed, name)
			}
		}
		slices.Sort(failed)
		return failed
	}
	first := faulted(7, false)
	assert.NotEmpty(t, first)
	assert.Less(t, len(first), 40)
	assert.Equal(t, first, faulted(7, true), "the same seed meets the same faults in any order")
	assert.NotEqual(t, first, faulted(8, false), "another seed meets others")
}

func TestARepeatedRequestIsItsNextOccurrence(t *testing.T) {
	dir := t.TempDir()
	h := startWithFaults(t, dir, false, Faults{Seed: 1, FailRate: 0.5, Match: func(s string) bool { return strings.HasPrefix(s, "POST ") }})
	token := h.admin().token
	// Retried, a request that failed meets a new roll each time, so it
	// gets through eventually instead of failing forever.
	for attempt := range 40 {
		status, err := h.rawCreate(token, "acme-retried")
		require.NoError(t, err)
		if status == http.StatusCreated {
			return
		}
		require.Less(t, attempt, 39, "a retry meets the same fault every time")
	}
}

func TestTokensSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	h := start(t, dir, false)
	admin := h.admin()
	h.http.Close()
	again := start(t, dir, false)
	again.seed = h.seed
	admin.h = again
	assert.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID, orgs, nil, nil),
		"a restart keeps clients signed in")
	assert.Equal(t, http.StatusUnauthorized, (&client{h: again, http: http.DefaultClient, token: admin.token + "0"}).
		do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID, orgs, nil, nil), "a forged token signs nothing in")
}

func TestFaultAnswersComeAfterTheCredentialInTheirOrder(t *testing.T) {
	h := startWithFaults(t, t.TempDir(), false, Faults{Answers: []FaultAnswer{
		{PathPrefix: "/api/atlas/v2/orgs/", Status: http.StatusNotFound, ErrorCode: "ORG_NOT_FOUND", Times: 1},
		{PathPrefix: "/api/atlas/v2/orgs", Status: http.StatusTooManyRequests, ErrorCode: "RATE_LIMITED", RetryAfter: "7", Times: 2},
	}})
	anonymous := &client{h: h, http: http.DefaultClient}
	assert.Equal(t, http.StatusUnauthorized, anonymous.do(http.MethodGet, "/api/atlas/v2/orgs", orgs, nil, nil), "no answer without a credential")

	admin := h.admin()
	list := func() (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, h.http.URL+"/api/atlas/v2/orgs", nil)
		req.Header.Set("Accept", orgs)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	for range 2 {
		status, retryAfter := list()
		assert.Equal(t, http.StatusTooManyRequests, status)
		assert.Equal(t, "7", retryAfter)
	}
	status, _ := list()
	assert.Equal(t, http.StatusOK, status, "the answers are used up")

	var e struct {
		ErrorCode string `json:"errorCode"`
	}
	assert.Equal(t, http.StatusNotFound, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/settings", orgs, nil, &e))
	assert.Equal(t, "ORG_NOT_FOUND", e.ErrorCode)
	assert.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/settings", orgs, nil, nil))
}

func TestMaxItemsPerPageShortensEveryPage(t *testing.T) {
	h := startWithFaults(t, t.TempDir(), false, Faults{MaxItemsPerPage: 1})
	admin := h.admin()
	invite := func(username string) {
		require.Equal(t, http.StatusCreated, admin.do(http.MethodPost, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/users", MediaTypeUsers,
			map[string]any{"username": username, "roles": map[string]any{"orgRoles": []string{"ORG_MEMBER"}}}, nil))
	}
	invite("ada@example.com")
	invite("grace@example.com")
	var pages []string
	for num := 1; num <= 4; num++ {
		var page struct {
			Results []struct {
				Username string `json:"username"`
			} `json:"results"`
			TotalCount int `json:"totalCount"`
		}
		require.Equal(t, http.StatusOK, admin.do(http.MethodGet, fmt.Sprintf("/api/atlas/v2/orgs/%s/users?itemsPerPage=100&pageNum=%d", h.seed.PayingOrgID, num), MediaTypeUsers, nil, &page))
		assert.Equal(t, 3, page.TotalCount, "the owner and the two invited")
		assert.LessOrEqual(t, len(page.Results), 1)
		for _, u := range page.Results {
			pages = append(pages, u.Username)
		}
	}
	assert.Equal(t, []string{seededOwner, "ada@example.com", "grace@example.com"}, pages)
}
