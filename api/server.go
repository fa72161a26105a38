// Package api serves contactd's HTTP API (see ../shared/API.md): routing,
// authentication, request decoding and problem+json errors. It holds no state
// of its own, so any number of servers can run against one database.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/metrics"
	"github.com/contactd/contactd/phone"
	"github.com/contactd/contactd/store"
)

// Options tune a server.
type Options struct {
	// MaxBodyBytes caps JSON request bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxUploadBytes caps an import file (default 512 MiB).
	MaxUploadBytes int64
	// TempDir holds uploads while they are checked ("" = the system's).
	TempDir string
	// Import tunes how files are read.
	Import importer.Options
	// OnEnqueue is called after a job is queued, to wake a local runner.
	OnEnqueue func()
	// RateLimit throttles each API key and each anonymous address (off
	// when its Rate is 0).
	RateLimit RateLimit
	// RequestTimeout bounds every handler but uploads and streamed answers
	// (default 30 s); see timeouts.go.
	RequestTimeout time.Duration
	// MaxActiveImports caps a workspace's imports queued or running
	// (0: no cap).
	MaxActiveImports int
}

// Server is the HTTP API.
type Server struct {
	store   *store.DB
	log     *slog.Logger
	metrics *metrics.Registry
	opts    Options
	routes  []route
	mux     *http.ServeMux
	// keyLimits and addrLimits are nil when rate limiting is off.
	keyLimits, addrLimits *limiter
}

// New builds a server on st.
func New(st *store.DB, log *slog.Logger, opts Options) *Server {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = 512 << 20
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = 30 * time.Second
	}
	s := &Server{store: st, log: log, metrics: metrics.New(), opts: opts, mux: http.NewServeMux()}
	s.newLimiters()
	s.routes = s.routeTable()
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
	}
	s.mux.Handle("/", s.instrument("unmatched", http.HandlerFunc(s.notFound)))
	return s
}

// Handler is the server's root handler.
func (s *Server) Handler() http.Handler {
	return s.withRequestID(s.recoverPanics(s.withConnDeadlines(s.mux)))
}

// handlerFunc is a route's handler: it writes a success answer itself and
// returns errors for the server to answer as problem+json.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// wrap adds what every route needs: metrics by route, the key check and role
// check, the rate limit, the body limit, Idempotency-Key and the deadline.
func (s *Server) wrap(rt route) http.Handler {
	handle := s.paced(rt, s.idempotent(rt, s.withDeadline(rt, rt.handle)))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.role != "" {
			actor, err := s.authenticate(w, r, rt.role)
			if err != nil {
				if contactd.ErrorCode(err) == contactd.EUnauthorized {
					w.Header().Set("WWW-Authenticate", `Bearer realm="contactd"`)
				}
				s.writeError(w, r, err)
				return
			}
			r = r.WithContext(contactd.WithActor(r.Context(), actor))
		} else if err := s.limitAddress(w, r, false); err != nil {
			s.writeError(w, r, err)
			return
		}
		limit := s.opts.MaxBodyBytes
		if rt.upload {
			limit = s.opts.MaxUploadBytes + 1<<20 // the file plus the form's other fields
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := handle(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
	return s.instrument(rt.pattern, h)
}

// authenticate finds the request's key, charges the key's rate limit (or
// the address's, for a missing or unknown key) and checks its role.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, need contactd.Role) (contactd.Actor, error) {
	secret := r.Header.Get("X-Api-Key")
	if secret == "" {
		if auth := r.Header.Get("Authorization"); len(auth) > 7 && strings.EqualFold(auth[:7], "Bearer ") {
			secret = strings.TrimSpace(auth[7:])
		}
	}
	if secret == "" {
		if err := s.limitAddress(w, r, false); err != nil {
			return contactd.Actor{}, err
		}
		return contactd.Actor{}, contactd.Errorf(contactd.EUnauthorized, "an API key is required: send it as X-Api-Key or Authorization: Bearer")
	}
	if err := s.limitAddress(w, r, true); err != nil {
		return contactd.Actor{}, err
	}
	k, err := s.store.Authenticate(r.Context(), secret)
	if err != nil {
		if contactd.ErrorCode(err) == contactd.EUnauthorized {
			if lerr := s.limitAddress(w, r, false); lerr != nil {
				return contactd.Actor{}, lerr
			}
		}
		return contactd.Actor{}, err
	}
	if err := s.limitKey(w, k.ID); err != nil {
		return contactd.Actor{}, err
	}
	if !k.Role.Allows(need) {
		return contactd.Actor{}, contactd.Errorf(contactd.EForbidden, "this key has the %s role; %s %s needs %s", k.Role, r.Method, r.URL.Path, need)
	}
	return contactd.Actor{WorkspaceID: k.WorkspaceID, KeyID: k.ID, Role: k.Role}, nil
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if err := s.limitAddress(w, r, false); err != nil {
		s.writeError(w, r, err)
		return
	}
	if allow := s.allowedMethods(r); len(allow) > 0 {
		list := strings.Join(allow, ", ")
		w.Header().Set("Allow", list)
		s.writeError(w, r, contactd.Errorf(contactd.EMethodNotAllowed, "%s does not take %s; it takes %s", truncate(r.URL.Path, 100), r.Method, list))
		return
	}
	s.writeError(w, r, contactd.Errorf(contactd.ENotFound, "no route %s %s; see GET /api/v1/openapi.json", r.Method, truncate(r.URL.Path, 100)))
}

// statusWriter remembers the status for metrics and logs.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument records the request in metrics and the log under route, the
// pattern (not the path) so that ids do not explode the label space.
func (s *Server) instrument(route string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.Observe(r.Method, route, sw.status, d)
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", requestID(r.Context())),
			slog.String("method", r.Method), slog.String("route", route),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d))
	})
}

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID tags each request with an id (the client's X-Request-Id when
// it is sane) that appears in the answer, every log line and every error.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !saneRequestID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func saneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// recoverPanics turns a panic into a logged 500 instead of a dropped
// connection; the client gets the request id, the log gets the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func validRegion(s string) (string, bool) { return phone.ValidRegion(s) }
