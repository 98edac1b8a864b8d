package localapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atlas-multiorg/atlas-multiorg/internal/httpdigest"
)

// Versioned media types, as the specification assigns them to the routes.
const (
	MediaTypeOrgs            = "application/vnd.atlas.2023-01-01+json"
	MediaTypeServiceAccounts = "application/vnd.atlas.2024-08-05+json"
	// MediaTypeDelegationSettings is the version of an organization's
	// delegation settings.
	MediaTypeDelegationSettings = "application/vnd.atlas.2025-03-12+json"
	tokenLifetime               = time.Hour
	nonceLifetime               = 5 * time.Minute
)

// Options configure a Server.
type Options struct {
	// DataDir holds the state file, state.json.
	DataDir string
	// Reset discards any saved state.
	Reset bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Faults are injected into the answers.
	Faults Faults
	// ConsoleToken signs in to the console (console.go); "" turns it off.
	ConsoleToken string
	// Preset, when set, changes a new state after its seed and before it
	// is first saved: tests add hand-made organizations with fixed IDs.
	Preset func(state *State)
	// OwnerUsername is the username (an email address) of the paying
	// organization's owner in a new state; "" is local-owner@example.com.
	// An existing state keeps its owner.
	OwnerUsername string
}

// Seed is the paying organization and its service account that a new state
// starts with, and its owner: an active MongoDB Cloud user whose ID to use as
// orgOwnerId.
type Seed struct {
	PayingOrgID   string `json:"payingOrgId"`
	OwnerID       string `json:"orgOwnerId"`
	OwnerUsername string `json:"orgOwnerUsername"`
	ClientID      string `json:"clientId"`
	ClientSecret  string `json:"clientSecret"`
}

// Server is the local Admin API. It is an http.Handler.
type Server struct {
	mu     sync.Mutex
	state  *State
	path   string
	now    func() time.Time
	opts   Options
	nonces map[string]time.Time
	// revoked are revoked OAuth2 access tokens, until they expire.
	revoked map[string]time.Time
	mux     http.Handler
	// commits saves the state after changes (group commit).
	commits *committer
}

// New opens (or, with Reset or on first use, creates) the state in
// opts.DataDir. A new state is seeded with a paying organization and one
// service account, returned as seed; an existing one returns a nil seed.
func New(opts Options) (*Server, *Seed, error) {
	if opts.OwnerUsername != "" {
		if e := checkUsername(opts.OwnerUsername); e != nil {
			return nil, nil, fmt.Errorf("the owner's username %q is not an email address", opts.OwnerUsername)
		}
	}
	s := &Server{path: filepath.Join(opts.DataDir, "state.json"), now: opts.Now, opts: opts, nonces: map[string]time.Time{}, revoked: map[string]time.Time{}}
	if s.now == nil {
		s.now = time.Now
	}
	// Answers count down; the caller's slice stays as it was given.
	s.opts.Faults.Answers = slices.Clone(opts.Faults.Answers)
	if s.opts.Faults.History == nil {
		s.opts.Faults.History = NewFaultHistory()
	}
	state := newState()
	if !opts.Reset {
		var err error
		if state, err = load(s.path); err != nil {
			return nil, nil, err
		}
	}
	s.state = state
	var seed *Seed
	if len(state.Orgs) == 0 {
		seed = s.seed()
		if opts.Preset != nil {
			opts.Preset(state)
		}
	}
	registered := s.registerOwners()
	forgotten := forgetClearSecrets(state)
	if seed != nil || registered || forgotten || state.TokenKey == "" {
		if state.TokenKey == "" {
			state.TokenKey = randomHex(32)
		}
		if err := save(s.path, s.state); err != nil {
			return nil, nil, err
		}
	}
	s.commits = newCommitter(s, writeAtomic)
	var err error
	if s.commits.lastGood, err = json.Marshal(s.state); err != nil {
		return nil, nil, err
	}
	s.routes()
	return s, seed, nil
}

// seededOwner is the username of the paying organization's owner, the
// person who created it.
const seededOwner = "local-owner@example.com"

