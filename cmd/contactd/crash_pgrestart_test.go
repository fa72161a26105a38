package main

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/invariants"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// TestImportSurvivesPostgresRestart restarts the PostgreSQL server itself
// (pg_ctl restart -m immediate: every connection cut, crash recovery on the
// way up) in the middle of a large import, and requires the job to retry
// and finish with exactly what an uninterrupted run of the same file gives:
// the same counts, contacts (versions included) and error report.
//
// The shared test server must never be restarted, so the test runs a
// private cluster of its own: initdb into a temporary folder (as the
// postgres OS user when the test runs as root, since initdb refuses root),
// on a free port, stopped and removed when the test ends. It needs the
// PostgreSQL server binaries (CONTACTD_PG_BIN, else the newest of
// /usr/lib/postgresql/*/bin) and skips, saying so, only when they are
// missing.
func TestImportSurvivesPostgresRestart(t *testing.T) {
	contactdBinary(t)
	if pgBinDir() == "" {
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl): install postgresql, or set CONTACTD_PG_BIN to their folder")
	}
	f := genCrashFile(crashRows(t))
	var clean, restarted *importOutcome
	t.Run("runs", func(t *testing.T) {
		// The uninterrupted run goes to the shared test server when there is
		// one, at the same time; else to the private cluster, first.
		var pg *privatePostgres
		if os.Getenv(storetest.PostgresEnv) == "" {
			pg = startPrivatePostgres(t)
			clean = uninterruptedImport(t, pg.createDB(t, "uninterrupted"), f)
		} else {
			t.Run("uninterrupted", func(t *testing.T) {
				t.Parallel()
				clean = uninterruptedImport(t, storetest.DSN(t, store.Postgres), f)
			})
		}
		t.Run("restarted", func(t *testing.T) {
			t.Parallel()
			if pg == nil {
				pg = startPrivatePostgres(t)
			}
			restarted = importThroughRestart(t, pg, f)
		})
	})
	if clean != nil && restarted != nil {
		t.Run("restarted is uninterrupted", func(t *testing.T) { compareOutcomes(t, *restarted, *clean) })
	}
}

// importThroughRestart imports f on a new database of pg, restarts pg once
// a quarter of the file is committed, and requires the import to finish.
func importThroughRestart(t *testing.T, pg *privatePostgres, f crashFile) *importOutcome {
	t.Helper()
	dsn, key := pg.createDB(t, "restarted"), randomKey(t)
	srv := startCrashServer(t, "through a PostgreSQL restart", dsn, crashEnv(key)...)
	id := uploadImport(t, srv, key, f.csv)
	j := waitProgress(t, srv, key, id, 0, 0.25)
	began := time.Now()
	pg.restart(t)
	t.Logf("PostgreSQL restarted (-m immediate) in %v with the import at %s", time.Since(began).Round(time.Millisecond), progress(j))

	// Requests that hit a connection the restart cut may fail; the import
	// must not.
	failed, last := 0, ""
	deadline := time.Now().Add(90 * time.Second)
	for {
		r, err := srv.try("GET", fmt.Sprintf("/api/v1/contact-imports/%d", id), key, nil)
		if err != nil || r.status != 200 {
			failed++
			last = fmt.Sprint(err, r)
		} else {
			want(t, r, 200, &j)
			if j.Status != contactd.JobQueued && j.Status != contactd.JobRunning {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the import has not ended 90s after the PostgreSQL restart: %s", progress(j))
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the import ended %v after the restart: %s; %d status requests failed meanwhile (last: %.200s)",
		time.Since(began).Round(time.Millisecond), progress(j), failed, last)
	waitFinished(t, srv, key, id) // completed, counts adding up
	retried := false
	records, _ := srv.logRecords()
	for _, r := range records {
		msg, _ := r["msg"].(string)
		attempt, _ := r["attempt"].(float64)
		if r["kind"] == contactd.JobKindImport && (msg == "job will retry" || (msg == "job done" && attempt > 1)) {
			retried = true
		}
		if strings.Contains(fmt.Sprint(r), "database is locked") {
			t.Errorf("contactd logged %v", r)
		}
	}
	if !retried {
		t.Errorf("contactd did not log that the import was retried: did the restart reach it?")
	}
	out := readOutcome(t, srv, key, id)
	srv.stop(t)
	checkInvariants(t, dsn, invariants.Options{Settled: true})
	return &out
}

// privatePostgres is a PostgreSQL cluster that the test owns.
type privatePostgres struct {
	bin, dir, data string
	port           int
	asPostgres     bool // run its commands as the postgres OS user
}

// pgBinDir finds the server binaries, or "" when there are none.
func pgBinDir() string {
	if d := os.Getenv("CONTACTD_PG_BIN"); d != "" {
		return d
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	return ""
}

// startPrivatePostgres runs initdb and starts the cluster; t's cleanup stops
// it (and kills the postmaster if a stop fails) and removes its folder.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		t.Skip("no PostgreSQL server binaries (initdb, pg_ctl): install postgresql, or set CONTACTD_PG_BIN to their folder")
	}
	pg := &privatePostgres{bin: bin}
	dir, err := os.MkdirTemp("", "contactd-pg-")
	if err != nil {
		t.Fatal(err)
	}
	pg.dir, pg.data = dir, filepath.Join(dir, "data")
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, initdb needs the postgres OS user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		pg.asPostgres = true
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := pg.command("initdb", "-D", pg.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	_, port, _ := net.SplitHostPort(freeAddr(t))
	pg.port, _ = strconv.Atoi(port)
	t.Cleanup(func() { pg.stop(t) })
	if out, err := pg.ctl("start"); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s\nserver log:\n%s", err, out, pg.log())
	}
	return pg
}

func (pg *privatePostgres) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(pg.bin, name)
	if pg.asPostgres {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// ctl runs pg_ctl with the cluster's folder, log and options, waiting for
// the action to finish.
func (pg *privatePostgres) ctl(action string, args ...string) ([]byte, error) {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", pg.port, pg.dir)
	args = append([]string{"-D", pg.data, "-l", filepath.Join(pg.dir, "log"), "-w", "-t", "60", "-o", opts}, args...)
	return pg.command("pg_ctl", append(args, action)...).CombinedOutput()
}

func (pg *privatePostgres) log() string {
	b, _ := os.ReadFile(filepath.Join(pg.dir, "log"))
	return tail(string(b), 30)
}

// restart cuts every connection and restarts the server with crash
// recovery, as a crash of the database host would.
func (pg *privatePostgres) restart(t *testing.T) {
	t.Helper()
	if out, err := pg.ctl("restart", "-m", "immediate"); err != nil {
		t.Fatalf("pg_ctl restart: %v\n%s\nserver log:\n%s", err, out, pg.log())
	}
}

func (pg *privatePostgres) stop(t *testing.T) {
	if out, err := pg.ctl("stop", "-m", "immediate"); err != nil {
		// The postmaster's pid is the first line of postmaster.pid.
		b, _ := os.ReadFile(filepath.Join(pg.data, "postmaster.pid"))
		if pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0]); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Logf("pg_ctl stop: %v\n%s", err, out)
	}
	if t.Failed() {
		t.Logf("private PostgreSQL log:\n%s", pg.log())
	}
}

func (pg *privatePostgres) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.port, db)
}

// createDB creates a database on the cluster and returns its URL.
func (pg *privatePostgres) createDB(t *testing.T, name string) string {
	t.Helper()
	db, err := sql.Open("pgx", pg.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database %s on the private PostgreSQL: %v", name, err)
	}
	return pg.url(name)
}
