// Package atlasapi is a small Atlas Admin API v2 client for the command-line
// tool: it authenticates the way the mongodbatlas provider does (a service
// account through OAuth2 client credentials, or an API key through HTTP
// digest), reads organizations and their settings, and switches an
// organization's apiAccessListRequired.
package atlasapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mongodb-forks/digest"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// MediaType is the versioned media type of the organization endpoints, the
// one the provider 4.14.0 sends.
const MediaType = "application/vnd.atlas.2023-01-01+json"

// DefaultBaseURL is Atlas itself.
const DefaultBaseURL = "https://cloud.mongodb.com"

// Credentials are an access token's, a service account's or an API key's,
// used in that order, as the provider does (see Resolve).
type Credentials struct {
	AccessToken            string
	ClientID, ClientSecret string
	PublicKey, PrivateKey  string
}

// Client calls the Admin API v2.
type Client struct {
	base    string
	http    *http.Client
	retries int
	sleep   func(context.Context, time.Duration) error
	// pageSize is the itemsPerPage of list calls.
	pageSize int
}

// Option configures a Client.
type Option func(*Client)

// WithRetries bounds how often a 429 or 5xx answer is retried (default 3).
func WithRetries(n int) Option { return func(c *Client) { c.retries = n } }

// WithSleep replaces the wait between retries, for tests.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}

// WithPageSize sets itemsPerPage of list calls (default 500, Atlas' maximum).
func WithPageSize(n int) Option { return func(c *Client) { c.pageSize = n } }

// WithHTTPClient sets the client under the authentication, for tests.
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// New returns a client for baseURL that signs in with creds.
func New(ctx context.Context, baseURL string, creds Credentials, opts ...Option) (*Client, error) {
	c := &Client{base: strings.TrimRight(baseURL, "/"), retries: 3, sleep: sleepContext, pageSize: 500, http: http.DefaultClient}
	for _, o := range opts {
		o(c)
	}
	if _, err := url.ParseRequestURI(c.base); err != nil {
		return nil, fmt.Errorf("base URL %q is not a URL", baseURL)
	}
	underlying := c.http.Transport
	if underlying == nil {
		underlying = http.DefaultTransport
	}
	switch {
	case creds.AccessToken != "":
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: underlying, Timeout: c.http.Timeout})
		c.http = oauth2.NewClient(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: creds.AccessToken, TokenType: "Bearer"}))
	case creds.ClientID != "" && creds.ClientSecret != "":
		cfg := clientcredentials.Config{
			ClientID:     creds.ClientID,
			ClientSecret: creds.ClientSecret,
			TokenURL:     c.base + "/api/oauth/token",
			AuthStyle:    oauth2.AuthStyleInHeader,
		}
		ctx = context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: underlying, Timeout: c.http.Timeout})
		c.http = cfg.Client(ctx)
	case creds.PublicKey != "" && creds.PrivateKey != "":
		c.http = &http.Client{Transport: digest.NewTransportWithHTTPRoundTripper(creds.PublicKey, creds.PrivateKey, underlying), Timeout: c.http.Timeout}
	default:
		return nil, errors.New("no Atlas credentials: set MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET (a service account), " +
			"or MONGODB_ATLAS_PUBLIC_KEY and MONGODB_ATLAS_PRIVATE_KEY (an API key)")
	}
	return c, nil
}

// Organization is an organization the credential can see.
type Organization struct {
	ID                        string `json:"id"`
	Name                      string `json:"name"`
	IsDeleted                 bool   `json:"isDeleted"`
	SkipDefaultAlertsSettings bool   `json:"skipDefaultAlertsSettings"`
}

// Settings are an organization's settings that provider 4.14.0 knows;
// PluginSettings are the others, of the same endpoint.
type Settings struct {
	APIAccessListRequired   bool   `json:"apiAccessListRequired"`
	GenAIFeaturesEnabled    *bool  `json:"genAIFeaturesEnabled"`
	MultiFactorAuthRequired bool   `json:"multiFactorAuthRequired"`
	RestrictEmployeeAccess  bool   `json:"restrictEmployeeAccess"`
	SecurityContact         string `json:"securityContact"`
}

// maxPages bounds paging, so an answer whose totalCount never comes true
// cannot keep the tool calling forever: 1,000 pages of 500 organizations.
const maxPages = 1000

// ListOrganizations returns every organization the credential can see,
// reading every page.
func (c *Client) ListOrganizations(ctx context.Context) ([]Organization, error) {
	return listAll[Organization](ctx, c, "/api/atlas/v2/orgs", MediaType, nil, "listing organizations")
}