func (s *Server) seed() *Seed {
	now := s.now().UTC()
	owner := &Person{ID: newID(), Username: cmp.Or(s.opts.OwnerUsername, seededOwner), CreatedAt: now.Truncate(time.Second), LastAuth: now.Truncate(time.Second)}
	s.state.People[owner.ID] = owner
	org := &Org{ID: newID(), Name: "local-paying-org", Paying: true, OwnerID: owner.ID, SkipDefaultAlertsSettings: true,
		Settings: Settings{GenAIFeaturesEnabled: true}, ServiceAccounts: map[string]*ServiceAccount{}, APIKeys: map[string]*APIKey{}}
	sa := &ServiceAccount{ClientID: "mdb_sa_id_" + newID(), Name: "local-admin", Description: "seeded by atlas-local",
		Roles: []string{"ORG_OWNER"}, CreatedAt: now}
	secret := &Secret{ID: newID(), CreatedAt: now, ExpiresAt: now.Add(8760 * time.Hour)}
	secret.set("mdb_sa_sk_" + randomHex(24))
	sa.Secrets = []*Secret{secret}
	org.ServiceAccounts[sa.ClientID] = sa
	s.state.Orgs[org.ID] = org
	return &Seed{PayingOrgID: org.ID, OwnerID: owner.ID, OwnerUsername: owner.Username, ClientID: sa.ClientID, ClientSecret: secret.clear}
}

// registerOwners gives every organization owner of a state saved before
// atlas-local kept people an account, so that orgOwnerId names a real user
// there too. It reports whether it registered anyone.
func (s *Server) registerOwners() bool {
	if s.state.People == nil {
		s.state.People = map[string]*Person{}
	}
	registered := false
	for _, id := range sortedKeys(s.state.Orgs) {
		org := s.state.Orgs[id]
		if org.OwnerID == "" || s.state.People[org.OwnerID] != nil {
			continue
		}
		username := seededOwner
		if s.personNamed(username) != nil {
			username = "owner-" + org.OwnerID + "@example.com"
		}
		now := s.now().UTC().Truncate(time.Second)
		s.state.People[org.OwnerID] = &Person{ID: org.OwnerID, Username: username, CreatedAt: now}
		registered = true
	}
	return registered
}

