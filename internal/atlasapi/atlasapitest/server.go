// Package atlasapitest is an in-process stand-in for the part of the Atlas
// Admin API v2 the command-line tool calls. It enforces what Atlas enforces
// for those calls: HTTP digest for API keys, OAuth2 client credentials and
// bearer tokens for service accounts, the versioned media type, and paging.
package atlasapitest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"

	"github.com/atlas-multiorg/atlas-multiorg/internal/httpdigest"
)

// MediaType is the media type the organization endpoints require.
const MediaType = "application/vnd.atlas.2023-01-01+json"

// UsersMediaType is the media type the organization users endpoint requires
// here: the version the provider 4.14.0 sends.
const UsersMediaType = "application/vnd.atlas.2025-02-19+json"

// Org is an organization the server holds, with its settings.
type Org struct {
	ID, Name                  string
	SkipDefaultAlertsSettings bool
	APIAccessListRequired     bool
	GenAIFeaturesEnabled      bool
	MultiFactorAuthRequired   bool
	RestrictEmployeeAccess    bool
	SecurityContact           string
	// Users are the organization's people; Teams its teams.
	Users []User
	Teams []Team
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

// Failure makes the server answer requests whose path starts with Path with
// Status (and Atlas' error body) the next Times times.
type Failure struct {
	Path       string
	Status     int
	ErrorCode  string
	RetryAfter string
	Times      int
}

// Request is what the server saw of one request.
type Request struct {
	Method, Path, Accept string
	// Auth is "digest", "bearer", "basic" or "" (none).
	Auth string
}

// Server is the stand-in. Set its fields before the first request.
type Server struct {
	*httptest.Server
	ClientID, ClientSecret string
	PublicKey, PrivateKey  string
	Orgs                   []Org
	// MaxPageSize caps itemsPerPage, to force several pages.
	MaxPageSize int

	mu       sync.Mutex
	failures []Failure
	tokens   map[string]bool
	nonces   map[string]bool
	requests []Request
	issued   int
}

// NewServer starts a server with the given credentials and organizations.
func NewServer(orgs ...Org) *Server {
	s := &Server{ //nolint:gosec // G101: the stand-in's own test credentials
		ClientID: "mdb_sa_id_test", ClientSecret: "mdb_sa_sk_TEST_SECRET",
		PublicKey: "testpubk", PrivateKey: "TEST-PRIVATE-KEY-SECRET",
		Orgs: orgs, MaxPageSize: 500, tokens: map[string]bool{}, nonces: map[string]bool{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Fail queues a failure.
func (s *Server) Fail(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, f)
}

// Requests returns what the server saw, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// TokensIssued counts the OAuth2 tokens handed out.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/api/oauth/token" {
		s.token(w, r)
		return
	}
	auth := s.authenticate(w, r)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.RequestURI(), Accept: r.Header.Get("Accept"), Auth: auth})
	s.mu.Unlock()
	if auth == "" {
		return // authenticate answered
	}
	media := MediaType
	if strings.HasSuffix(r.URL.Path, "/users") {
		media = UsersMediaType
	}
	if r.Header.Get("Accept") != media {
		writeError(w, http.StatusNotAcceptable, "INVALID_MEDIA_TYPE", "Accept must be "+media, "")
		return
	}
	if f, ok := s.failure(r.URL.Path); ok {
		writeError(w, f.Status, f.ErrorCode, "injected failure", f.RetryAfter)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/api/atlas/v2/orgs":
		s.listOrgs(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/atlas/v2/orgs/") && strings.HasSuffix(r.URL.Path, "/settings"):
		s.settings(w, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/atlas/v2/orgs/"), "/settings"))
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/atlas/v2/orgs/") && strings.HasSuffix(r.URL.Path, "/users"):
		s.users(w, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/atlas/v2/orgs/"), "/users"))
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/atlas/v2/orgs/") && strings.HasSuffix(r.URL.Path, "/teams"):
		s.teams(w, strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/atlas/v2/orgs/"), "/teams"))
	default:
		writeError(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "no such endpoint "+r.URL.Path, "")
	}
}

// token is the OAuth2 client-credentials endpoint: HTTP basic auth with the
// client ID and secret, a form body with grant_type=client_credentials.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
		return
	}
	if !ok || id != s.ClientID || secret != s.ClientSecret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client"}`))
		return
	}
	tok := randomHex(16)
	s.mu.Lock()
	s.tokens[tok] = true
	s.issued++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

// authenticate checks a bearer token or a digest response; on failure it
// answers (a digest challenge, or 401) and returns "".
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) string {
	header := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(header, "Bearer "):
		s.mu.Lock()
		valid := s.tokens[strings.TrimPrefix(header, "Bearer ")]
		s.mu.Unlock()
		if valid {
			return "bearer"
		}
	case strings.HasPrefix(header, "Digest "):
		params, _ := httpdigest.Parse(header)
		s.mu.Lock()
		known := s.nonces[params["nonce"]]
		s.mu.Unlock()
		if known && params["username"] == s.PublicKey && httpdigest.Valid(params, r.Method, r.URL.RequestURI(), s.PrivateKey) {
			return "digest"
		}
	}
	nonce := randomHex(16)
	s.mu.Lock()
	s.nonces[nonce] = true
	s.mu.Unlock()
	w.Header().Set("WWW-Authenticate", httpdigest.Challenge(nonce))
	writeError(w, http.StatusUnauthorized, "NOT_ORG_GROUP_CREATOR", "You are not authorized for this resource.", "")
	return ""
}

