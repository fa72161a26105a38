// Package soak drives one workspace of a contactd server with many
// concurrent clients doing what an outbound calling platform's integrations
// do at once: creating contacts, conditional PATCHes, searches, merges,
// segment membership changes and small imports. It checks every answer as
// it goes (no 5xx, no "database is locked", a stale write is refused with
// 412 or 409, never applied) and, at the end, that no update was lost.
//
// The go test of this package runs it for a few seconds on each engine;
// contactd-bench runs it for a minute (-suites soak).
package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config says whom to drive and for how long.
type Config struct {
	BaseURL  string // http://host:port of the server
	Key      string // an admin or write key of the workspace to drive
	Clients  int    // concurrent clients (default 32)
	Duration time.Duration
	Seed     uint64
	// Region is the workspace's default region; the clients' phones are
	// Indian mobiles written in E.164, so any region works.
	HTTP *http.Client // default: a keep-alive client sized for Clients
}

// Result is what a run did and found.
type Result struct {
	Elapsed  time.Duration
	Ops      map[string]*OpStats // by operation
	Statuses map[int]int64       // answers by HTTP status
	// Stale counts conditional writes refused as stale (412) or
	// conflicting (409), StaleSent the writes sent with a version known to
	// be stale, all of which must be refused.
	Stale, StaleSent int64
	// Writes counts the successful conditional writes whose versions were
	// checked for lost updates.
	Writes int64
	// Problems are the violations found, one sentence each; empty is a pass.
	Problems []string
}

// OpStats are the answers and latencies of one operation.
type OpStats struct {
	N         int64
	latencies []time.Duration
}

// Percentile returns the p-th percentile latency (0 < p <= 100).
func (o *OpStats) Percentile(p float64) time.Duration {
	if len(o.latencies) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), o.latencies...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// run is the state of one soak run that the clients share.
type run struct {
	cfg Config
	hc  *http.Client

	mu       sync.Mutex
	res      *Result
	pool     []int64                  // contacts anyone may PATCH and put in segments; never merged
	fodder   []int64                  // contacts anyone may PATCH or merge (into one another)
	versions map[int64]map[int64]bool // contact -> versions a conditional write was answered with
	cities   map[int64]cityWrite      // contact -> the city write answered with the highest version
	shared   int64                    // the segment every client changes
}

type cityWrite struct {
	version int64
	city    string
}

// Run drives the server for cfg.Duration and checks what it saw. An error
// means the run could not start (a setup request failed); what went wrong
// during the run is in Result.Problems.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Clients <= 0 {
		cfg.Clients = 32
	}
	r := &run{cfg: cfg, hc: cfg.HTTP, versions: map[int64]map[int64]bool{}, cities: map[int64]cityWrite{},
		res: &Result{Ops: map[string]*OpStats{}, Statuses: map[int]int64{}}}
	if r.hc == nil {
		r.hc = &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
			MaxIdleConns: 2 * cfg.Clients, MaxIdleConnsPerHost: 2 * cfg.Clients, IdleConnTimeout: time.Minute}}
	}
	seg, err := r.createSegment(ctx, fmt.Sprintf("soak shared %d", time.Now().UnixNano()))
	if err != nil {
		return nil, err
	}
	r.shared = seg
	clients := make([]*client, cfg.Clients)
	for i := range clients {
		c := &client{run: r, n: i, rnd: rand.New(rand.NewPCG(cfg.Seed, uint64(i))), owned: map[int64]*owned{}, members: map[int64]bool{}}
		if c.segment, err = r.createSegment(ctx, fmt.Sprintf("soak client %d %d", i, time.Now().UnixNano())); err != nil {
			return nil, err
		}
		clients[i] = c
	}
	start := time.Now()
	// Clients stop starting operations at the deadline, but finish the one
	// they are in: a request cut short is a client gone away, which is not
	// what the soak is about.
	until := start.Add(cfg.Duration)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.loop(ctx, until)
		}()
	}
	wg.Wait()
	r.res.Elapsed = time.Since(start)
	for _, c := range clients {
		c.verify(ctx)
	}
	r.verifyCities(ctx)
	return r.res, nil
}

func (r *run) problem(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.res.Problems) < 100 {
		r.res.Problems = append(r.res.Problems, fmt.Sprintf(format, args...))
	}
}

// answer is one HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) decode(v any) error { return json.Unmarshal(a.body, v) }

// call sends one request, records its status and latency under op, and
// flags what no answer may be: a 5xx, a locked database, a failed request.
// The returned error is a transport failure (or the run's end).
func (r *run) call(ctx context.Context, op, method, path string, body io.Reader, contentType string, headers ...string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.BaseURL+path, body)
	if err != nil {
		return answer{}, err
	}
	req.Header.Set("X-Api-Key", r.cfg.Key)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	res, err := r.hc.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			r.problem("%s %s: %v", method, path, err)
		}
		return answer{}, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(start)
	if err != nil {
		if ctx.Err() == nil {
			r.problem("%s %s: read the answer: %v", method, path, err)
		}
		return answer{}, err
	}
	r.mu.Lock()
	s := r.res.Ops[op]
	if s == nil {
		s = &OpStats{}
		r.res.Ops[op] = s
	}
	s.N++
	s.latencies = append(s.latencies, d)
	r.res.Statuses[res.StatusCode]++
	r.mu.Unlock()
	if res.StatusCode >= 500 {
		r.problem("%s %s answered %d: %.300s", method, path, res.StatusCode, b)
	}
	if lower := bytes.ToLower(b); bytes.Contains(lower, []byte("database is locked")) || bytes.Contains(lower, []byte("deadlock")) ||
		bytes.Contains(lower, []byte("could not serialize")) {
		r.problem("%s %s answered %d with a locking error: %.300s", method, path, res.StatusCode, b)
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}, nil
}

