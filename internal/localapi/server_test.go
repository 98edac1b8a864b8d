package localapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/mongodb-forks/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var specPath = filepath.Join("..", "..", "..", "shared", "reference", "atlas-admin-api-v2-openapi-20250312023.yaml")

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specErr  error
)

// findRoute matches a request to the specification's operation among the
// path templates the server serves.
func findRoute(doc *openapi3.T, req *http.Request) (*routers.Route, map[string]string, bool) {
	// Escaped, as the server's mux matches it: a CIDR block's slash is %2F.
	segments := strings.Split(strings.Trim(req.URL.EscapedPath(), "/"), "/")
	for template := range servedPaths {
		parts := strings.Split(strings.Trim(template, "/"), "/")
		if len(parts) != len(segments) {
			continue
		}
		params, ok := map[string]string{}, true
		for i, part := range parts {
			name, suffix, isParam := strings.Cut(strings.TrimPrefix(part, "{"), "}")
			switch {
			case !strings.HasPrefix(part, "{"):
				ok = ok && part == segments[i]
			case isParam && strings.HasSuffix(segments[i], suffix):
				params[name] = strings.TrimSuffix(segments[i], suffix)
			default:
				ok = false
			}
		}
		item := doc.Paths.Value(template)
		if !ok || item == nil || item.GetOperation(req.Method) == nil {
			continue
		}
		return &routers.Route{Spec: doc, Path: template, PathItem: item, Method: req.Method, Operation: item.GetOperation(req.Method)}, params, true
	}
	return nil, nil, false
}

// router loads the Admin API specification once, when it is present; the
// server itself never needs it.
func router(t *testing.T) *openapi3.T {
	t.Helper()
	if _, err := os.Stat(specPath); err != nil {
		t.Logf("responses not validated: the specification is not at %s", specPath)
		return nil
	}
	specOnce.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromFile(specPath)
		if err != nil {
			specErr = err
			return
		}
		specDoc = doc
	})
	require.NoError(t, specErr, "loading the specification")
	return specDoc
}

// servedPaths are the specification's path templates the server serves.
var servedPaths = map[string]bool{
	"/api/atlas/v2/orgs": true, "/api/atlas/v2/orgs/{orgId}": true, "/api/atlas/v2/orgs/{orgId}/settings": true,
	"/api/atlas/v2/orgs/{orgId}/serviceAccounts": true, "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}": true,
	"/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets":                true,
	"/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}":     true,
	"/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList":             true,
	"/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}": true,
	"/api/atlas/v2/orgs/{orgId}/apiKeys":                                           true, "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}": true,
	"/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList":             true,
	"/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}": true,
	"/api/atlas/v2/groups": true, "/api/atlas/v2/groups/{groupId}": true,
	"/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}":        true,
	"/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite": true,
	"/api/atlas/v2/groups/{groupId}/apiKeys":                           true,
	"/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}":               true,
	"/api/atlas/v2/groups/{groupId}/settings":                          true,
	"/api/atlas/v2/groups/{groupId}/clusters":                          true,
	"/api/atlas/v2/groups/{groupId}/teams":                             true,
	"/api/atlas/v2/groups/{groupId}/managedSlowMs":                     true,
	"/api/atlas/v2/groups/{groupId}/managedSlowMs/disable":             true,
	"/api/atlas/v2/groups/{groupId}/limits":                            true,
	"/api/atlas/v2/groups/{groupId}/ipAddresses":                       true,
	"/api/atlas/v2/orgs/{orgId}/resourcePolicies:validate":             true,
	"/api/atlas/v2/orgs/{orgId}/invoices":                              true,
	"/api/atlas/v2/orgs/{orgId}/invoices/pending":                      true,
	"/api/atlas/v2/orgs/{orgId}/invoices/{invoiceId}":                  true,
	"/api/atlas/v2/orgs/{orgId}/resourcePolicies":                      true,
	"/api/atlas/v2/orgs/{orgId}/resourcePolicies/{resourcePolicyId}":   true,
	"/api/atlas/v2/orgs/{orgId}/users":                                 true,
	"/api/atlas/v2/orgs/{orgId}/users/{userId}":                        true,
	"/api/atlas/v2/orgs/{orgId}/teams":                                 true,
	"/api/atlas/v2/orgs/{orgId}/teams/{teamId}":                        true,
	"/api/atlas/v2/orgs/{orgId}/teams/{teamId}:addUser":                true,
	"/api/atlas/v2/orgs/{orgId}/teams/{teamId}:removeUser":             true,
	"/api/atlas/v2/orgs/{orgId}/teams/{teamId}/users":                  true,
	"/api/atlas/v2/groups/{groupId}/teams/{teamId}":                    true,
	"/api/atlas/v2/groups/{groupId}/users":                             true,
	"/api/atlas/v2/groups/byName/{groupName}":                          true,
	"/api/atlas/v2/orgs/{orgId}/teams/byName/{teamName}":               true,
	"/api/atlas/v2/users/{userId}":                                     true,
	"/api/atlas/v2/users/byName/{userName}":                            true,
	"/api/atlas/v2/orgs/{orgId}/invites":                               true,
	"/api/atlas/v2/orgs/{orgId}/invites/{invitationId}":                true,
	"/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups":     true,
	"/api/atlas/v2/orgs/{orgId}/delegationSettings":                    true,
	"/api/atlas/v2/orgs/{orgId}/nonCompliantResources":                 true,
}

