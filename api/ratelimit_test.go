package api_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/contactd/contactd/api"
)

func wantLimitHeaders(t *testing.T, r response, limit, remaining int) {
	t.Helper()
	if got := r.header.Get("RateLimit-Limit"); got != strconv.Itoa(limit) {
		t.Errorf("RateLimit-Limit %q, want %d", got, limit)
	}
	if got := r.header.Get("RateLimit-Remaining"); got != strconv.Itoa(remaining) {
		t.Errorf("RateLimit-Remaining %q, want %d (status %d)", got, remaining, r.status)
	}
	if got := r.header.Get("RateLimit-Reset"); got == "" {
		t.Error("no RateLimit-Reset")
	}
}

// Each key has its own bucket: a burst passes, the next request gets 429
// rate_limited with Retry-After, and time refills the bucket. Requests
// without a valid key spend their address's bucket, and once it is empty a
// key from there is not even looked up.
func TestRateLimit(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		e.serve(api.Options{RateLimit: api.RateLimit{Rate: 2, Burst: 3, Now: c.now}})
		for i := 2; i >= 0; i-- {
			r := e.do("GET", "/api/v1/contacts", e.read, nil)
			if r.status != 200 {
				t.Fatalf("request within the burst: %d %s", r.status, r.body)
			}
			wantLimitHeaders(t, r, 3, i)
		}
		r := e.do("GET", "/api/v1/contacts", e.read, nil)
		wantProblem(t, r, 429, "rate_limited")
		wantLimitHeaders(t, r, 3, 0)
		if r.header.Get("Retry-After") != "1" || r.header.Get("RateLimit-Reset") != "2" {
			t.Errorf("Retry-After %q RateLimit-Reset %q, want 1 and 2", r.header.Get("Retry-After"), r.header.Get("RateLimit-Reset"))
		}
		if r := e.do("GET", "/api/v1/contacts", e.write, nil); r.status != 200 {
			t.Errorf("another key was limited: %d", r.status)
		}
		c.add(500 * time.Millisecond)
		if r := e.do("GET", "/api/v1/contacts", e.read, nil); r.status != 200 {
			t.Errorf("after refill: %d %s", r.status, r.body)
		}
		wantProblem(t, e.do("GET", "/api/v1/contacts", e.read, nil), 429, "rate_limited")

		// Anonymous: missing and unknown keys share the address's bucket.
		wantLimitHeaders(t, wantStatus(t, e.do("GET", "/healthz", "", nil), 200), 3, 2)
		wantStatus(t, e.do("GET", "/api/v1/contacts", "", nil), 401)
		wantStatus(t, e.do("GET", "/api/v1/contacts", "cdk_1_wrongwrongwrongwrongwrongwrongwr", nil), 401)
		wantProblem(t, e.do("GET", "/api/v1/contacts", "cdk_1_wrongwrongwrongwrongwrongwrongwr", nil), 429, "rate_limited")
		wantProblem(t, e.do("GET", "/no/such/path", "", nil), 429, "rate_limited")
		wantProblem(t, e.do("GET", "/api/v1/contacts", e.admin, nil), 429, "rate_limited")
		c.add(time.Second)
		if r := e.do("GET", "/api/v1/contacts", e.admin, nil); r.status != 200 {
			t.Errorf("a good key after the address's bucket refilled: %d %s", r.status, r.body)
		}
	})
}

func wantStatus(t *testing.T, r response, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}
