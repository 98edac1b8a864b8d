package localapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAccessLogNamesEveryCallAndNoCredential(t *testing.T) {
	srv, seed, err := New(Options{DataDir: t.TempDir()})
	require.NoError(t, err)
	var log bytes.Buffer
	ts := httptest.NewServer(AccessLog(srv, &log))
	defer ts.Close()

	token := httptest.NewRecorder()
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/api/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(seed.ClientID, seed.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	AccessLog(srv, &log).ServeHTTP(token, req)
	require.Equal(t, http.StatusOK, token.Code)
	var issued struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(token.Body.Bytes(), &issued))
	accessToken := issued.AccessToken

	for _, path := range []string{"/api/atlas/v2/orgs/" + seed.PayingOrgID, "/api/atlas/v2/orgs/000000000000000000000000?secret=" + seed.ClientSecret} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept", MediaTypeOrgs)
		req.Header.Set("Authorization", "Bearer "+accessToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	require.Len(t, lines, 3)
	assert.Regexp(t, `Z POST /api/oauth/token 200$`, lines[0])
	assert.Regexp(t, `Z GET /api/atlas/v2/orgs/[0-9a-f]{24} 200$`, lines[1])
	assert.Regexp(t, `Z GET /api/atlas/v2/orgs/0{24} 404 No organization with ID 0{24} exists\.$`, lines[2], "a failed call says why")
	assert.NotContains(t, log.String(), seed.ClientSecret, "neither the query nor a header is logged")
	assert.NotContains(t, log.String(), seed.ClientID)
	assert.NotContains(t, log.String(), accessToken)
}