// lenientRegex compiles the specification's patterns; the few written with
// Perl look-ahead, which Go's regexp lacks, match anything.
func lenientRegex(expr string) (openapi3.RegexMatcher, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return regexp.MustCompile(""), nil
	}
	return re, nil
}

// validating checks every answer against the specification.
type validating struct {
	t    *testing.T
	next http.RoundTripper
}

func (v validating) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/api/atlas/v2/") || resp.StatusCode == http.StatusUnauthorized && req.Header.Get("Authorization") == "" {
		return resp, err
	}
	doc := router(v.t)
	if doc == nil {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	route, params, found := findRoute(doc, req)
	if !found {
		v.t.Errorf("%s %s is not in the specification", req.Method, req.URL.Path)
		return resp, err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode, Header: resp.Header,
		// kin-openapi applies RegexCompiler to requests only; answers get it
		// through their schema options.
		Options: &openapi3filter.Options{RegexCompiler: lenientRegex, MultiError: true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.SetSchemaRegexCompiler(lenientRegex)}},
	}
	in.SetBodyBytes(body)
	if verr := openapi3filter.ValidateResponse(context.Background(), in); verr != nil {
		v.t.Errorf("%s %s answered %d outside the specification: %v\n%s", req.Method, req.URL.Path, resp.StatusCode, verr, body)
	}
	return resp, err
}

type harness struct {
	t     *testing.T
	srv   *Server
	http  *httptest.Server
	seed  *Seed
	clock *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func start(t *testing.T, dir string, reset bool) *harness {
	t.Helper()
	return startWithFaults(t, dir, reset, Faults{})
}

func startWithFaults(t *testing.T, dir string, reset bool, faults Faults) *harness {
	t.Helper()
	c := &clock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	srv, seed, err := New(Options{DataDir: dir, Reset: reset, Now: c.Now, Faults: faults})
	require.NoError(t, err)
	h := &harness{t: t, srv: srv, http: httptest.NewServer(srv), seed: seed, clock: c}
	t.Cleanup(h.http.Close)
	return h
}

// bearer returns a client that signs in with a service account, as the
// provider does: a token from /api/oauth/token, then Bearer.
func (h *harness) bearer(clientID, secret string) *client {
	h.t.Helper()
	form := strings.NewReader("grant_type=client_credentials")
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, h.http.URL+"/api/oauth/token", form)
	req.SetBasicAuth(clientID, secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer func() { _ = resp.Body.Close() }()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return &client{h: h, token: tok.AccessToken, status: resp.StatusCode, http: &http.Client{Transport: validating{h.t, http.DefaultTransport}}}
}

// digestClient signs in with an API key through HTTP digest.
func (h *harness) digestClient(publicKey, privateKey string) *client {
	return &client{h: h, status: http.StatusOK,
		http: &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(publicKey, privateKey, validating{h.t, http.DefaultTransport})}}
}