func (s *Server) failure(path string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.failures {
		if strings.HasPrefix(path, f.Path) && f.Times > 0 {
			s.failures[i].Times--
			return f, true
		}
	}
	return Failure{}, false
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("pageNum"))
	per, _ := strconv.Atoi(r.URL.Query().Get("itemsPerPage"))
	page, per = max(page, 1), min(max(per, 1), s.MaxPageSize)
	var results []map[string]any
	for i := (page - 1) * per; i < min(page*per, len(s.Orgs)); i++ {
		o := s.Orgs[i]
		results = append(results, map[string]any{"id": o.ID, "name": o.Name, "isDeleted": false, "skipDefaultAlertsSettings": o.SkipDefaultAlertsSettings})
	}
	if results == nil {
		results = []map[string]any{}
	}
	writeJSON(w, map[string]any{"results": results, "totalCount": len(s.Orgs)})
}

func (s *Server) settings(w http.ResponseWriter, id string) {
	for _, o := range s.Orgs {
		if o.ID == id {
			writeJSON(w, map[string]any{
				"apiAccessListRequired": o.APIAccessListRequired, "genAIFeaturesEnabled": o.GenAIFeaturesEnabled,
				"multiFactorAuthRequired": o.MultiFactorAuthRequired, "restrictEmployeeAccess": o.RestrictEmployeeAccess,
				"securityContact": o.SecurityContact,
			})
			return
		}
	}
	writeError(w, http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID "+id+" exists.", "")
}

// users answers the 2025-02-19 list of an organization's users, in one page.
func (s *Server) users(w http.ResponseWriter, id string) {
	s.list(w, id, func(o Org) []map[string]any {
		results := []map[string]any{}
		for _, u := range o.Users {
			results = append(results, map[string]any{
				"id": u.ID, "username": u.Username, "orgMembershipStatus": u.Status,
				"roles": map[string]any{"orgRoles": u.OrgRoles, "groupRoleAssignments": []any{}}, "teamIds": u.TeamIDs,
			})
		}
		return results
	})
}

// teams answers the list of an organization's teams, in one page.
func (s *Server) teams(w http.ResponseWriter, id string) {
	s.list(w, id, func(o Org) []map[string]any {
		results := []map[string]any{}
		for _, t := range o.Teams {
			results = append(results, map[string]any{"id": t.ID, "name": t.Name})
		}
		return results
	})
}

// list answers one page holding what results says of the organization id.
func (s *Server) list(w http.ResponseWriter, id string, results func(Org) []map[string]any) {
	for _, o := range s.Orgs {
		if o.ID == id {
			all := results(o)
			writeJSON(w, map[string]any{"results": all, "totalCount": len(all)})
			return
		}
	}
	writeError(w, http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID "+id+" exists.", "")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", MediaType)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with Atlas' error body.
func writeError(w http.ResponseWriter, status int, code, detail, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"detail": detail, "error": status, "errorCode": code, "parameters": []any{}, "reason": http.StatusText(status),
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
