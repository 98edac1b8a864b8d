package localapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults are what goes wrong between a client and Atlas in the field, each
// a fraction of the API requests that Match selects. Whether a request meets
// a fault depends only on the seed, the request's shape (method, path with
// IDs left out, and the "name" in its body) and how many requests of that
// shape came before it. So a run meets the same faults under the same seed
// against any state, and creates meet theirs whatever the order in which
// concurrent requests arrive.
type Faults struct {
	// Seed makes the faults repeatable; runs with different seeds meet
	// different faults.
	Seed uint64
	// ThrottleRate answers with 429 and Retry-After: 1, before handling.
	ThrottleRate float64
	// FailRate answers with 500, before handling: nothing changes.
	FailRate float64
	// LostRate handles a change, saves it, then drops the connection
	// without an answer, as when a proxy or the network fails after Atlas
	// committed it.
	LostRate float64
	// GatewayRate handles a change, saves it, then answers 502 or 504 as a
	// proxy in front of Atlas does when its upstream answer is lost.
	GatewayRate float64
	// CrashRate handles a change, saves it, then calls Crash instead of
	// answering: atlas-local restarts, from the state on disk.
	CrashRate float64
	// Crash is called at a crash; the connection is then dropped.
	Crash func()
	// Latency delays every answer.
	Latency time.Duration
	// History counts the requests seen, so that a request repeated after
	// a restart is its next occurrence, not its first again; share one
	// across restarts (NewFaultHistory). New makes one when it is nil.
	History *FaultHistory
	// Match selects the requests that may meet a fault, as "METHOD path";
	// nil selects every API request.
	Match func(methodAndPath string) bool
	// Answers are exact failures for a test to meet, in order, each given
	// to authenticated API requests instead of handling them. Match and the
	// rates do not apply to them.
	Answers []FaultAnswer
	// MaxItemsPerPage, when positive, caps the items of every page below
	// what itemsPerPage asks, so that a client reading on until it holds
	// totalCount meets several pages.
	MaxItemsPerPage int
}

// FaultAnswer is an error answer in Atlas' body given to the next Times
// authenticated API requests whose path starts with PathPrefix: after the
// credential and its access list are checked, before anything changes.
type FaultAnswer struct {
	PathPrefix string
	Status     int
	ErrorCode  string
	// RetryAfter is the Retry-After header's value; "" sends none.
	RetryAfter string
	Times      int
}

// faultAnswer takes the next FaultAnswer for path, if one is left. The
// caller holds s.mu.
func (s *Server) faultAnswer(path string) (FaultAnswer, bool) {
	for i, a := range s.opts.Faults.Answers {
		if a.Times > 0 && strings.HasPrefix(path, a.PathPrefix) {
			s.opts.Faults.Answers[i].Times--
			return a, true
		}
	}
	return FaultAnswer{}, false
}

// maxItemsKey carries Faults.MaxItemsPerPage to page in a request's context.
type maxItemsKey struct{}

// withMaxItems is r carrying Faults.MaxItemsPerPage, when it is set.
func (s *Server) withMaxItems(r *http.Request) *http.Request {
	if n := s.opts.Faults.MaxItemsPerPage; n > 0 {
		return r.WithContext(context.WithValue(r.Context(), maxItemsKey{}, n))
	}
	return r
}

// FaultHistory is what the faults have seen: how many times each request
// came, and how many answers they lost.
type FaultHistory struct {
	mu          sync.Mutex
	seen        map[string]int
	lostAnswers int
}

// NewFaultHistory is an empty history.
func NewFaultHistory() *FaultHistory { return &FaultHistory{seen: map[string]int{}} }

// LostAnswers is how many committed changes lost their answer to a fault.
func (h *FaultHistory) LostAnswers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lostAnswers
}

// faultKind is what happens to one request.
type faultKind int

const (
	noFault faultKind = iota
	throttled
	failedBefore
	lostAfter
	gatewayAfter
	crashAfter
)

// atlasID is a 24-hex ID, or a service account's client ID.
var atlasID = regexp.MustCompile(`(mdb_sa_id_)?[a-f0-9]{24}`)

// faultFor decides the fault a request meets, and returns the key that
// tells its shape apart. It reads and restores the body.
func (s *Server) faultFor(r *http.Request) (faultKind, string) {
	f := s.opts.Faults
	if f.ThrottleRate+f.FailRate+f.LostRate+f.GatewayRate+f.CrashRate == 0 {
		return noFault, ""
	}
	if f.Match != nil && !f.Match(r.Method+" "+r.URL.Path) {
		return noFault, ""
	}
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	var named struct {
		Name string `json:"name"`
	}
	_ = json.Unmarshal(body, &named)
	key := r.Method + " " + atlasID.ReplaceAllString(r.URL.Path, "{id}") + " " + named.Name
	hist := f.History
	hist.mu.Lock()
	n := hist.seen[key]
	hist.seen[key] = n + 1
	hist.mu.Unlock()
	roll := unitFloat(f.Seed, key, n)
	changes := r.Method != http.MethodGet
	switch {
	case roll < f.ThrottleRate:
		return throttled, key
	case roll < f.ThrottleRate+f.FailRate:
		return failedBefore, key
	case changes && roll < f.ThrottleRate+f.FailRate+f.LostRate:
		return lostAfter, key
	case changes && roll < f.ThrottleRate+f.FailRate+f.LostRate+f.GatewayRate:
		return gatewayAfter, key
	case changes && f.Crash != nil && roll < f.ThrottleRate+f.FailRate+f.LostRate+f.GatewayRate+f.CrashRate:
		return crashAfter, key
	}
	return noFault, key
}

// unitFloat is a number in [0, 1) fixed by the seed, the request and its
// occurrence.
func unitFloat(seed uint64, key string, occurrence int) float64 {
	h := sha256.New()
	h.Write([]byte(strconv.FormatUint(seed, 10) + "/" + strconv.Itoa(occurrence) + "/"))
	h.Write([]byte(key))
	return float64(binary.BigEndian.Uint64(h.Sum(nil))>>11) / (1 << 53)
}

// serveWithFault serves r under its fault; key is the request's shape.
func (s *Server) serveWithFault(w http.ResponseWriter, r *http.Request, fault faultKind, key string) {
	switch fault {
	case throttled:
		w.Header().Set("Retry-After", "1")
		writeError(w, MediaTypeOrgs, http.StatusTooManyRequests, "RATE_LIMITED", "Injected rate limit; retry after 1 second.")
		return
	case failedBefore:
		writeError(w, MediaTypeOrgs, http.StatusInternalServerError, "UNEXPECTED_ERROR", "Injected failure.")
		return
	case lostAfter, gatewayAfter, crashAfter:
		answer := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
		s.mux.ServeHTTP(answer, r)
		if answer.status >= http.StatusBadRequest {
			// Nothing was committed: the fault is one after a change.
			answer.flush(w)
			return
		}
		hist := s.opts.Faults.History
		hist.mu.Lock()
		hist.lostAnswers++
		hist.mu.Unlock()
		if fault == crashAfter {
			s.opts.Faults.Crash()
		}
		if fault == lostAfter || fault == crashAfter {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		status := http.StatusBadGateway
		// Which of the two, also fixed by the seed and the request's shape.
		if unitFloat(s.opts.Faults.Seed, "gateway "+key, 0) < 0.5 {
			status = http.StatusGatewayTimeout
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><body><h1>"+strconv.Itoa(status)+" "+http.StatusText(status)+"</h1></body></html>\n")
		return
	}
	s.mux.ServeHTTP(w, r)
}