type client struct {
	h      *harness
	http   *http.Client
	token  string
	status int // of the token request
}

// do calls the API and decodes the answer into out (when not nil).
func (c *client) do(method, path, mediaType string, body any, out any) int {
	c.h.t.Helper()
	var reader io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.h.http.URL+path, reader)
	require.NoError(c.h.t, err)
	req.Header.Set("Accept", mediaType)
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	require.NoError(c.h.t, err)
	defer func() { _ = resp.Body.Close() }()
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

const orgs, sas = MediaTypeOrgs, MediaTypeServiceAccounts

type createdOrg struct {
	Organization struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"organization"`
	ServiceAccount struct {
		ClientID string `json:"clientId"`
		Secrets  []struct {
			ID     string `json:"id"`
			Secret string `json:"secret"`
		} `json:"secrets"`
	} `json:"serviceAccount"`
	APIKey struct {
		ID         string `json:"id"`
		PublicKey  string `json:"publicKey"`
		PrivateKey string `json:"privateKey"`
	} `json:"apiKey"`
}

func (h *harness) admin() *client { return h.bearer(h.seed.ClientID, h.seed.ClientSecret) }

func (h *harness) createServiceAccountOrg(name string) (createdOrg, *client) {
	h.t.Helper()
	var out createdOrg
	status := h.admin().do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{
		"name": name, "orgOwnerId": h.seed.OwnerID, "skipDefaultAlertsSettings": true,
		"serviceAccount": map[string]any{"name": "ci", "description": "ci automation", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24},
	}, &out)
	require.Equal(h.t, http.StatusCreated, status)
	return out, h.bearer(out.ServiceAccount.ClientID, out.ServiceAccount.Secrets[0].Secret)
}

// TestProviderConversationServiceAccount replays what the provider 4.14.0
// does for a service-account org: create with the caller's credential, then
// with the new one settings PATCH, reads, rename, delete.
func TestProviderConversationServiceAccount(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-dev-analytics")
	id := created.Organization.ID
	require.Len(t, id, 24)
	require.Equal(t, http.StatusOK, own.status, "the new credential gets a token")

	settings := map[string]any{"apiAccessListRequired": false, "genAIFeaturesEnabled": false, "multiFactorAuthRequired": true,
		"restrictEmployeeAccess": true, "securityContact": "sec@example.com"}
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/orgs/"+id+"/settings", orgs, settings, nil))
	var org map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, &org))
	assert.Equal(t, "acme-dev-analytics", org["name"], "the name is echoed, or the provider diffs forever")
	var got map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+id+"/settings", orgs, nil, &got))
	settings["streamsCrossGroupEnabled"] = false // the provider does not send it: Atlas' default
	assert.Equal(t, settings, got, "every setting stored and echoed, genAIFeaturesEnabled included, and no unset one shown")

	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/orgs/"+id, orgs, map[string]any{"name": "acme-dev-insights", "skipDefaultAlertsSettings": true}, &org))
	assert.Equal(t, "acme-dev-insights", org["name"])
	require.Equal(t, http.StatusNoContent, own.do(http.MethodDelete, "/api/atlas/v2/orgs/"+id, orgs, nil, nil))
	require.Equal(t, http.StatusUnauthorized, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, nil), "its credential went with it")
	require.Equal(t, http.StatusNotFound, h.admin().do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, nil))
}

func TestProviderConversationAPIKey(t *testing.T) {
	h := start(t, t.TempDir(), false)
	var created createdOrg
	require.Equal(t, http.StatusCreated, h.admin().do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{
		"name": "acme-dev-payments", "orgOwnerId": h.seed.OwnerID, "skipDefaultAlertsSettings": true,
		"apiKey": map[string]any{"desc": "payments automation", "roles": []string{"ORG_OWNER", "ORG_BILLING_READ_ONLY"}},
	}, &created))
	id := created.Organization.ID
	own := h.digestClient(created.APIKey.PublicKey, created.APIKey.PrivateKey)
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/orgs/"+id+"/settings", orgs, map[string]any{"multiFactorAuthRequired": true}, nil))
	var keys struct {
		Results []struct {
			ID, PublicKey, PrivateKey string
		} `json:"results"`
		TotalCount int `json:"totalCount"`
	}
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+id+"/apiKeys", orgs, nil, &keys))
	require.Equal(t, 1, keys.TotalCount)
	assert.Equal(t, created.APIKey.PublicKey, keys.Results[0].PublicKey)
	assert.NotEqual(t, created.APIKey.PrivateKey, keys.Results[0].PrivateKey, "the private key is shown only at creation")

	// AccessListApiKey: create, then read the entry back by its escaped CIDR.
	list := "/api/atlas/v2/orgs/" + id + "/apiKeys/" + created.APIKey.ID + "/accessList"
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, list, orgs, []map[string]any{{"cidrBlock": "127.0.0.0/8"}}, nil))
	var entry map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, list+"/127.0.0.0%2F8", orgs, nil, &entry))
	assert.Equal(t, "127.0.0.0/8", entry["cidrBlock"])
	assert.Equal(t, http.StatusNotFound, own.do(http.MethodGet, list+"/10.0.0.0%2F8", orgs, nil, nil))

	wrong := h.digestClient(created.APIKey.PublicKey, "00000000-0000-0000-0000-000000000000")
	assert.Equal(t, http.StatusUnauthorized, wrong.do(http.MethodGet, "/api/atlas/v2/orgs/"+id, orgs, nil, nil))
	require.Equal(t, http.StatusNoContent, own.do(http.MethodDelete, "/api/atlas/v2/orgs/"+id, orgs, nil, nil))
}

func TestRules(t *testing.T) {
	h := start(t, t.TempDir(), false)
	admin := h.admin()
	type apiErr struct {
		ErrorCode string `json:"errorCode"`
		Detail    string `json:"detail"`
		Reason    string `json:"reason"`
		Error     int    `json:"error"`
	}
	check := func(name string, c *client, method, path, media string, body any, status int, code string) {
		t.Run(name, func(t *testing.T) {
			var e apiErr
			assert.Equal(t, status, c.do(method, path, media, body, &e))
			assert.Equal(t, code, e.ErrorCode)
			assert.Equal(t, status, e.Error)
			assert.NotEmpty(t, e.Detail)
			assert.Equal(t, http.StatusText(status), e.Reason)
		})
	}
	sa := map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24}
	check("both credentials", admin, http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{"name": "x", "orgOwnerId": h.seed.OwnerID,
		"serviceAccount": sa, "apiKey": map[string]any{"desc": "d", "roles": []string{"ORG_OWNER"}}}, 400, "INVALID_ATTRIBUTE")
	check("API key without ORG_OWNER", admin, http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{"name": "x", "orgOwnerId": h.seed.OwnerID,
		"apiKey": map[string]any{"desc": "d", "roles": []string{"ORG_MEMBER"}}}, 400, "INVALID_ATTRIBUTE")

	created, own := h.createServiceAccountOrg("acme-child")
	child := created.Organization.ID
	check("a non-paying org cannot create orgs", own, http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{"name": "y", "orgOwnerId": h.seed.OwnerID, "serviceAccount": sa},
		403, "NOT_PAYING_ORGANIZATION")
	var member struct {
		ClientID string `json:"clientId"`
		Secrets  []struct {
			Secret string `json:"secret"`
		} `json:"secrets"`
	}
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+child+"/serviceAccounts", sas,
		map[string]any{"name": "reader", "description": "reads", "roles": []string{"ORG_MEMBER"}, "secretExpiresAfterHours": 24}, &member))
	reader := h.bearer(member.ClientID, member.Secrets[0].Secret)
	check("a caller without Organization Owner", reader, http.MethodPatch, "/api/atlas/v2/orgs/"+child+"/settings", orgs, map[string]any{"multiFactorAuthRequired": false},
		403, "USER_UNAUTHORIZED")
	check("another org's credential", own, http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID, orgs, nil, 403, "USER_UNAUTHORIZED")

	var project map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": child}, &project))
	check("an org with projects cannot be deleted", own, http.MethodDelete, "/api/atlas/v2/orgs/"+child, orgs, nil, 409, "CANNOT_DELETE_ORG_ACTIVE_PROJECTS")
	check("wrong media type", own, http.MethodGet, "/api/atlas/v2/orgs/"+child, "application/json", nil, 406, "INVALID_MEDIA_TYPE")
	check("service accounts have their own version", own, http.MethodGet, "/api/atlas/v2/orgs/"+child+"/serviceAccounts", orgs, nil, 406, "INVALID_MEDIA_TYPE")

	// The access list: required, and this caller (127.0.0.1) not on it.
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+child+"/serviceAccounts/"+created.ServiceAccount.ClientID+"/accessList", sas,
		[]map[string]string{{"cidrBlock": "10.0.0.0/8"}}, nil))
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/orgs/"+child+"/settings", orgs, map[string]any{"apiAccessListRequired": true}, nil))
	check("an address not on the access list", own, http.MethodGet, "/api/atlas/v2/orgs/"+child, orgs, nil, 403, "IP_ADDRESS_NOT_ON_ACCESS_LIST")

	// Expired secrets stop working.
	expiring, _ := h.createServiceAccountOrg("acme-expiring")
	h.clock.Add(25 * time.Hour)
	late := h.bearer(expiring.ServiceAccount.ClientID, expiring.ServiceAccount.Secrets[0].Secret)
	assert.Equal(t, http.StatusUnauthorized, late.status, "no token for an expired secret")
}

func TestRotationAndAssignments(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-rotating")
	org, clientID := created.Organization.ID, created.ServiceAccount.ClientID
	var secret struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, "/api/atlas/v2/orgs/"+org+"/serviceAccounts/"+clientID+"/secrets", sas,
		map[string]any{"secretExpiresAfterHours": 720}, &secret))
	h.clock.Add(30 * time.Hour) // the first secret (24 h) has expired
	fresh := h.bearer(clientID, secret.Secret)
	require.Equal(t, http.StatusOK, fresh.status, "the rotated secret signs in")

	var project struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusOK, fresh.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": org}, &project))
	var assigned map[string]any
	require.Equal(t, http.StatusOK, fresh.do(http.MethodPost, "/api/atlas/v2/groups/"+project.ID+"/serviceAccounts/"+clientID+":invite", sas,
		map[string]any{"roles": []string{"GROUP_OWNER"}}, &assigned))
	assert.Equal(t, []any{"GROUP_OWNER"}, assigned["roles"])
	require.Equal(t, http.StatusOK, fresh.do(http.MethodGet, "/api/atlas/v2/groups/"+project.ID+"/serviceAccounts/"+clientID, sas, nil, &assigned))

	var key struct {
		ID string `json:"id"`
	}
	require.Equal(t, http.StatusOK, fresh.do(http.MethodPost, "/api/atlas/v2/orgs/"+org+"/apiKeys", orgs, map[string]any{"desc": "d", "roles": []string{"ORG_MEMBER"}}, &key))
	require.Equal(t, http.StatusOK, fresh.do(http.MethodPost, "/api/atlas/v2/groups/"+project.ID+"/apiKeys/"+key.ID, orgs,
		[]map[string][]string{{"roles": {"GROUP_READ_ONLY"}}}, nil))
	var listed struct {
		TotalCount int `json:"totalCount"`
	}
	require.Equal(t, http.StatusOK, fresh.do(http.MethodGet, "/api/atlas/v2/groups/"+project.ID+"/apiKeys", orgs, nil, &listed))
	assert.Equal(t, 1, listed.TotalCount)
	require.Equal(t, http.StatusNoContent, fresh.do(http.MethodDelete, "/api/atlas/v2/groups/"+project.ID+"/apiKeys/"+key.ID, orgs, nil, nil))
	require.Equal(t, http.StatusAccepted, fresh.do(http.MethodDelete, "/api/atlas/v2/groups/"+project.ID, orgs, nil, nil))
	require.Equal(t, http.StatusNoContent, fresh.do(http.MethodDelete, "/api/atlas/v2/orgs/"+org, orgs, nil, nil), "deletable once its projects are gone")
}

func TestPagination(t *testing.T) {
	h := start(t, t.TempDir(), false)
	admin := h.admin()
	for i := range 4 {
		require.Equal(t, http.StatusCreated, admin.do(http.MethodPost, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/serviceAccounts", sas,
			map[string]any{"name": fmt.Sprintf("sa%d", i), "description": "d", "roles": []string{"ORG_MEMBER"}, "secretExpiresAfterHours": 24}, nil))
	}
	seen := map[string]bool{}
	for p := 1; p <= 3; p++ {
		var page struct {
			Results []struct {
				ClientID string `json:"clientId"`
			} `json:"results"`
			TotalCount int `json:"totalCount"`
		}
		require.Equal(t, http.StatusOK, admin.do(http.MethodGet, fmt.Sprintf("/api/atlas/v2/orgs/%s/serviceAccounts?pageNum=%d&itemsPerPage=2", h.seed.PayingOrgID, p), sas, nil, &page))
		assert.Equal(t, 5, page.TotalCount)
		assert.Len(t, page.Results, map[int]int{1: 2, 2: 2, 3: 1}[p])
		for _, r := range page.Results {
			assert.False(t, seen[r.ClientID], "no service account on two pages")
			seen[r.ClientID] = true
		}
	}
	assert.Len(t, seen, 5)
	assert.Equal(t, http.StatusBadRequest, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/serviceAccounts?itemsPerPage=501", sas, nil, nil))
}

func TestStatePersistsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	first := start(t, dir, false)
	created, _ := first.createServiceAccountOrg("acme-persistent")
	info, err := os.Stat(filepath.Join(dir, "state.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the state holds secrets")

	second := start(t, dir, false)
	assert.Nil(t, second.seed, "an existing state is not seeded again")
	second.seed = first.seed
	own := second.bearer(created.ServiceAccount.ClientID, created.ServiceAccount.Secrets[0].Secret)
	require.Equal(t, http.StatusOK, own.status, "credentials survive the restart")
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/orgs/"+created.Organization.ID, orgs, nil, nil))

	fresh := start(t, dir, true)
	require.NotNil(t, fresh.seed, "--reset starts over with a new paying org")
	assert.NotEqual(t, first.seed.PayingOrgID, fresh.seed.PayingOrgID)
	assert.Equal(t, http.StatusUnauthorized, fresh.bearer(created.ServiceAccount.ClientID, created.ServiceAccount.Secrets[0].Secret).status)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "state.json"), []byte("{torn"), 0o600))
	_, _, err = New(Options{DataDir: dir})
	assert.ErrorContains(t, err, "is not valid JSON (start with --reset to discard it)")
}

func TestFiftyParallelCreates(t *testing.T) {
	dir := t.TempDir()
	h := start(t, dir, false)
	admin := h.admin()
	var wg sync.WaitGroup
	ids := make([]string, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out createdOrg
			status := admin.do(http.MethodPost, "/api/atlas/v2/orgs", orgs, map[string]any{
				"name": fmt.Sprintf("acme-%02d", i), "orgOwnerId": h.seed.OwnerID,
				"serviceAccount": map[string]any{"name": "ci", "description": "ci", "roles": []string{"ORG_OWNER"}, "secretExpiresAfterHours": 24},
			}, &out)
			assert.Equal(t, http.StatusCreated, status)
			ids[i] = out.Organization.ID
		}()
	}
	wg.Wait()
	unique := map[string]bool{}
	for _, id := range ids {
		unique[id] = true
	}
	assert.Len(t, unique, 50, "no lost or duplicated org")
	state, err := load(filepath.Join(dir, "state.json"))
	require.NoError(t, err)
	assert.Len(t, state.Orgs, 51, "all 50 and the paying org are on disk")
}

func TestAChangeThatCannotBeSavedIsNotReportedAsDone(t *testing.T) {
	dir := t.TempDir()
	h := start(t, dir, false)
	admin := h.admin()
	require.NoError(t, os.RemoveAll(dir), "the state can no longer be written")
	var e struct {
		ErrorCode string `json:"errorCode"`
	}
	status := admin.do(http.MethodPatch, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/settings", orgs, map[string]any{"multiFactorAuthRequired": true}, &e)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, "UNEXPECTED_ERROR", e.ErrorCode)
	var settings map[string]any
	assert.Equal(t, http.StatusOK, admin.do(http.MethodGet, "/api/atlas/v2/orgs/"+h.seed.PayingOrgID+"/settings", orgs, nil, &settings), "reads go on")
	assert.Equal(t, false, settings["multiFactorAuthRequired"], "and do not show the change that was not saved")
}

// TestProjectConversation replays what the provider 4.14.0 does for a
// Project (measured with the real plugin against atlas-local): create, then
// the project's settings and its clusters, on every read and before delete.
func TestProjectConversation(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-dev-analytics")
	var group map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodPost, "/api/atlas/v2/groups", orgs, map[string]any{"name": "app", "orgId": created.Organization.ID,
		"tags": []map[string]string{{"key": "team", "value": "data"}}}, &group))
	id := group["id"].(string)
	assert.Equal(t, []any{map[string]any{"key": "team", "value": "data"}}, group["tags"], "tags are stored and echoed, or the provider diffs forever")
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/groups/"+id, orgs, map[string]any{"tags": []map[string]string{}}, &group))
	assert.Empty(t, group["tags"])
	assert.Equal(t, "app", group["name"])
	assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPatch, "/api/atlas/v2/groups/"+id, orgs,
		map[string]any{"tags": []map[string]string{{"key": "a"}, {"key": "a"}}}, nil))

	var settings map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/settings", orgs, nil, &settings))
	assert.Equal(t, true, settings["isDataExplorerEnabled"], "Atlas' defaults")
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, "/api/atlas/v2/groups/"+id+"/settings", orgs, map[string]any{"isDataExplorerEnabled": false}, &settings))
	assert.Equal(t, false, settings["isDataExplorerEnabled"])
	assert.Equal(t, true, settings["isSchemaAdvisorEnabled"], "a PATCH changes only what it names")
	assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPatch, "/api/atlas/v2/groups/"+id+"/settings", orgs, map[string]any{"isDataExplorerEnabledd": false}, nil))

	var clusters map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/clusters", sas, nil, &clusters))
	assert.Equal(t, float64(0), clusters["totalCount"])
	assert.Equal(t, http.StatusNotFound, own.do(http.MethodGet, "/api/atlas/v2/groups/"+strings.Repeat("0", 24)+"/clusters", sas, nil, nil))
	var managed bool
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/managedSlowMs", orgs, nil, &managed))
	assert.True(t, managed, "Atlas manages the threshold of a new project")
	require.Equal(t, http.StatusNoContent, own.do(http.MethodDelete, "/api/atlas/v2/groups/"+id+"/managedSlowMs/disable", orgs, nil, nil))
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/managedSlowMs", orgs, nil, &managed))
	assert.False(t, managed)
	var teams map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/teams", orgs, nil, &teams))
	assert.Equal(t, float64(0), teams["totalCount"])
	var limits []any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/limits", orgs, nil, &limits))
	assert.Empty(t, limits)
	var addresses map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, "/api/atlas/v2/groups/"+id+"/ipAddresses", orgs, nil, &addresses))
	assert.Equal(t, id, addresses["groupId"])
	require.Equal(t, http.StatusAccepted, own.do(http.MethodDelete, "/api/atlas/v2/groups/"+id, orgs, nil, nil))
}

// TestResourcePolicies: bodies are parsed as Cedar, as Atlas does.
func TestResourcePolicies(t *testing.T) {
	h := start(t, t.TempDir(), false)
	created, own := h.createServiceAccountOrg("acme-prod-core")
	base := "/api/atlas/v2/orgs/" + created.Organization.ID + "/resourcePolicies"
	body := `forbid (principal, action == ResourcePolicy::Action::"project.ipAccessList.modify", resource) ` +
		`when { context.project.ipAccessList.contains(ip("0.0.0.0/0")) };`
	var policy map[string]any
	require.Equal(t, http.StatusCreated, own.do(http.MethodPost, base, sas, map[string]any{
		"name": "atlas-multiorg-block-wildcard-ip", "description": "d", "policies": []map[string]any{{"body": body}},
	}, &policy))
	id := policy["id"].(string)
	assert.Equal(t, body, policy["policies"].([]any)[0].(map[string]any)["body"])
	// The provider validates in every preview, an existing policy too (under
	// its own name, measured), and that must save nothing.
	assert.Equal(t, http.StatusOK, own.do(http.MethodPost, base+":validate", sas, map[string]any{"name": "atlas-multiorg-block-wildcard-ip", "policies": []map[string]any{{"body": body}}}, nil))
	var invalid map[string]any
	require.Equal(t, http.StatusBadRequest, own.do(http.MethodPost, base+":validate", sas, map[string]any{"name": "v", "policies": []map[string]any{{"body": "permit"}}}, &invalid))
	assert.Equal(t, "INVALID_POLICIES", invalid["errorType"])

	tests := map[string]struct {
		request map[string]any
		status  int
	}{
		"not cedar":       {map[string]any{"name": "x", "policies": []map[string]any{{"body": "forbid everything"}}}, http.StatusBadRequest},
		"no policies":     {map[string]any{"name": "x", "policies": []map[string]any{}}, http.StatusBadRequest},
		"no name":         {map[string]any{"policies": []map[string]any{{"body": body}}}, http.StatusBadRequest},
		"a name in use":   {map[string]any{"name": "atlas-multiorg-block-wildcard-ip", "policies": []map[string]any{{"body": body}}}, http.StatusBadRequest},
		"a second, valid": {map[string]any{"name": "lock", "policies": []map[string]any{{"body": `forbid (principal, action, resource);`}}}, http.StatusCreated},
	}
	for name, tc := range tests {
		assert.Equal(t, tc.status, own.do(http.MethodPost, base, sas, tc.request, nil), name)
	}
	var list []map[string]any
	require.Equal(t, http.StatusOK, own.do(http.MethodGet, base, sas, nil, &list))
	assert.Len(t, list, 2, "the created two; validate saved nothing")
	require.Equal(t, http.StatusOK, own.do(http.MethodPatch, base+"/"+id, sas, map[string]any{"description": "new"}, &policy))
	assert.Equal(t, "new", policy["description"])
	assert.Equal(t, "v1", policy["version"], "the version Atlas set at creation")
	assert.Equal(t, http.StatusBadRequest, own.do(http.MethodPatch, base+"/"+id, sas, map[string]any{"policies": []map[string]any{{"body": "permit ("}}}, nil))
	assert.Equal(t, http.StatusForbidden, h.admin().do(http.MethodGet, base+"/"+id, sas, nil, nil), "another organization's credential")
	require.Equal(t, http.StatusOK, own.do(http.MethodDelete, base+"/"+id, sas, nil, nil))
	assert.Equal(t, http.StatusNotFound, own.do(http.MethodGet, base+"/"+id, sas, nil, nil))
}
