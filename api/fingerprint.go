package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"mime"
	"net/http"
	"strings"
)

// fingerprint hashes a request body while the handler reads it, so that an
// upload of hundreds of megabytes is never held to be compared. A multipart
// body's boundary is random per request (curl picks a new one each time), so
// it is hashed as a fixed token: a retry of the same form matches.
type fingerprint struct {
	h       hash.Hash
	pattern []byte // the multipart boundary, or nil
	pending []byte // bytes that may be the start of the boundary
}

var boundaryToken = []byte("\x00boundary\x00")

func newFingerprint(r *http.Request) *fingerprint {
	f := &fingerprint{h: sha256.New()}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	_, _ = io.WriteString(f.h, mt+"\n")
	if b := params["boundary"]; strings.HasPrefix(mt, "multipart/") && b != "" {
		f.pattern = []byte(b)
	}
	return f
}

func (f *fingerprint) Write(p []byte) (int, error) {
	if f.pattern == nil {
		f.h.Write(p)
		return len(p), nil
	}
	f.pending = append(f.pending, p...)
	for {
		i := bytes.Index(f.pending, f.pattern)
		if i < 0 {
			break
		}
		f.h.Write(f.pending[:i])
		f.h.Write(boundaryToken)
		f.pending = f.pending[i+len(f.pattern):]
	}
	if keep := len(f.pattern) - 1; len(f.pending) > keep {
		cut := len(f.pending) - keep
		f.h.Write(f.pending[:cut])
		f.pending = f.pending[:copy(f.pending, f.pending[cut:])]
	}
	return len(p), nil
}

// sum is the hex SHA-256 of everything written.
func (f *fingerprint) sum() string {
	f.h.Write(f.pending)
	f.pending = nil
	return hex.EncodeToString(f.h.Sum(nil))
}

// hashedBody feeds what the handler reads of a body into a fingerprint and
// notes whether it was read to the end.
type hashedBody struct {
	io.ReadCloser
	fp  *fingerprint
	eof bool
}

func (b *hashedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	_, _ = b.fp.Write(p[:n])
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

// finish reads what the handler left of the body (a multipart epilogue, an
// ignored small body), at most limit bytes, and reports whether the whole
// body went into the fingerprint.
func (b *hashedBody) finish(limit int64) bool {
	if !b.eof {
		_, _ = io.Copy(io.Discard, io.LimitReader(b, limit))
	}
	return b.eof
}
