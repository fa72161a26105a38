package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/invariants"
	"github.com/contactd/contactd/store/storetest"
)

// crashRows is the size of the generated file: six batches of the importer
// (2000 rows each), enough to be cut twice mid-way with far repeats across
// the cuts, and small enough for the two imports per engine to fit in about
// a minute on a busy 2-core machine. CONTACTD_CRASH_ROWS runs it larger.
func crashRows(t *testing.T) int {
	n := 12000
	if v := os.Getenv("CONTACTD_CRASH_ROWS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 10000 {
			t.Fatalf("CONTACTD_CRASH_ROWS=%q: want a number of rows, at least 10000", v)
		}
	}
	return n
}

// crashLease is the job lease of every server of the crash test: a killed
// server's job is free again this long after its last renewal.
const crashLease = "2s"

// TestImportSurvivesKill9 kills the server with SIGKILL in the middle of a
// large import, restarts it on the same database, and requires the import
// to finish with exactly what an uninterrupted run of the same file gives:
// the same counts, the same contacts (every field, and the version that
// says how often each was written), and the same error report. No row is
// lost and none is applied twice.
//
// On each engine two imports of the file run at once, each on its own
// database: one uninterrupted, and one killed twice: as soon as its first
// batch is committed, and again, after the restarted server has taken the
// job over and gone further, past 60% of the file. The second restart
// finishes it.
//
// Restarting the PostgreSQL server itself during an import is
// TestImportSurvivesPostgresRestart, on a private cluster.
func TestImportSurvivesKill9(t *testing.T) {
	contactdBinary(t)
	f := genCrashFile(crashRows(t))
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			began := time.Now()
			var clean, killed *importOutcome
			t.Run("runs", func(t *testing.T) {
				t.Run("uninterrupted", func(t *testing.T) {
					t.Parallel()
					clean = uninterruptedImport(t, storetest.DSN(t, engine), f)
				})
				t.Run("killed", func(t *testing.T) {
					t.Parallel()
					killed = killedImport(t, engine, f, 0, 0.6)
				})
			})
			if clean != nil && killed != nil {
				t.Run("killed is uninterrupted", func(t *testing.T) { compareOutcomes(t, *killed, *clean) })
			}
			t.Logf("%s: %d rows, %v", engine, f.rows, time.Since(began).Round(time.Millisecond))
		})
	}
}

// crashEnv is the environment of every server of the crash tests. They
// poll job progress every few milliseconds: no rate limit.
func crashEnv(key string) []string {
	return []string{"CONTACTD_BOOTSTRAP_KEY=" + key, "CONTACTD_JOB_LEASE=" + crashLease, "CONTACTD_RATE_LIMIT=0"}
}

// uninterruptedImport imports f on a fresh database without interruption and
// requires the counts genCrashFile planned, so that the comparison with a
// killed run is not between two equally broken outcomes.
func uninterruptedImport(t *testing.T, dsn string, f crashFile) *importOutcome {
	t.Helper()
	key := randomKey(t)
	srv := startCrashServer(t, "uninterrupted", dsn, crashEnv(key)...)
	id := uploadImport(t, srv, key, f.csv)
	j := waitFinished(t, srv, key, id)
	if j.TotalRows != f.rows || j.Created != f.created || j.Updated != f.updated || j.Skipped != f.skipped || j.Failed != f.failed {
		t.Errorf("the uninterrupted import gave %s\nwant %d rows: created %d, updated %d, skipped %d, failed %d",
			progress(j), f.rows, f.created, f.updated, f.skipped, f.failed)
	}
	out := readOutcome(t, srv, key, id)
	if int64(len(out.contacts)) != f.created {
		t.Errorf("the uninterrupted import left %d contacts, want %d", len(out.contacts), f.created)
	}
	// A repeat in the batch of the row it repeats is merged before the
	// contact is written (version 1); one in a later batch updates it
	// (version 2). Far repeats are 4991 rows back, near ones 7.
	versions := map[int64]int64{}
	for _, c := range out.contacts {
		versions[c.Version]++
	}
	if versions[1]+versions[2] != f.created || versions[2] < f.farUpdated || versions[2] > f.updated {
		t.Errorf("contacts by version: %v, want all at version 1 or 2, and from %d (the updates of an earlier batch's contact) to %d (all updates) at version 2",
			versions, f.farUpdated, f.updated)
	}
	srv.stop(t)
	t.Logf("%s in %v; the server used %v of CPU", progress(j), j.FinishedAt.Sub(*j.StartedAt).Round(time.Millisecond),
		(srv.cmd.ProcessState.UserTime() + srv.cmd.ProcessState.SystemTime()).Round(time.Millisecond))
	return &out
}

