package atlasapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// canned answers every request with one fuzzed response.
type canned struct {
	status     int
	body       []byte
	retryAfter string
}

func (c canned) RoundTrip(*http.Request) (*http.Response, error) {
	h := http.Header{}
	if c.retryAfter != "" {
		h.Set("Retry-After", c.retryAfter)
	}
	return &http.Response{StatusCode: c.status, Header: h, Body: io.NopCloser(bytes.NewReader(c.body))}, nil
}

// FuzzResponses: whatever the Admin API answers, the client returns data or
// an error with a message, never panics, and never loops without bound.
func FuzzResponses(f *testing.F) {
	f.Add(200, []byte(`{"results":[{"id":"a","name":"n"}],"totalCount":1}`), "")
	f.Add(200, []byte(`{"results":[{"id":"a"}],"totalCount":99}`), "")
	f.Add(200, []byte(`{"results":[{"id":"a"}],"totalCount":2000000000}`), "")
	f.Add(429, []byte(`{"errorCode":"RATE_LIMITED","detail":"slow down"}`), "5")
	f.Add(403, []byte(`{"errorCode":"IP_ADDRESS_NOT_ON_ACCESS_LIST"}`), "")
	f.Add(500, []byte(`not json`), "-1")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string) {
		if status < 100 || status > 999 || strings.ContainsAny(retryAfter, "\r\n") {
			return
		}
		waits := 0
		c := &Client{base: "http://atlas.invalid", http: &http.Client{Transport: canned{status, body, retryAfter}},
			retries: 3, pageSize: 500, sleep: func(context.Context, time.Duration) error { waits++; return nil }}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		orgs, err := c.ListOrganizations(ctx)
		if err != nil && err.Error() == "" {
			t.Fatal("an error without a message")
		}
		if err == nil && status >= 300 {
			t.Fatalf("status %d read as success with %d orgs", status, len(orgs))
		}
		if waits > 3 {
			t.Fatalf("%d retries; the bound is 3", waits)
		}
		_, _ = c.OrganizationSettings(ctx, "x")
	})
}
