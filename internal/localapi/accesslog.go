package localapi

import (
	"fmt"
	"io"
	"net/http"
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
		_, _ = fmt.Fprintf(w, "%s %s %s %d\n", time.Now().UTC().Format(time.RFC3339), r.Method, r.URL.Path, rec.status)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
