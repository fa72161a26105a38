// Package metrics counts HTTP requests and their latencies and writes them in
// the Prometheus text format. It is the few dozen lines contactd needs, kept
// here instead of pulling in a client library and its dependencies.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Buckets are the latency histogram's upper bounds, in seconds.
var Buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type key struct{ method, route, status string }

type series struct {
	count   uint64
	sum     float64
	buckets []uint64 // cumulative counts per bucket are computed when written
}

// Registry holds the request metrics of one server.
type Registry struct {
	mu     sync.Mutex
	series map[key]*series
	start  time.Time
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{series: map[key]*series{}, start: time.Now()}
}

// Observe records one request.
func (r *Registry) Observe(method, route string, status int, d time.Duration) {
	k := key{method, route, strconv.Itoa(status)}
	secs := d.Seconds()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.series[k]
	if s == nil {
		s = &series{buckets: make([]uint64, len(Buckets))}
		r.series[k] = s
	}
	s.count++
	s.sum += secs
	for i, b := range Buckets {
		if secs <= b {
			s.buckets[i]++
			break
		}
	}
}

// ServeHTTP writes the metrics in the Prometheus text exposition format.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	r.WriteTo(w)
}

// WriteTo writes the metrics to w.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	r.mu.Lock()
	keys := make([]key, 0, len(r.series))
	snap := make(map[key]series, len(r.series))
	for k, s := range r.series {
		keys = append(keys, k)
		snap[k] = series{count: s.count, sum: s.sum, buckets: append([]uint64{}, s.buckets...)}
	}
	r.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	var b strings.Builder
	b.WriteString("# HELP contactd_http_requests_total HTTP requests by method, route and status.\n")
	b.WriteString("# TYPE contactd_http_requests_total counter\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "contactd_http_requests_total{%s} %d\n", labels(k), snap[k].count)
	}
	b.WriteString("# HELP contactd_http_request_duration_seconds HTTP request latency by method, route and status.\n")
	b.WriteString("# TYPE contactd_http_request_duration_seconds histogram\n")
	for _, k := range keys {
		s := snap[k]
		var cum uint64
		for i, bound := range Buckets {
			cum += s.buckets[i]
			fmt.Fprintf(&b, "contactd_http_request_duration_seconds_bucket{%s,le=\"%g\"} %d\n", labels(k), bound, cum)
		}
		fmt.Fprintf(&b, "contactd_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels(k), s.count)
		fmt.Fprintf(&b, "contactd_http_request_duration_seconds_sum{%s} %g\n", labels(k), s.sum)
		fmt.Fprintf(&b, "contactd_http_request_duration_seconds_count{%s} %d\n", labels(k), s.count)
	}
	b.WriteString("# HELP contactd_uptime_seconds Seconds since the server started.\n")
	b.WriteString("# TYPE contactd_uptime_seconds gauge\n")
	fmt.Fprintf(&b, "contactd_uptime_seconds %g\n", time.Since(r.start).Seconds())
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func labels(k key) string {
	return fmt.Sprintf(`method=%q,route=%q,status=%q`, k.method, k.route, k.status)
}
