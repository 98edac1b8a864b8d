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
	"slices"
	"strings"
	"sync"
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
	// Caller holds the credentials that see Options.Orgs; empty without
	// them.
	Caller Caller

	requests *requestLog
}

// Options configure StartWith.
type Options struct {
	// Now stops the clock there; zero leaves it running.
	Now time.Time
	// Orgs are hand-made organizations, put in the state with their IDs.
	// Caller's credentials belong to the first and have the same roles in
	// the others, so they list them all, in this order.
	Orgs []Org
	// Faults are injected into the answers.
	Faults localapi.Faults
}

// Org is a hand-made organization with its settings, people and teams.
type Org struct {
	ID, Name                  string
	SkipDefaultAlertsSettings bool
	APIAccessListRequired     bool
	GenAIFeaturesEnabled      bool
	MultiFactorAuthRequired   bool
	RestrictEmployeeAccess    bool
	SecurityContact           string
	Users                     []User
	Teams                     []Team
}

// User is a person in an organization.
type User struct {
	ID, Username string
	// Status is ACTIVE or PENDING (invited, not yet accepted).
	Status   string
	OrgRoles []string
	TeamIDs  []string
}

// Team is a team of an organization.
type Team struct {
	ID, Name string
}

// Caller is a service account and an API key, both Organization Owner, of
// the organizations Options.Orgs.
type Caller struct {
	ClientID, ClientSecret string
	PublicKey, PrivateKey  string
}

// Start starts an atlas-local on a clock stopped at now, stopped when the
// test ends.
func Start(t *testing.T, now time.Time) *Atlas {
	t.Helper()
	return StartWith(t, Options{Now: now})
}

// StartWith starts an atlas-local as opts say, stopped when the test ends.
func StartWith(t *testing.T, opts Options) *Atlas {
	t.Helper()
	clock := time.Now
	if !opts.Now.IsZero() {
		clock = func() time.Time { return opts.Now }
	}
	var caller Caller
	if len(opts.Orgs) > 0 {
		//nolint:gosec // G101: the test credentials of a test server
		caller = Caller{ClientID: "mdb_sa_id_" + opts.Orgs[0].ID, ClientSecret: "mdb_sa_sk_TEST_SECRET",
			PublicKey: "testpubk", PrivateKey: "TEST-PRIVATE-KEY-SECRET"}
	}
	srv, seed, err := localapi.New(localapi.Options{DataDir: t.TempDir(), Now: clock, Faults: opts.Faults, ConsoleToken: consoleToken,
		Preset: func(state *localapi.State) { handMade(state, opts.Orgs, caller, clock()) }})
	require.NoError(t, err)
	log := &requestLog{}
	ts := httptest.NewServer(log.record(srv))
	t.Cleanup(ts.Close)
	a := &Atlas{Seed: seed, URL: ts.URL, Caller: caller, requests: log,
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
	log.reset() // what the test sees starts with its own requests
	return a
}

// handMade puts orgs in state, and caller's credentials in the first of
// them with access to the others.
func handMade(state *localapi.State, orgs []Org, caller Caller, now time.Time) {
	if len(orgs) == 0 {
		return
	}
	var others []string
	for _, o := range orgs[1:] {
		others = append(others, o.ID)
	}
	for i, o := range orgs {
		org := &localapi.Org{ID: o.ID, Name: o.Name, SkipDefaultAlertsSettings: o.SkipDefaultAlertsSettings,
			Settings: localapi.Settings{APIAccessListRequired: o.APIAccessListRequired, GenAIFeaturesEnabled: o.GenAIFeaturesEnabled,
				MultiFactorAuthRequired: o.MultiFactorAuthRequired, RestrictEmployeeAccess: o.RestrictEmployeeAccess, SecurityContact: o.SecurityContact},
			ServiceAccounts: map[string]*localapi.ServiceAccount{}, APIKeys: map[string]*localapi.APIKey{},
			Users: map[string]*localapi.OrgUser{}, Teams: map[string]*localapi.Team{}}
		for _, u := range o.Users {
			user := &localapi.OrgUser{ID: u.ID, Username: u.Username, OrgRoles: u.OrgRoles, Status: u.Status,
				InviterUsername: "local-owner@example.com", InvitationCreatedAt: now, InvitationExpiresAt: now.Add(30 * 24 * time.Hour)}
			if u.Status == "ACTIVE" {
				user.AcceptedAt = now
				state.People[u.ID] = &localapi.Person{ID: u.ID, Username: u.Username, CreatedAt: now}
			}
			org.Users[u.ID] = user
		}
		for _, t := range o.Teams {
			team := &localapi.Team{ID: t.ID, Name: t.Name, UserIDs: []string{}}
			for _, u := range o.Users {
				if slices.Contains(u.TeamIDs, t.ID) {
					team.UserIDs = append(team.UserIDs, u.ID)
				}
			}
			org.Teams[t.ID] = team
		}
		if i == 0 {
			org.ServiceAccounts[caller.ClientID] = &localapi.ServiceAccount{ClientID: caller.ClientID, Name: "caller", Description: "the test's caller",
				Roles: []string{"ORG_OWNER"}, CreatedAt: now, OtherOrgIDs: others,
				Secrets: []*localapi.Secret{{ID: o.ID, Value: caller.ClientSecret, CreatedAt: now, ExpiresAt: now.Add(8760 * time.Hour)}}}
			org.APIKeys[o.ID] = &localapi.APIKey{ID: o.ID, Description: "the test's caller", PublicKey: caller.PublicKey, PrivateKey: caller.PrivateKey,
				Roles: []string{"ORG_OWNER"}, OtherOrgIDs: others}
		}
		state.Orgs[o.ID] = org
	}
}

// Request is what atlas-local was asked, and how it answered.
type Request struct {
	// Method and Path (with its query) of an Admin API request, and the
	// media type it accepted.
	Method, Path, Accept string
	// Auth is "digest" or "bearer" for a request that passed as one, ""
	// for one answered 401.
	Auth   string
	Status int
}

// Requests are the Admin API requests of the test, in order; token
// requests are TokensIssued.
func (a *Atlas) Requests() []Request { return a.requests.all() }

// TokensIssued counts the OAuth2 access tokens issued during the test.
func (a *Atlas) TokensIssued() int { return a.requests.tokensIssued() }

// requestLog records what a server is asked.
type requestLog struct {
	mu       sync.Mutex
	requests []Request
	tokens   int
}

func (l *requestLog) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		if r.URL.Path == "/api/oauth/token" {
			if rec.status == http.StatusOK {
				l.tokens++
			}
			return
		}
		auth := ""
		if rec.status != http.StatusUnauthorized {
			kind, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
			auth = strings.ToLower(kind)
		}
		l.requests = append(l.requests, Request{Method: r.Method, Path: r.URL.RequestURI(), Accept: r.Header.Get("Accept"), Auth: auth, Status: rec.status})
	})
}

