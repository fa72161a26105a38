package main

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/invariants"
	"github.com/contactd/contactd/soak"
)

// soakClients and the default soakDuration are the long variant of the
// soak that go test runs for a few seconds (package soak).
const (
	soakClients  = 32
	soakDuration = 60 * time.Second
)

func init() { suites = append(suites, soakSuite) }

var soakSuite = suite{
	name:  "soak",
	title: "Concurrency soak",
	about: fmt.Sprintf("%d clients for %s (CONTACTD_SOAK changes it) on one new workspace of the loaded database, through the real "+
		"HTTP handler and job runner: creates, PATCHes of a counter only its owner writes and of cities anyone writes, both with "+
		"If-Match, PATCHes with a version known to be stale, searches, merges, static segment member changes (own and shared "+
		"segments) and imports of 10-15 rows waited for. Every answer is checked as it comes (no 5xx, no locking error, a stale "+
		"write refused with 412/409), and afterwards: no two writes answered with one version, counters, last-written cities and "+
		"segment members as their writers left them, import counts exact, the server log free of errors, and the database "+
		"invariants (package invariants). Latencies are under full contention on the shared cores, not a target.",
		soakClients, soakDuration),
	run: runSoak,
}

func runSoak(t *target) (*table, error) {
	d := soakDuration
	if v := os.Getenv("CONTACTD_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			return nil, fmt.Errorf("CONTACTD_SOAK=%q: want a duration such as 60s", v)
		}
	}
	ws, err := t.db.CreateWorkspace(t.ctx, fmt.Sprintf("soak %d", time.Now().UnixNano()), "IN")
	if err != nil {
		return nil, err
	}
	key, err := t.db.CreateAPIKey(t.ctx, ws.ID, "soak", contactd.RoleAdmin, nil)
	if err != nil {
		return nil, err
	}
	logs := &lockedBuffer{}
	base, stop, err := soak.Serve(t.db, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return nil, err
	}
	res, err := soak.Run(t.ctx, soak.Config{BaseURL: base, Key: key.Secret, Clients: soakClients, Duration: d, Seed: t.seed})
	stop()
	if err != nil {
		return nil, err
	}
	tbl := &table{}
	var total int64
	for _, s := range res.Ops {
		total += s.N
	}
	tbl.add("clients, duration", fmt.Sprintf("%d, %s", soakClients, res.Elapsed.Round(time.Second)))
	tbl.add("requests", fmt.Sprintf("%d (%.0f/s)", total, float64(total)/res.Elapsed.Seconds()))
	statuses := make([]string, 0, len(res.Statuses))
	for code := 100; code < 600; code++ {
		if n := res.Statuses[code]; n > 0 {
			statuses = append(statuses, fmt.Sprintf("%d: %d", code, n))
		}
	}
	tbl.add("answers by status", strings.Join(statuses, ", "))
	var fivexx int64
	for code, n := range res.Statuses {
		if code >= 500 {
			fivexx += n
		}
	}
	tbl.addTarget("5xx answers", fmt.Sprint(fivexx), "0", verdict(fivexx == 0))
	tbl.add("conditional writes applied", fmt.Sprint(res.Writes))
	tbl.addTarget("stale writes refused (412/409)", fmt.Sprintf("%d (%d sent stale on purpose)", res.Stale, res.StaleSent), "all", verdict(res.StaleSent > 0))
	for _, n := range res.OpNames() {
		s := res.Ops[n]
		tbl.add(n+": requests, p50 / p99", fmt.Sprintf("%d, %s / %s", s.N, ms(s.Percentile(50)), ms(s.Percentile(99))))
	}
	logged := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "database is locked") || strings.Contains(line, `"level":"ERROR"`) {
			logged++
			if logged <= 5 {
				tbl.notes = append(tbl.notes, "server log: "+line)
			}
		}
	}
	tbl.addTarget("errors in the server log", fmt.Sprint(logged), "0", verdict(logged == 0))
	for i, p := range res.Problems {
		if i < 10 {
			tbl.notes = append(tbl.notes, "problem: "+p)
		}
	}
	tbl.addTarget("problems (lost updates, stale writes applied, wrong counts)", fmt.Sprint(len(res.Problems)), "0", verdict(len(res.Problems) == 0))
	broken, err := checkInvariants(t)
	if err != nil {
		return nil, err
	}
	for i, v := range broken {
		if i < 10 {
			tbl.notes = append(tbl.notes, "invariant broken: "+v)
		}
	}
	tbl.addTarget("database invariants broken", fmt.Sprint(len(broken)), "0", verdict(len(broken) == 0))
	return tbl, nil
}

func checkInvariants(t *target) ([]string, error) {
	db, err := invariants.Open(t.dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return invariants.Check(t.ctx, db, invariants.Options{Settled: true, Lease: 15 * time.Second})
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