// personNamed is the account whose username is username, ignoring case.
func (s *Server) personNamed(username string) *Person {
	for _, p := range s.state.People {
		if strings.EqualFold(p.Username, username) {
			return p
		}
	}
	return nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Faults.Latency > 0 {
		time.Sleep(s.opts.Faults.Latency)
	}
	if strings.HasPrefix(r.URL.Path, "/api/atlas/") {
		fault, key := s.faultFor(r)
		s.serveWithFault(w, r, fault, key)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// principal is an authenticated caller.
type principal struct {
	org *Org
	// otherOrgs are the organizations besides org where the credential has
	// its roles.
	otherOrgs []*Org
	kind      string // "serviceAccount" or "apiKey"
	id        string // client ID or API key ID
	roles     []string
	// accessList is the credential's API access list.
	accessList []AccessListEntry
}

func (p *principal) isOwner(org *Org) bool {
	return p.isMember(org) && slices.Contains(p.roles, "ORG_OWNER")
}

func (p *principal) isMember(org *Org) bool {
	return org != nil && (p.org == org || slices.Contains(p.otherOrgs, org))
}

// orgs are the organizations the caller has access to: its own first.
func (p *principal) orgs() []*Org { return append([]*Org{p.org}, p.otherOrgs...) }

// handler is an API handler that runs with the state locked and the caller known.
type handler func(w http.ResponseWriter, r *http.Request, caller *principal) *apiError

// apiError is an answer in Atlas' error body.
type apiError struct {
	status int
	code   string
	detail string
}

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

// api wraps a handler: media type, authentication, access list, locking,
// and saving the state after a change.
func (s *Server) api(mediaType string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if accept := r.Header.Get("Accept"); accept != mediaType {
			writeError(w, mediaType, http.StatusNotAcceptable, "INVALID_MEDIA_TYPE",
				fmt.Sprintf("This resource is served as %s; the request accepted %q.", mediaType, accept))
			return
		}
		s.mu.Lock()
		locked := true
		defer func() {
			if locked {
				s.mu.Unlock()
			}
		}()
		caller, challenge := s.authenticate(r)
		if caller == nil {
			w.Header().Set("WWW-Authenticate", challenge)
			writeError(w, mediaType, http.StatusUnauthorized, "NOT_ORG_GROUP_CREATOR", "You are not authorized for this resource.")
			return
		}
		if caller.org.Settings.APIAccessListRequired && !onAccessList(caller.accessList, r.RemoteAddr) {
			writeError(w, mediaType, http.StatusForbidden, "IP_ADDRESS_NOT_ON_ACCESS_LIST",
				fmt.Sprintf("IP address %s is not allowed to access this resource.", host(r.RemoteAddr)))
			return
		}
		if a, ok := s.faultAnswer(r.URL.Path); ok {
			if a.RetryAfter != "" {
				w.Header().Set("Retry-After", a.RetryAfter)
			}
			writeError(w, mediaType, a.Status, a.ErrorCode, "Injected failure.")
			return
		}
		buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
		buf.header.Set("Content-Type", mediaType)
		if e := h(buf, s.withMaxItems(r), caller); e != nil {
			writeError(w, mediaType, e.status, e.code, e.detail)
			return
		}
		locked = false
		s.answerOnceSaved(w, r, mediaType, buf)
	}
}

// answerOnceSaved releases s.mu, which the caller holds, and sends the
// answer once what it shows is on disk: a client must not be told about a
// change that a crash would lose. The wait is outside the lock, so other
// requests go on meanwhile.
func (s *Server) answerOnceSaved(w http.ResponseWriter, r *http.Request, mediaType string, answer *bufferedResponse) {
	gen := s.commits.seen()
	if r.Method != http.MethodGet {
		gen = s.commits.changed()
	}
	s.mu.Unlock()
	if !s.commits.wait(gen) {
		writeError(w, mediaType, http.StatusInternalServerError, "UNEXPECTED_ERROR", "The change could not be saved; it was undone.")
		return
	}
	answer.flush(w)
}

// bufferedResponse holds an answer until it is sent.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }

func (b *bufferedResponse) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes()) // the client hung up, if this fails
}

// authenticate checks a bearer token or an HTTP digest response. Without
// either it returns a new digest challenge.
func (s *Server) authenticate(r *http.Request) (*principal, string) {
	header := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(header, "Bearer "); ok {
		if clientID := s.tokenClient(tok); clientID != "" {
			if org, sa := s.findServiceAccount(clientID); sa != nil && s.hasValidSecret(sa) {
				return &principal{org: org, otherOrgs: s.orgsByID(sa.OtherOrgIDs), kind: "serviceAccount", id: sa.ClientID, roles: sa.Roles, accessList: sa.AccessList}, ""
			}
		}
	}
	if params, ok := httpdigest.Parse(header); ok {
		if p := s.checkDigest(r, params); p != nil {
			return p, ""
		}
	}
	for n, issued := range s.nonces {
		if s.now().Sub(issued) > nonceLifetime {
			delete(s.nonces, n)
		}
	}
	nonce := randomHex(16)
	s.nonces[nonce] = s.now()
	return nil, httpdigest.Challenge(nonce)
}

func (s *Server) checkDigest(r *http.Request, p map[string]string) *principal {
	issued, known := s.nonces[p["nonce"]]
	if !known || s.now().Sub(issued) > nonceLifetime {
		return nil
	}
	org, key := s.findAPIKey(p["username"])
	if key == nil || p["realm"] != httpdigest.Realm || !httpdigest.ValidHA1(p, r.Method, r.URL.RequestURI(), key.HA1) {
		return nil
	}
	return &principal{org: org, otherOrgs: s.orgsByID(key.OtherOrgIDs), kind: "apiKey", id: key.ID, roles: key.Roles, accessList: key.AccessList}
}