func (l *requestLog) all() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.requests)
}

func (l *requestLog) tokensIssued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tokens
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests, l.tokens = nil, 0
}

// statusRecorder keeps the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
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

// Unwrap lets http.ResponseController reach the connection, for the faults
// that drop it.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// ServiceAccountToken signs in at baseURL's /api/oauth/token with a service
// account's client credentials, as the provider does, and returns the
// bearer token; a refusal fails the test.
func ServiceAccountToken(t testing.TB, baseURL, clientID, clientSecret string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, baseURL+"/api/oauth/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	require.NoError(t, err)
	req.SetBasicAuth(clientID, clientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var token struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&token))
	require.NotEmpty(t, token.AccessToken, "a token for %s", clientID)
	return token.AccessToken
}

// consoleToken signs the tests in at atlas-local's console.
const consoleToken = "localapitest-console" //nolint:gosec // G101: a test server's console token

// Do calls atlas-local's Admin API with the paying organization's token, as
// mediaType, and decodes the answer into out (when not nil); it returns the
// status.
func (a *Atlas) Do(t testing.TB, method, path, mediaType string, body, out any) int {
	t.Helper()
	return a.send(t, method, path, mediaType, "Bearer "+a.Token, body, out)
}

// DoAs calls as Do does, signed in with a service account's client ID and
// secret.
func (a *Atlas) DoAs(t testing.TB, clientID, clientSecret, method, path, mediaType string, body, out any) int {
	t.Helper()
	return a.send(t, method, path, mediaType, "Bearer "+ServiceAccountToken(t, a.URL, clientID, clientSecret), body, out)
}

// MarkNonCompliant reports the cluster of projectID named cluster as
// breaking the resource policy policyID, as the console's
// mark-non-compliant does.
func (a *Atlas) MarkNonCompliant(t testing.TB, projectID, cluster, policyID string) {
	t.Helper()
	path := "/local/console/groups/" + url.PathEscape(projectID) + "/clusters/" + url.PathEscape(cluster) + "/nonCompliant/" + url.PathEscape(policyID)
	require.Equal(t, http.StatusOK, a.send(t, http.MethodPost, path, "application/json", "Bearer "+consoleToken, nil, nil), "marking %s non-compliant", cluster)
}

func (a *Atlas) send(t testing.TB, method, path, mediaType, authorization string, body, out any) int {
	t.Helper()
	var reader *bytes.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		reader = bytes.NewReader(raw)
	} else {
		reader = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, a.URL+path, reader)
	require.NoError(t, err)
	req.Header.Set("Authorization", authorization)
	req.Header.Set("Accept", mediaType)
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	}
	return resp.StatusCode
}
