package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
)

// serve replaces the env's server with one built with opts, on the same
// database.
func (e *env) serve(opts api.Options) {
	srv := httptest.NewServer(api.New(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), opts).Handler())
	e.t.Cleanup(srv.Close)
	e.srv = srv
}

// acme is a context acting for acme's write key, as its requests do.
func (e *env) acme() context.Context {
	e.t.Helper()
	ws, err := e.db.FindWorkspaceByName(context.Background(), "acme")
	if err != nil {
		e.t.Fatal(err)
	}
	k, err := e.db.Authenticate(context.Background(), e.write)
	if err != nil {
		e.t.Fatal(err)
	}
	return contactd.WithActor(context.Background(), contactd.Actor{WorkspaceID: ws.ID, KeyID: k.ID, Role: contactd.RoleWrite})
}

// uploadWith posts a contacts file as multipart with the given boundary
// and extra headers.
func (e *env) uploadWith(boundary, content string, headers ...string) response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(boundary); err != nil {
		e.t.Fatal(err)
	}
	_ = mw.WriteField("mode", "create_only")
	fw, _ := mw.CreateFormFile("file", "contacts.csv")
	_, _ = io.WriteString(fw, content)
	_ = mw.Close()
	return e.do("POST", "/api/v1/contacts/import", e.write, buf.Bytes(), append([]string{"Content-Type", mw.FormDataContentType()}, headers...)...)
}

// clock is a settable time for the rate limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A handler that runs past the request timeout answers 503 request_timeout
// with Retry-After; the routes that stream are not cut by it.
func TestRequestTimeout(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		imp := e.uploadWith("b1", "Phone\n+919900000001\n")
		if imp.status != 202 {
			t.Fatalf("upload: %d %s", imp.status, imp.body)
		}
		e.serve(api.Options{RequestTimeout: time.Nanosecond})
		p := wantProblem(t, e.do("GET", "/api/v1/contacts", e.read, nil), 503, "request_timeout")
		if p["detail"] == "" {
			t.Fatal("no detail")
		}
		r := e.do("GET", "/api/v1/contacts", e.read, nil)
		if r.header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
		// Streamed answers and uploads run without the deadline.
		if r := e.do("GET", "/api/v1/contact-imports/1/error_report", e.read, nil); r.status != 200 {
			t.Errorf("error report under a 1ns request timeout: %d %s", r.status, r.body)
		}
		if r := e.uploadWith("b2", "Phone\n+919900000002\n"); r.status != 202 {
			t.Errorf("upload under a 1ns request timeout: %d %s", r.status, r.body)
		}
	})
}

// A workspace at its limit of queued or running imports gets 429
// too_many_imports with Retry-After, and the refused upload leaves nothing
// stored; other workspaces and dry runs are not limited.
func TestTooManyImports(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.serve(api.Options{MaxActiveImports: 2})
		for i, b := range []string{"b1", "b2"} {
			if r := e.uploadWith(b, "Phone\n+91990000000"+string(rune('1'+i))+"\n"); r.status != 202 {
				t.Fatalf("upload %d: %d %s", i, r.status, r.body)
			}
		}
		files, err := e.db.CountFiles(e.acme())
		if err != nil || files != 2 {
			t.Fatalf("files: %d %v", files, err)
		}
		r := e.uploadWith("b3", "Phone\n+919900000003\n")
		wantProblem(t, r, 429, "too_many_imports")
		if r.header.Get("Retry-After") == "" {
			t.Error("too_many_imports without Retry-After")
		}
		if n, _ := e.db.CountFiles(e.acme()); n != files {
			t.Errorf("the refused upload left files: %d, want %d", n, files)
		}
		if n := e.do("GET", "/api/v1/contact-imports", e.read, nil).json(t)["total"]; n != float64(2) {
			t.Errorf("imports: %v, want 2", n)
		}
		dry := e.upload(e.write, map[string]string{"dry_run": "true"}, "c.csv", "Phone\n+919900000004\n")
		if dry.status != 200 {
			t.Errorf("a dry run was limited: %d %s", dry.status, dry.body)
		}
		other := e.upload(e.other, nil, "c.csv", "Phone\n+12025550100\n")
		if other.status != 202 {
			t.Errorf("another workspace was limited: %d %s", other.status, other.body)
		}
		if r := e.do("POST", "/api/v1/contact-imports/1/cancel", e.write, nil); r.status != 202 {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		if r := e.uploadWith("b4", "Phone\n+919900000003\n"); r.status != 202 {
			t.Errorf("after a cancel: %d %s", r.status, r.body)
		}
	})
}
