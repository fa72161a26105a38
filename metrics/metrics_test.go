package metrics

import (
	"strings"
	"testing"
	"time"
)

func TestExposition(t *testing.T) {
	r := New()
	r.Observe("GET", "/api/v1/contacts", 200, 3*time.Millisecond)
	r.Observe("GET", "/api/v1/contacts", 200, 30*time.Millisecond)
	r.Observe("POST", "/api/v1/contacts", 422, time.Millisecond)
	var b strings.Builder
	r.WriteTo(&b)
	out := b.String()
	for _, want := range []string{
		`contactd_http_requests_total{method="GET",route="/api/v1/contacts",status="200"} 2`,
		`contactd_http_requests_total{method="POST",route="/api/v1/contacts",status="422"} 1`,
		`contactd_http_request_duration_seconds_bucket{method="GET",route="/api/v1/contacts",status="200",le="0.005"} 1`,
		`contactd_http_request_duration_seconds_bucket{method="GET",route="/api/v1/contacts",status="200",le="0.05"} 2`,
		`contactd_http_request_duration_seconds_bucket{method="GET",route="/api/v1/contacts",status="200",le="+Inf"} 2`,
		`contactd_http_request_duration_seconds_count{method="POST",route="/api/v1/contacts",status="422"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
