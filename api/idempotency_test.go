package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd/api"
)

func wantReplay(t *testing.T, first, again response) {
	t.Helper()
	if again.status != first.status || !bytes.Equal(again.body, first.body) || again.header.Get("Location") != first.header.Get("Location") ||
		again.header.Get("Content-Type") != first.header.Get("Content-Type") {
		t.Fatalf("retry answered %d %s (Location %q), want the first answer %d %s (Location %q)",
			again.status, again.body, again.header.Get("Location"), first.status, first.body, first.header.Get("Location"))
	}
	if again.header.Get("Idempotent-Replayed") != "true" || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("Idempotent-Replayed: first %q, retry %q", first.header.Get("Idempotent-Replayed"), again.header.Get("Idempotent-Replayed"))
	}
}

// A retried contact create with the same Idempotency-Key makes one contact
// and answers the first answer again; the key is checked against the
// request, belongs to its API key, and a 5xx is not kept.
func TestIdempotentContactCreate(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		body := map[string]any{"phone_e164": "+919900000001", "first_name": "Rahul"}
		first := e.do("POST", "/api/v1/contacts", e.write, body, "Idempotency-Key", "create-1")
		if first.status != 201 {
			t.Fatalf("create: %d %s", first.status, first.body)
		}
		again := e.do("POST", "/api/v1/contacts", e.write, body, "Idempotency-Key", "create-1")
		wantReplay(t, first, again)
		if n := e.do("GET", "/api/v1/contacts", e.read, nil).json(t)["total"]; n != float64(1) {
			t.Fatalf("contacts after a retried create: %v, want 1", n)
		}
		wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "+919900000002"}, "Idempotency-Key", "create-1"), 422, "idempotency_key_reused")
		wantProblem(t, e.do("POST", "/api/v1/contact_segments", e.write, map[string]any{"name": "x"}, "Idempotency-Key", "create-1"), 422, "idempotency_key_reused")
		wantProblem(t, e.do("POST", "/api/v1/contacts?default_region=US", e.write, body, "Idempotency-Key", "create-1"), 422, "idempotency_key_reused")
		// Another API key has its own keys: this runs, and meets the contact.
		wantProblem(t, e.do("POST", "/api/v1/contacts", e.admin, body, "Idempotency-Key", "create-1"), 409, "conflict")

		// A 4xx is an answer like any other and is kept.
		bad := e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "nope"}, "Idempotency-Key", "bad-1")
		wantProblem(t, bad, 422, "invalid_phone")
		wantReplay(t, bad, e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "nope"}, "Idempotency-Key", "bad-1"))

		wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, body, "Idempotency-Key", strings.Repeat("k", 256)), 400, "invalid_idempotency_key")
		wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, body, "Idempotency-Key", "tab\there"), 400, "invalid_idempotency_key")
		if r := e.do("POST", "/api/v1/contacts", e.write, map[string]any{"phone_e164": "+919900000009"}, "Idempotency-Key", strings.Repeat("k", 255)); r.status != 201 {
			t.Fatalf("a 255-byte key: %d %s", r.status, r.body)
		}

		// While the first request with a key runs, a retry is told so.
		if _, claimed, err := e.db.ClaimIdempotencyKey(e.acme(), "busy-1", "POST", "/api/v1/contacts", time.Hour); err != nil || !claimed {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, body, "Idempotency-Key", "busy-1"), 409, "idempotency_in_progress")

		// A 5xx is not kept: the retry runs and can succeed.
		normal := e.srv
		e.serve(api.Options{RequestTimeout: time.Nanosecond})
		slow := map[string]any{"phone_e164": "+919900000003"}
		wantProblem(t, e.do("POST", "/api/v1/contacts", e.write, slow, "Idempotency-Key", "slow-1"), 503, "request_timeout")
		e.srv = normal
		if r := e.do("POST", "/api/v1/contacts", e.write, slow, "Idempotency-Key", "slow-1"); r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("retry after a 503: %d %s", r.status, r.body)
		}
	})
}

// Retries that race each other still make one contact: one runs, the
// others are told it is running or get its answer.
func TestIdempotentRacingRetries(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/contacts", strings.NewReader(`{"phone_e164":"+919900000001"}`))
				req.Header.Set("X-Api-Key", e.write)
				req.Header.Set("Idempotency-Key", "race-1")
				res, err := e.srv.Client().Do(req)
				if err != nil {
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			}()
		}
		wg.Wait()
		created := 0
		for _, s := range statuses {
			switch s {
			case 201:
				created++
			case 409:
			default:
				t.Fatalf("racing retries answered %v", statuses)
			}
		}
		if created == 0 {
			t.Fatalf("no retry got the answer: %v", statuses)
		}
		if n := e.do("GET", "/api/v1/contacts", e.read, nil).json(t)["total"]; n != float64(1) {
			t.Fatalf("contacts after racing retries: %v, want 1", n)
		}
	})
}

// A retried import (with a new multipart boundary, as curl sends) and a
// retried export each make exactly one job.
func TestIdempotentImportAndExport(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		csv := "Phone,Name\n+919900000001,Rahul\n+919900000002,Priya\n"
		first := e.uploadWith("first-boundary", csv, "Idempotency-Key", "import-1")
		if first.status != 202 {
			t.Fatalf("import: %d %s", first.status, first.body)
		}
		wantReplay(t, first, e.uploadWith("another-boundary-entirely", csv, "Idempotency-Key", "import-1"))
		if n := e.do("GET", "/api/v1/contact-imports", e.read, nil).json(t)["total"]; n != float64(1) {
			t.Fatalf("imports after a retried upload: %v, want 1", n)
		}
		wantProblem(t, e.uploadWith("third", csv+"+919900000003,Amit\n", "Idempotency-Key", "import-1"), 422, "idempotency_key_reused")
		if files, err := e.db.CountFiles(e.acme()); err != nil || files != 1 {
			t.Fatalf("files after retries: %d %v, want 1", files, err)
		}

		body := map[string]any{"format": "csv", "filters": map[string]any{"search": "rahul"}}
		exp := e.do("POST", "/api/v1/contact-exports", e.write, body, "Idempotency-Key", "export-1")
		if exp.status != 202 {
			t.Fatalf("export: %d %s", exp.status, exp.body)
		}
		wantReplay(t, exp, e.do("POST", "/api/v1/contact-exports", e.write, body, "Idempotency-Key", "export-1"))
		if n := e.do("GET", "/api/v1/contact-exports", e.read, nil).json(t)["total"]; n != float64(1) {
			t.Fatalf("exports after a retried create: %v, want 1", n)
		}
		if r := e.do("POST", "/api/v1/contact-exports", e.write, body, "Idempotency-Key", "export-2"); r.status != 202 {
			t.Fatalf("a new key is a new export: %d %s", r.status, r.body)
		}
		if n := e.do("GET", "/api/v1/contact-exports", e.read, nil).json(t)["total"]; n != float64(2) {
			t.Fatalf("exports: %v, want 2", n)
		}
	})
}
