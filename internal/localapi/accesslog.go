package localapi

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AccessLog wraps h so that every request is logged to w as one line: time,
// method, path and status. The query, headers and bodies carry credentials
// (digest answers, bearer tokens, client secrets) and are never logged.
func AccessLog(h http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		status := strconv.Itoa(rec.status)
		if rec.dropped {
			status = "dropped"
		}
		_, _ = fmt.Fprintf(w, "%s %s %s %s%s\n", time.Now().UTC().Format(time.RFC3339), r.Method, r.URL.EscapedPath(), status, rec.reason())
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	// body is the start of an error answer: its detail says why, and the
	// server's error details never hold a credential.
	body []byte
	// dropped is set when the connection was taken over to be closed
	// unanswered (Faults.LostRate).
	dropped bool
}

// Hijack passes the connection on, for the faults that drop it.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(s.ResponseWriter).Hijack()
	s.dropped = err == nil
	return conn, rw, err
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status >= 400 && s.status != http.StatusUnauthorized && len(s.body) < 2048 {
		s.body = append(s.body, p[:min(len(p), 2048-len(s.body))]...)
	}
	return s.ResponseWriter.Write(p)
}

// reason is the error's detail (or errorType), for lines of failed calls.
// 401 is left out: digest clients are answered 401 first on every call.
func (s *statusRecorder) reason() string {
	var answer struct {
		Detail    string `json:"detail"`
		ErrorType string `json:"errorType"`
	}
	if len(s.body) == 0 || json.Unmarshal(s.body, &answer) != nil {
		return ""
	}
	return " " + strings.TrimSpace(answer.Detail+" "+answer.ErrorType)
}