// killedImport uploads f to a server on a fresh database and kills it with
// SIGKILL once per entry of at: each time after the import has committed
// more rows than at the previous kill, at least that fraction of the file,
// and not all of it. A server restarted on the same database after each
// kill must take the job over and finish it.
func killedImport(t *testing.T, engine string, f crashFile, at ...float64) *importOutcome {
	t.Helper()
	dsn, key := storetest.DSN(t, engine), randomKey(t)
	srv := startCrashServer(t, "first run", dsn, crashEnv(key)...)
	servers := []*server{srv}
	id := uploadImport(t, srv, key, f.csv)
	var committed int64 // rows the import had committed when last seen
	for k, frac := range at {
		j := waitProgress(t, srv, key, id, committed, frac)
		kill9(t, srv)
		killed := srv.name
		committed = j.ProcessedRows

		restarted := time.Now()
		srv = startCrashServer(t, fmt.Sprintf("restart %d", k+1), dsn, crashEnv(key)...)
		servers = append(servers, srv)
		// What was committed before the kill is still there (perhaps a
		// batch more than the last poll saw), and the rest is not done yet.
		j = getImport(t, srv, key, id)
		if j.ProcessedRows < committed {
			t.Fatalf("after the restart the import has %d rows processed; %d were committed before the kill: %s",
				j.ProcessedRows, committed, progress(j))
		}
		if j.Status != contactd.JobRunning || j.ProcessedRows >= j.TotalRows {
			t.Fatalf("the import had ended when SIGKILL landed (%s): the importer is faster than this test assumes; raise crashRows", progress(j))
		}
		t.Logf("kill -9 of contactd %s with %s", killed, progress(j))
		committed = j.ProcessedRows
		waitMoved(t, srv, key, id, committed)
		t.Logf("contactd %s took the job over: its first batch was committed %v after it started", srv.name, time.Since(restarted).Round(time.Millisecond))
		if k+1 < len(at) {
			continue
		}
		j = waitFinished(t, srv, key, id)
		t.Logf("finished %v after the restart: %s", time.Since(restarted).Round(time.Millisecond), progress(j))
	}
	wantTakenOver(t, servers)
	out := readOutcome(t, srv, key, id)
	srv.stop(t)
	checkInvariants(t, dsn, invariants.Options{Settled: true})
	return &out
}

// wantTakenOver requires the last server's log to show that its job runner
// finished the import at the attempt that counts one claim per server, and
// no server's log to show a retry, a failure or a lost lease on the way.
func wantTakenOver(t *testing.T, servers []*server) {
	t.Helper()
	done := false
	for i, srv := range servers {
		records, _ := srv.logRecords()
		for _, r := range records {
			msg, _ := r["msg"].(string)
			if kind, ok := r["kind"]; ok && kind != contactd.JobKindImport {
				continue // another kind of job (exports, expiry) is not this test's
			}
			switch msg {
			case "job done":
				if i != len(servers)-1 {
					t.Errorf("contactd %s, killed later, logged that it finished the import: %v", srv.name, r)
				}
				done = true
				if n, _ := r["attempt"].(float64); int(n) != len(servers) {
					t.Errorf("contactd %s finished the import at attempt %v, want %d (one per server that ran it)", srv.name, r["attempt"], len(servers))
				}
			case "job will retry", "job failed", "lease lost; another runner has the job", "claim job", "renew lease":
				t.Errorf("contactd %s logged %q: %v", srv.name, msg, r)
			}
		}
	}
	if !done {
		t.Errorf("contactd %s did not log \"job done\": was the import finished by its job runner?", servers[len(servers)-1].name)
	}
}