// listAll reads every page of a list endpoint; what names the list in errors.
func listAll[T any](ctx context.Context, c *Client, path, media string, query url.Values, what string) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		if page > maxPages {
			return nil, fmt.Errorf("%s: still short of the reported total after %d pages; the answers are inconsistent", what, maxPages)
		}
		var body struct {
			Results    []T `json:"results"`
			TotalCount int `json:"totalCount"`
		}
		q := url.Values{"pageNum": {strconv.Itoa(page)}, "itemsPerPage": {strconv.Itoa(c.pageSize)}, "includeCount": {"true"}}
		for k, v := range query {
			q[k] = v
		}
		if err := c.getAs(ctx, path+"?"+q.Encode(), media, &body); err != nil {
			return nil, fmt.Errorf("%s (page %d): %w", what, page, err)
		}
		all = append(all, body.Results...)
		if len(body.Results) == 0 || len(all) >= body.TotalCount {
			return all, nil
		}
	}
}

// OrganizationSettings reads one organization's settings.
func (c *Client) OrganizationSettings(ctx context.Context, orgID string) (Settings, error) {
	var s Settings
	if err := c.get(ctx, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/settings", &s); err != nil {
		return Settings{}, fmt.Errorf("reading the settings of organization %s: %w", orgID, err)
	}
	return s, nil
}

// get calls a GET endpoint of MediaType's version and decodes its JSON answer.
func (c *Client) get(ctx context.Context, path string, into any) error {
	return c.call(ctx, http.MethodGet, path, MediaType, nil, into)
}

// getAs calls a GET endpoint with the versioned media type and decodes its
// JSON answer.
func (c *Client) getAs(ctx context.Context, path, media string, into any) error {
	return c.call(ctx, http.MethodGet, path, media, nil, into)
}

// SetAPIAccessListRequired switches one organization's
// apiAccessListRequired setting, and only that one: the PATCH carries no
// other field, so the other settings stay as they are.
func (c *Client) SetAPIAccessListRequired(ctx context.Context, orgID string, required bool) error {
	body, err := json.Marshal(map[string]bool{"apiAccessListRequired": required})
	if err != nil {
		return err
	}
	var s Settings
	if err := c.call(ctx, http.MethodPatch, "/api/atlas/v2/orgs/"+url.PathEscape(orgID)+"/settings", MediaType, body, &s); err != nil {
		return fmt.Errorf("setting apiAccessListRequired of organization %s to %t: %w", orgID, required, err)
	}
	if s.APIAccessListRequired != required {
		return fmt.Errorf("setting apiAccessListRequired of organization %s to %t: Atlas answered %t", orgID, required, s.APIAccessListRequired)
	}
	return nil
}

// call calls an endpoint with the versioned media type and decodes its JSON
// answer, retrying 429 (after Retry-After) and 5xx answers a bounded number
// of times. Every call here is idempotent (reads, and a PATCH that sets a
// value), so a retry cannot do twice what was meant once.
func (c *Client) call(ctx context.Context, method, path, media string, body []byte, into any) error {
	for attempt := 0; ; attempt++ {
		var reader io.Reader
		if body != nil {
			reader = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, reader)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", media)
		if body != nil {
			req.Header.Set("Content-Type", media)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return transportError(err)
		}
		answer, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		_ = resp.Body.Close() // read to the end already; a close error changes nothing
		if err != nil {
			return fmt.Errorf("reading the answer: %w", err)
		}
		if resp.StatusCode < 300 {
			if err := json.Unmarshal(answer, into); err != nil {
				return fmt.Errorf("the answer is not the JSON the Admin API sends: %w", err)
			}
			return nil
		}
		apiErr := newAPIError(resp, answer)
		if !apiErr.retryable() || attempt >= c.retries {
			apiErr.Attempts = attempt + 1
			return apiErr
		}
		if err := c.sleep(ctx, apiErr.wait(attempt)); err != nil {
			return err
		}
	}
}

// transportError turns a failed exchange into a clear message; a token
// refusal is the credential's fault, not the network's. The server's body is
// not included: it might echo what was sent.
func transportError(err error) error {
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) && retrieve.Response != nil {
		return &APIError{Status: retrieve.Response.StatusCode, ErrorCode: retrieve.ErrorCode, token: true}
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Errorf("calling the Admin API at %s: %w", redact(urlErr.URL), urlErr.Err)
	}
	return fmt.Errorf("calling the Admin API: %w", err)
}

func redact(u string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return "(unparseable URL)"
	}
	parsed.User, parsed.RawQuery = nil, ""
	return parsed.String()
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
