// Package localapitest starts an in-process atlas-local for tests, with its
// paying organization signed in.
package localapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atlas-multiorg/atlas-multiorg/internal/localapi"
)

// Atlas is an in-process atlas-local with its paying organization's
// credential in Env, as the tool reads it.
type Atlas struct {
	// Env holds MONGODB_ATLAS_BASE_URL and the paying organization's
	// service account, as the provider and the tool read them.
	Env  map[string]string
	Seed *localapi.Seed
	URL  string
	// Token is the paying organization's access token.
	Token string
}

// Start starts an atlas-local on a clock stopped at now, stopped when the
// test ends.
func Start(t *testing.T, now time.Time) *Atlas {
	t.Helper()
	srv, seed, err := localapi.New(localapi.Options{DataDir: t.TempDir(), Now: func() time.Time { return now }})
	require.NoError(t, err)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	a := &Atlas{Seed: seed, URL: ts.URL,
		Env: map[string]string{"MONGODB_ATLAS_BASE_URL": ts.URL, "MONGODB_ATLAS_CLIENT_ID": seed.ClientID, "MONGODB_ATLAS_CLIENT_SECRET": seed.ClientSecret}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, ts.URL+"/api/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.SetBasicAuth(seed.ClientID, seed.ClientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	a.Token = tok.AccessToken
	return a
}

// Create makes an organization with the paying organization's credential,
// linked to it, and returns its ID.
func (a *Atlas) Create(t *testing.T, name string) string {
	t.Helper()
	return a.CreateWithServiceAccount(t, name).OrgID
}

// Created is an organization Create made, with the service account Atlas
// returned for it.
type Created struct {
	OrgID, ClientID, ClientSecret string
}

// CreateWithServiceAccount makes an organization as Create does and returns
// its service account's credential too.
func (a *Atlas) CreateWithServiceAccount(t *testing.T, name string) Created {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"name": name, "orgOwnerId": a.Seed.OwnerID, "serviceAccount": map[string]any{
		"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 720}})
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, a.URL+"/api/atlas/v2/orgs", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.Token)
	req.Header.Set("Content-Type", localapi.MediaTypeOrgs)
	req.Header.Set("Accept", localapi.MediaTypeOrgs)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var out struct {
		Organization   struct{ ID string } `json:"organization"`
		ServiceAccount struct {
			ClientID string `json:"clientId"`
			Secrets  []struct {
				Secret string `json:"secret"`
			} `json:"secrets"`
		} `json:"serviceAccount"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	require.NotEmpty(t, out.ServiceAccount.Secrets, "Atlas returns the new service account's secret")
	return Created{OrgID: out.Organization.ID, ClientID: out.ServiceAccount.ClientID, ClientSecret: out.ServiceAccount.Secrets[0].Secret}
}