// orgsByID are the organizations of ids that exist, in that order.
func (s *Server) orgsByID(ids []string) []*Org {
	var orgs []*Org
	for _, id := range ids {
		if org := s.state.Orgs[id]; org != nil {
			orgs = append(orgs, org)
		}
	}
	return orgs
}

func (s *Server) findServiceAccount(clientID string) (*Org, *ServiceAccount) {
	for _, org := range s.state.Orgs {
		if sa, ok := org.ServiceAccounts[clientID]; ok {
			return org, sa
		}
	}
	return nil, nil
}

func (s *Server) findAPIKey(publicKey string) (*Org, *APIKey) {
	for _, org := range s.state.Orgs {
		for _, k := range org.APIKeys {
			if k.PublicKey == publicKey {
				return org, k
			}
		}
	}
	return nil, nil
}

// hasValidSecret: a service account whose secrets have all expired can no
// longer sign in.
func (s *Server) hasValidSecret(sa *ServiceAccount) bool {
	for _, sec := range sa.Secrets {
		if s.now().Before(sec.ExpiresAt) {
			return true
		}
	}
	return false
}

// token is POST /api/oauth/token: client credentials with HTTP basic auth.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	_, sa := s.findServiceAccount(id)
	if !ok || sa == nil || !s.secretMatches(sa, secret) {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	tok := s.issueToken(id)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": int(tokenLifetime.Seconds())})
}

// revoke is POST /api/oauth/revoke.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, secret, ok := r.BasicAuth()
	_, sa := s.findServiceAccount(id)
	if !ok || sa == nil || !s.secretMatches(sa, secret) || r.ParseForm() != nil {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	if tok := r.PostForm.Get("token"); s.tokenClient(tok) == id {
		s.revokeToken(tok)
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) secretMatches(sa *ServiceAccount, secret string) bool {
	for _, sec := range sa.Secrets {
		if s.now().Before(sec.ExpiresAt) && sec.verifies(secret) {
			return true
		}
	}
	return false
}

func onAccessList(entries []AccessListEntry, remoteAddr string) bool {
	addr, err := netip.ParseAddr(host(remoteAddr))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.IPAddress != "" {
			if ip, err := netip.ParseAddr(e.IPAddress); err == nil && ip.Unmap() == addr.Unmap() {
				return true
			}
		}
		if e.CIDRBlock != "" {
			if p, err := netip.ParsePrefix(e.CIDRBlock); err == nil && p.Contains(addr.Unmap()) {
				return true
			}
		}
	}
	return false
}

func host(remoteAddr string) string {
	h, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return h
}

// writeError answers with Atlas' error body: detail, error, errorCode,
// parameters, reason. The specification serves errors as plain JSON, whatever
// the route's versioned media type.
func writeError(w http.ResponseWriter, _ string, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"detail": detail, "error": status, "errorCode": code, "parameters": []any{}, "reason": http.StatusText(status),
	})
}

func writeOAuthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, status int, v any) *apiError {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
	return nil
}

// page answers a list with Atlas' paging: pageNum, itemsPerPage (at most 500).
func page[T any](w http.ResponseWriter, r *http.Request, all []T) *apiError {
	num, per := 1, 100
	if v := r.URL.Query().Get("pageNum"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fail(http.StatusBadRequest, "INVALID_QUERY_PARAMETER", "pageNum must be a positive integer.")
		}
		num = n
	}
	if v := r.URL.Query().Get("itemsPerPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return fail(http.StatusBadRequest, "INVALID_QUERY_PARAMETER", "itemsPerPage must be between 1 and 500.")
		}
		per = n
	}
	if most, ok := r.Context().Value(maxItemsKey{}).(int); ok {
		per = min(per, most)
	}
	start := min((num-1)*per, len(all))
	results := all[start:min(start+per, len(all))]
	if results == nil {
		results = []T{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"results": results, "totalCount": len(all), "links": []any{}})
}

func decode(r *http.Request, into any) *apiError {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(into); err != nil {
		return fail(http.StatusBadRequest, "MALFORMED_REQUEST_BODY", "The request body is not valid JSON for this resource: %v", err)
	}
	return nil
}
