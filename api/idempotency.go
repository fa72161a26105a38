package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/contactd/contactd"
)

func init() {
	statusOf[contactd.EIdempotencyKey] = http.StatusBadRequest
	statusOf[contactd.EIdempotencyReused] = http.StatusUnprocessableEntity
	statusOf[contactd.EIdempotencyInFlight] = http.StatusConflict
}

const (
	// maxKeptAnswer is the largest answer kept for replay. The writes answer
	// far less; a larger answer (a compliance check of a huge segment) is
	// not kept, and a retry simply runs the read again.
	maxKeptAnswer = 1 << 20
	// maxEpilogue is how much of a body a handler may leave unread (a
	// multipart epilogue) for its answer still to be kept.
	maxEpilogue = 64 << 10
	// untimedClaim is how long the claim of a request without a deadline
	// (an upload) lasts before it is thought abandoned by a dead server.
	untimedClaim = time.Hour
)

// idempotent makes a POST safe to retry when it carries an Idempotency-Key:
// the first request runs and its answer (unless a 5xx) is kept for 24
// hours; a retry with the same key and the same request gets that answer
// again with Idempotent-Replayed: true, and does nothing. The same key with
// another request is refused (422), as is a retry while the first still
// runs (409). Keys belong to the API key that sent them.
func (s *Server) idempotent(rt route, h handlerFunc) handlerFunc {
	if rt.method != http.MethodPost || rt.role == "" {
		return h
	}
	staleAfter := untimedClaim
	if !untimed(rt) {
		staleAfter = s.opts.RequestTimeout + time.Minute
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		keys := r.Header.Values("Idempotency-Key")
		if len(keys) == 0 {
			return h(w, r)
		}
		key, err := idempotencyKey(keys)
		if err != nil {
			return err
		}
		path := r.URL.Path
		if r.URL.RawQuery != "" {
			path += "?" + r.URL.RawQuery
		}
		rec, claimed, err := s.store.ClaimIdempotencyKey(r.Context(), key, r.Method, path, staleAfter)
		if err != nil {
			return err
		}
		body := &hashedBody{ReadCloser: r.Body, fp: newFingerprint(r)}
		r.Body = body
		if !claimed {
			return replay(w, path, rec, body)
		}
		return s.runClaimed(w, r, h, rec, body)
	}
}

func idempotencyKey(values []string) (string, error) {
	if len(values) > 1 {
		return "", contactd.Errorf(contactd.EIdempotencyKey, "send one Idempotency-Key header, not %d", len(values))
	}
	key := values[0]
	if key == "" || len(key) > contactd.MaxIdempotencyKey {
		return "", contactd.Errorf(contactd.EIdempotencyKey, "the Idempotency-Key must be 1 to %d characters (a UUID is a good choice); this one has %d", contactd.MaxIdempotencyKey, len(key))
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] > 0x7e {
			return "", contactd.Errorf(contactd.EIdempotencyKey, "the Idempotency-Key must be printable ASCII (a UUID is a good choice)")
		}
	}
	return key, nil
}

// replay answers a request whose key was used before.
func replay(w http.ResponseWriter, path string, rec *contactd.IdempotentRequest, body *hashedBody) error {
	if rec.Method != http.MethodPost || rec.Path != path {
		return reused(rec)
	}
	if rec.Status == 0 {
		return contactd.Errorf(contactd.EIdempotencyInFlight, "the first request with this Idempotency-Key is still running; retry once it has answered")
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return contactd.Errorf(contactd.EBodyTooLarge, "the request body is larger than %d bytes", tooLarge.Limit)
		}
		return contactd.Errorf(contactd.EBadRequest, "could not read the request body")
	}
	if body.fp.sum() != rec.BodySHA256 {
		return reused(rec)
	}
	h := w.Header()
	if rec.ContentType != "" {
		h.Set("Content-Type", rec.ContentType)
	}
	if rec.Location != "" {
		h.Set("Location", rec.Location)
	}
	h.Set("Cache-Control", "no-store")
	h.Set("Idempotent-Replayed", "true")
	w.WriteHeader(rec.Status)
	_, _ = w.Write(rec.Body)
	return nil
}

func reused(rec *contactd.IdempotentRequest) error {
	return contactd.Errorf(contactd.EIdempotencyReused, "this Idempotency-Key was used at %s for another request (%s %s, or another body); use a new key for a new request",
		rec.CreatedAt.Format(time.RFC3339), rec.Method, truncate(rec.Path, 100))
}

// runClaimed runs the first request with a key and keeps its answer. The
// answer is dropped instead (and a retry runs again) when it is a 5xx, when
// the handler panicked, when it is too large to keep, or when the body was
// not read to its end and so cannot be compared with a retry's.
func (s *Server) runClaimed(w http.ResponseWriter, r *http.Request, h handlerFunc, rec *contactd.IdempotentRequest, body *hashedBody) error {
	ctx := context.WithoutCancel(r.Context())
	kept := false
	defer func() {
		if !kept {
			if err := s.store.ReleaseIdempotencyKey(ctx, rec.Key, rec.Token); err != nil {
				s.log.ErrorContext(ctx, "release idempotency key", "request_id", requestID(ctx), "error", err)
			}
		}
	}()
	rw := &recorder{ResponseWriter: w}
	if err := h(rw, r); err != nil {
		s.writeError(rw, r, err)
	}
	if rw.status == 0 || rw.status >= 500 || rw.overflow || !body.finish(maxEpilogue) {
		return nil
	}
	rec.Status, rec.ContentType, rec.Location = rw.status, rw.contentType, rw.location
	rec.Body, rec.BodySHA256 = rw.body.Bytes(), body.fp.sum()
	if err := s.store.CompleteIdempotencyKey(ctx, rec); err != nil {
		s.log.ErrorContext(ctx, "keep idempotent answer", "request_id", requestID(ctx), "error", err)
		return nil
	}
	kept = true
	return nil
}

// recorder passes an answer through to the client and keeps a copy of what
// a replay needs.
type recorder struct {
	http.ResponseWriter
	status                int
	contentType, location string
	body                  bytes.Buffer
	overflow              bool
}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.contentType = w.Header().Get("Content-Type")
		w.location = w.Header().Get("Location")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.overflow {
		if w.body.Len()+len(b) > maxKeptAnswer {
			w.overflow = true
			w.body = bytes.Buffer{}
		} else {
			w.body.Write(b)
		}
	}
	return w.ResponseWriter.Write(b)
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
