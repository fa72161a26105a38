package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/contactd/contactd"
)

func init() { statusOf[contactd.ETimeout] = http.StatusServiceUnavailable }

// How the connection's deadlines bound slow clients. The http.Server sets
// only ReadHeaderTimeout (cmd/contactd/serve.go): a server-wide ReadTimeout
// or WriteTimeout would either cut a large upload or a long download, or be
// so long that slowloris clients could hold connections for it. Instead each
// request gets deadlines that fit its route:
//   - every request must send its body and take its answer within the
//     request timeout plus deadlineGrace;
//   - an upload may take as long as it needs but must keep sending at least
//     minUploadChunk per stallWindow;
//   - a streamed answer (an export's file, a CSV report, a data export) may
//     take as long as it needs, but each write must go out within stallWindow.
const (
	deadlineGrace  = 5 * time.Second
	stallWindow    = time.Minute
	minUploadChunk = 64 << 10
)

// withConnDeadlines sets the default deadlines of every request (see above);
// wrap widens them for uploads and streams. Setting them each time also
// clears those a previous request on the connection left.
func (s *Server) withConnDeadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		end := time.Now().Add(s.opts.RequestTimeout + deadlineGrace)
		_ = rc.SetReadDeadline(end)
		_ = rc.SetWriteDeadline(end.Add(deadlineGrace))
		next.ServeHTTP(w, r)
	})
}

// untimed routes run without the request timeout: uploads, whose body may
// take long to arrive and to store, and answers streamed from the database.
func untimed(rt route) bool {
	return rt.upload || rt.op.raw != "" || strings.HasSuffix(rt.pattern, "/data_export")
}

// paced gives the untimed routes their pacing deadlines in place of the
// defaults. It runs before Idempotency-Key, whose replay of an upload reads
// the whole body again.
func (s *Server) paced(rt route, h handlerFunc) handlerFunc {
	if !untimed(rt) {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		rc := http.NewResponseController(w)
		if rt.upload {
			_ = rc.SetReadDeadline(time.Now().Add(stallWindow))
			r.Body = &pacedBody{ReadCloser: r.Body, rc: rc}
		} else {
			// The request is read; a read deadline would now only cancel
			// the request's context when it passed.
			_ = rc.SetReadDeadline(time.Time{})
		}
		_ = rc.SetWriteDeadline(time.Time{})
		return h(&pacedWriter{ResponseWriter: w, rc: rc}, r)
	}
}

// withDeadline runs a timed route's handler under the request timeout; one
// that runs past it answers 503 request_timeout rather than hang.
func (s *Server) withDeadline(rt route, h handlerFunc) handlerFunc {
	if untimed(rt) {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
		defer cancel()
		err := h(w, r.WithContext(ctx))
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			w.Header().Set("Retry-After", "1")
			return contactd.Errorf(contactd.ETimeout, "the request took longer than the server's limit of %s (CONTACTD_REQUEST_TIMEOUT) and was stopped; retry it (a write with the same Idempotency-Key is safe to retry), or ask for less at once", s.opts.RequestTimeout)
		}
		return err
	}
}

// pacedBody pushes the read deadline on by stallWindow each time another
// minUploadChunk has arrived, and lifts it at the end of the body: after
// that the server watches the connection for the client going away, and a
// deadline passing would cancel the request while it stores the upload.
type pacedBody struct {
	io.ReadCloser
	rc  *http.ResponseController
	got int
}

func (b *pacedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.got += n
	switch {
	case err == io.EOF:
		_ = b.rc.SetReadDeadline(time.Time{})
	case b.got >= minUploadChunk:
		b.got = 0
		_ = b.rc.SetReadDeadline(time.Now().Add(stallWindow))
	}
	return n, err
}

// pacedWriter gives each write of a streamed answer stallWindow to go out,
// so a client that stops reading frees the server within a minute.
type pacedWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
}

func (w *pacedWriter) Write(b []byte) (int, error) {
	_ = w.rc.SetWriteDeadline(time.Now().Add(stallWindow))
	return w.ResponseWriter.Write(b)
}

func (w *pacedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
