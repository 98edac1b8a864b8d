package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainAPI calls atlas-local over HTTP the way the provider does, without the
// specification checks of the test harness, for benchmarks.
type plainAPI struct {
	tb  testing.TB
	url string
}

func (a plainAPI) token(clientID, secret string) string {
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, a.url+"/api/oauth/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.SetBasicAuth(clientID, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.tb, err)
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(a.tb, json.NewDecoder(resp.Body).Decode(&tok))
	return tok.AccessToken
}

func (a plainAPI) call(method, path, token string, body, out any) int {
	var reader *bytes.Reader
	raw, _ := json.Marshal(body)
	reader = bytes.NewReader(raw)
	req, _ := http.NewRequestWithContext(context.Background(), method, a.url+path, reader)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", MediaTypeOrgs)
	req.Header.Set("Content-Type", MediaTypeOrgs)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.tb, err)
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// round is what one `pulumi up` then `pulumi destroy` of n organizations
// asks of atlas-local: the caller's token, n creates, each new service
// account's token, and n deletes with it.
func (a plainAPI) round(seed *Seed, n int) {
	admin := a.token(seed.ClientID, seed.ClientSecret)
	for i := range n {
		var created createdOrg
		status := a.call(http.MethodPost, "/api/atlas/v2/orgs", admin, map[string]any{
			"name": fmt.Sprintf("round-%d", i), "orgOwnerId": seed.OwnerID,
			"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24},
		}, &created)
		require.Equal(a.tb, http.StatusCreated, status)
		own := a.token(created.ServiceAccount.ClientID, created.ServiceAccount.Secrets[0].Secret)
		require.Equal(a.tb, http.StatusNoContent, a.call(http.MethodDelete, "/api/atlas/v2/orgs/"+created.Organization.ID, own, nil, nil))
	}
}

func serve(tb testing.TB) (plainAPI, *Seed, string) {
	dir := tb.TempDir()
	srv, seed, err := New(Options{DataDir: dir})
	require.NoError(tb, err)
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return plainAPI{tb: tb, url: ts.URL}, seed, filepath.Join(dir, "state.json")
}

// TestTokensAreNeverWrittenToTheState: a token request leaves state.json
// as it was, and rounds of creates and deletes leave it the size it had.
func TestTokensAreNeverWrittenToTheState(t *testing.T) {
	api, seed, state := serve(t)
	before, err := os.ReadFile(state) //nolint:gosec // G304: the test's own state
	require.NoError(t, err)
	token := api.token(seed.ClientID, seed.ClientSecret)
	after, err := os.ReadFile(state) //nolint:gosec // G304: the test's own state
	require.NoError(t, err)
	assert.Equal(t, before, after, "a token request writes nothing")
	assert.NotContains(t, string(after), token)

	api.round(seed, 10)
	first, err := os.Stat(state)
	require.NoError(t, err)
	for range 5 {
		api.round(seed, 10)
	}
	last, err := os.Stat(state)
	require.NoError(t, err)
	assert.Equal(t, first.Size(), last.Size(), "the state does not grow with the tokens issued")
}

// BenchmarkCreateDestroyRounds runs 10 rounds of 50 organizations created
// and deleted against one atlas-local, and reports the first and last
// rounds' times: a cost per request that grew with the tokens issued would
// show as a last round slower than the first.
func BenchmarkCreateDestroyRounds(b *testing.B) {
	const rounds, orgs = 10, 50
	var first, last time.Duration
	for range b.N {
		api, seed, _ := serve(b)
		for r := range rounds {
			start := time.Now()
			api.round(seed, orgs)
			took := time.Since(start)
			switch r {
			case 0:
				first += took
			case rounds - 1:
				last += took
			}
		}
	}
	b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "ms/first-round")
	b.ReportMetric(float64(last.Milliseconds())/float64(b.N), "ms/last-round")
	b.ReportMetric(float64(last)/float64(first), "last/first")
}

// BenchmarkFiftyConcurrentCreates creates 50 organizations at once, as a
// `pulumi up --parallel 50` does, and checks that all of them reached the
// state on disk.
func BenchmarkFiftyConcurrentCreates(b *testing.B) {
	for range b.N {
		b.StopTimer()
		api, seed, state := serve(b)
		admin := api.token(seed.ClientID, seed.ClientSecret)
		b.StartTimer()
		var wg sync.WaitGroup
		statuses := make([]int, 50)
		for i := range 50 {
			wg.Go(func() {
				statuses[i] = api.call(http.MethodPost, "/api/atlas/v2/orgs", admin, map[string]any{
					"name": fmt.Sprintf("parallel-%02d", i), "orgOwnerId": seed.OwnerID,
					"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24},
				}, nil)
			})
		}
		wg.Wait()
		b.StopTimer()
		for i, status := range statuses {
			require.Equal(b, http.StatusCreated, status, "create %d", i)
		}
		saved, err := load(state)
		require.NoError(b, err)
		require.Len(b, saved.Orgs, 51, "all 50 and the paying organization are on disk")
		b.StartTimer()
	}
}