func (r *run) jsonCall(ctx context.Context, op, method, path string, v any, headers ...string) (answer, error) {
	var body io.Reader
	ct := ""
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			return answer{}, err
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	return r.call(ctx, op, method, path, body, ct, headers...)
}

// expect flags an answer whose status is none of want.
func (r *run) expect(a answer, what string, want ...int) bool {
	for _, w := range want {
		if a.status == w {
			return true
		}
	}
	r.problem("%s answered %d, want %v: %.300s", what, a.status, want, a.body)
	return false
}

func (r *run) createSegment(ctx context.Context, name string) (int64, error) {
	a, err := r.jsonCall(ctx, "segment create", "POST", "/api/v1/contact_segments", map[string]any{"name": name, "type": "static"})
	if err != nil {
		return 0, err
	}
	var s struct{ ID int64 }
	if a.status != 201 || a.decode(&s) != nil || s.ID == 0 {
		return 0, fmt.Errorf("create segment %q: %d %.300s", name, a.status, a.body)
	}
	return s.ID, nil
}

// contact is the part of a contact the soak reads.
type contact struct {
	ID           int64          `json:"id"`
	Status       string         `json:"status"`
	MergedInto   *int64         `json:"merged_into"`
	Version      int64          `json:"version"`
	PhoneE164    string         `json:"phone_e164"`
	City         string         `json:"city"`
	AltPhones    []string       `json:"alt_phones"`
	CustomFields map[string]any `json:"custom_fields"`
}

// counter reads the client's counter of a contact.
func (c *contact) counter() int64 {
	f, _ := c.CustomFields["counter"].(float64)
	return int64(f)
}

// written records a conditional write answered with version v: two writes
// answered with one version of one contact means one of them was lost.
func (r *run) written(id, v int64, what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Writes++
	if r.versions[id] == nil {
		r.versions[id] = map[int64]bool{}
	}
	if r.versions[id][v] {
		if len(r.res.Problems) < 100 {
			r.res.Problems = append(r.res.Problems, fmt.Sprintf("contact %d: two writes were answered with version %d (the last: %s): one of them was lost", id, v, what))
		}
	}
	r.versions[id][v] = true
}

func (r *run) stale(sentStale bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Stale++
	if sentStale {
		r.res.StaleSent++
	}
}

// verifyCities requires each contact's city to be the one written with the
// highest version: a later write's value, never an earlier one's.
func (r *run) verifyCities(ctx context.Context) {
	r.mu.Lock()
	cities := make(map[int64]cityWrite, len(r.cities))
	for id, w := range r.cities {
		cities[id] = w
	}
	r.mu.Unlock()
	for id, w := range cities {
		a, err := r.jsonCall(ctx, "get", "GET", fmt.Sprintf("/api/v1/contacts/%d", id), nil)
		if err != nil {
			return
		}
		var c contact
		if !r.expect(a, "GET contact", 200) || a.decode(&c) != nil {
			continue
		}
		if c.Status != "active" {
			continue // merged since: its city is its primary's business now
		}
		if c.City != w.city {
			r.problem("contact %d: city %q, but the write answered with the highest version (%d) set %q: a write was lost", id, c.City, w.version, w.city)
		}
	}
}

// importCSV is a multipart upload of rows (phone, city) with the mapping.
func importBody(rows [][2]string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "soak.csv")
	var csv strings.Builder
	csv.WriteString("Phone,First Name,City\r\n")
	for _, row := range rows {
		fmt.Fprintf(&csv, "%s,Soak,%s\r\n", row[0], row[1])
	}
	fw.Write([]byte(csv.String()))
	mw.WriteField("column_mapping", `{"Phone":"phone_e164","First Name":"first_name","City":"city"}`)
	mw.Close()
	return &b, mw.FormDataContentType()
}

// OpNames lists the operations that ran, sorted.
func (res *Result) OpNames() []string {
	names := make([]string, 0, len(res.Ops))
	for n := range res.Ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Summary is the run in a few lines, for a test log or a report.
func (res *Result) Summary() []string {
	var total int64
	for _, s := range res.Ops {
		total += s.N
	}
	out := []string{fmt.Sprintf("%d requests in %v (%.0f/s); statuses %v; %d conditional writes applied, %d refused as stale (%d of them sent stale on purpose); %d problems",
		total, res.Elapsed.Round(time.Millisecond), float64(total)/res.Elapsed.Seconds(), res.Statuses, res.Writes, res.Stale, res.StaleSent, len(res.Problems))}
	for _, n := range res.OpNames() {
		s := res.Ops[n]
		out = append(out, fmt.Sprintf("  %-16s %6d  p50 %8v  p99 %8v  max %8v", n, s.N,
			s.Percentile(50).Round(10*time.Microsecond), s.Percentile(99).Round(10*time.Microsecond), s.Percentile(100).Round(10*time.Microsecond)))
	}
	return out
}
