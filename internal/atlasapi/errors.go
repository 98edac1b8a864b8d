package atlasapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// APIError is an Admin API answer that was not a success, with Atlas' error
// body. Its message says what to do next.
type APIError struct {
	Status    int    `json:"status"`
	ErrorCode string `json:"errorCode"`
	Detail    string `json:"detail"`
	Reason    string `json:"reason"`
	// RetryAfter is Atlas' Retry-After, when it sent one.
	RetryAfter    time.Duration
	hasRetryAfter bool
	// Attempts is how many times the call was made.
	Attempts int
	token    bool
}

// maxRetryAfter bounds how long one Retry-After can make the tool wait.
const maxRetryAfter = time.Minute

func newAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{}
	_ = json.Unmarshal(body, e) // a body that is not Atlas' error JSON still has a status
	e.Status = resp.StatusCode
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs >= 0 {
		e.RetryAfter, e.hasRetryAfter = min(time.Duration(secs)*time.Second, maxRetryAfter), true
	}
	return e
}

func (e *APIError) retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// wait is how long to wait before retry number attempt+1: Retry-After when
// Atlas sends it, else a doubling backoff from one second.
func (e *APIError) wait(attempt int) time.Duration {
	if e.hasRetryAfter {
		return e.RetryAfter
	}
	return time.Second << attempt
}

// IsAccessListDenial reports a 403 caused by the caller's address not being
// on the API access list.
func (e *APIError) IsAccessListDenial() bool {
	return e.Status == http.StatusForbidden && strings.Contains(e.ErrorCode, "ACCESS_LIST")
}

func (e *APIError) Error() string {
	code := ""
	if e.ErrorCode != "" {
		code = " " + e.ErrorCode
	}
	detail := ""
	if e.Detail != "" {
		detail = ": " + e.Detail
	}
	switch {
	case e.token:
		// No variable is named: the credential may be an organization's
		// own, from a stack's state; the caller says where it came from.
		return fmt.Sprintf("Atlas refused the service account's client ID and secret (token request: %d%s); "+
			"check that service account and its secret, which may have expired or been deleted", e.Status, code)
	case e.Status == http.StatusUnauthorized:
		return fmt.Sprintf("Atlas refused the credentials (401%s%s); check the API key pair or the service account, "+
			"and that a service account secret has not expired", code, detail)
	case e.IsAccessListDenial():
		return fmt.Sprintf("this machine's address is not on the credential's API access list (403%s%s); "+
			"add it to the access list of the service account or API key in Atlas, or run from an address that is on it", code, detail)
	case e.Status == http.StatusForbidden:
		return fmt.Sprintf("the credential lacks the role this call needs (403%s%s); give it the role this command needs "+
			"(docs/command-line-tool.md, \"The role each command needs\")", code, detail)
	case e.Status == http.StatusNotFound:
		return fmt.Sprintf("not found (404%s%s); check the base URL (--base-url, MONGODB_ATLAS_BASE_URL) and the organization ID", code, detail)
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("Atlas rate-limited the calls (429%s) %d times in a row, honouring Retry-After; wait a few minutes and run again",
			code, e.Attempts)
	case e.Status >= 500:
		return fmt.Sprintf("Atlas failed (%d%s%s) %d times in a row; it is probably a passing fault: run again later",
			e.Status, code, detail, e.Attempts)
	default:
		return fmt.Sprintf("the Admin API answered %d%s%s", e.Status, code, detail)
	}
}
