package soak

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/invariants"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// soakDuration is how long each engine is driven: a few seconds in go test,
// CONTACTD_SOAK=60s for the long run (contactd-bench -suites soak runs it
// too, and writes the figures into BENCHMARKS.md).
func soakDuration(t *testing.T) time.Duration {
	d := 8 * time.Second
	if v := os.Getenv("CONTACTD_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d <= 0 {
			t.Fatalf("CONTACTD_SOAK=%q: want a duration such as 60s", v)
		}
	}
	return d
}

// TestSoak drives one workspace with 32 concurrent clients through the real
// HTTP handler and job runner on each engine, and requires: no 5xx and no
// locking error in any answer or in the server's log, every stale write
// refused (412/409) and none applied, no lost update (versions, counters,
// last-written cities, segment members, import counts), and the invariants
// of package invariants at the end.
func TestSoak(t *testing.T) {
	d := soakDuration(t)
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			ctx := context.Background()
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ws, err := db.CreateWorkspace(ctx, "soak", "IN")
			if err != nil {
				t.Fatal(err)
			}
			key, err := db.CreateAPIKey(ctx, ws.ID, "soak", contactd.RoleAdmin, nil)
			if err != nil {
				t.Fatal(err)
			}
			logs := &lockedBuffer{}
			base, stop, err := Serve(db, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(ctx, Config{BaseURL: base, Key: key.Secret, Clients: 32, Duration: d, Seed: 7})
			stop()
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range res.Summary() {
				t.Log(line)
			}
			for _, p := range res.Problems {
				t.Errorf("%s", p)
			}
			for _, op := range []string{"create", "patch counter", "patch city", "patch stale", "search", "merge", "segment members", "import"} {
				if res.Ops[op] == nil || res.Ops[op].N == 0 {
					t.Errorf("the soak did no %q", op)
				}
			}
			if res.Stale == 0 || res.StaleSent == 0 || res.Writes == 0 {
				t.Errorf("the soak saw %d conditional writes applied and %d refused: it did not contend", res.Writes, res.Stale)
			}
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, "database is locked") || strings.Contains(line, `"level":"ERROR"`) {
					t.Errorf("server log: %s", line)
				}
			}
			idb, err := invariants.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer idb.Close()
			found, err := invariants.Check(ctx, idb, invariants.Options{Settled: true, Lease: 15 * time.Second})
			for _, v := range found {
				t.Errorf("invariant broken: %s", v)
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
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
