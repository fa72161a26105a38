package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
)

const (
	engineSQLite   = store.SQLite
	enginePostgres = store.Postgres
	// benchDatabase is the PostgreSQL database the bench owns: dropped and
	// made anew on every run, so never point -pg at a server where that
	// name means something else.
	benchDatabase = "contactd_bench"
)

// engineResult is what one engine's run leaves for the report.
type engineResult struct {
	name     string
	version  string
	load     *dataset
	dbBytes  int64 // database size after the load
	peakRSS  int64 // bench process high-water mark after this engine, bytes
	duration time.Duration
	// loadMean and loadPeak are the machine's 1-minute load average during
	// the run; above the core count, something else competed for the CPU.
	loadMean, loadPeak float64
	tables             map[string]*table // by suite name
}

// target is an engine under measurement: loaded, and served over HTTP.
type target struct {
	engine string
	dsn    string // the database, for checks that read it directly
	db     *store.DB
	ctx    context.Context // acts as the bench workspace's admin key
	srv    *server
	data   *dataset
	seed   uint64
}

// database is a fresh, empty database of one engine.
type database struct {
	dsn     string
	version string
	size    func() int64 // bytes on disk, -1 if unknown
	cleanup func()       // removes it, unless -keep
	// analyze, when set, does what autovacuum does after bulk inserts:
	// VACUUM (which marks pages all-visible, so index-only scans skip the
	// table) and ANALYZE (the planner's statistics). It is set for a
	// PostgreSQL server whose autovacuum is off (CI's is): there no
	// statistics would ever exist, every plan would be a guess for an empty
	// table and every index-only scan would visit the table, which is not
	// what a deployed server shows.
	analyze func(ctx context.Context) error
}

// freshDatabase makes an empty database for engine.
func freshDatabase(ctx context.Context, cfg *config, engine string) (*database, error) {
	if engine == engineSQLite {
		return freshSQLite(ctx, cfg)
	}
	admin, err := sql.Open("pgx", cfg.pgURL)
	if err != nil {
		return nil, err
	}
	d := &database{}
	var version, autovacuum, buffers string
	if err := admin.QueryRowContext(ctx, `SELECT current_setting('server_version'), current_setting('autovacuum'), current_setting('shared_buffers')`).Scan(&version, &autovacuum, &buffers); err != nil {
		admin.Close()
		return nil, fmt.Errorf("connect to %s: %w", cfg.pgURL, err)
	}
	// The buffer cache decides how many of a search's table fetches are
	// memory reads rather than system calls, so the report says its size.
	d.version = "PostgreSQL " + version + ", shared_buffers " + buffers
	for _, q := range []string{`DROP DATABASE IF EXISTS ` + benchDatabase + ` WITH (FORCE)`, `CREATE DATABASE ` + benchDatabase} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			admin.Close()
			return nil, fmt.Errorf("%s: %w", q, err)
		}
	}
	u, err := url.Parse(cfg.pgURL)
	if err != nil {
		admin.Close()
		return nil, err
	}
	u.Path = "/" + benchDatabase
	d.dsn = u.String()
	d.size = func() int64 {
		var n int64
		if err := admin.QueryRowContext(ctx, `SELECT pg_database_size($1)`, benchDatabase).Scan(&n); err != nil {
			return -1
		}
		return n
	}
	if autovacuum == "off" {
		d.version += " (autovacuum off: the bench runs VACUUM ANALYZE when autovacuum would: during and after the load, and after the import)"
		d.analyze = func(ctx context.Context) error {
			db, err := sql.Open("pgx", d.dsn)
			if err != nil {
				return err
			}
			defer db.Close()
			_, err = db.ExecContext(ctx, `VACUUM (ANALYZE)`)
			return err
		}
	}
	d.cleanup = func() {
		if !cfg.keep {
			if _, err := admin.ExecContext(context.WithoutCancel(ctx), `DROP DATABASE IF EXISTS `+benchDatabase+` WITH (FORCE)`); err != nil {
				progress("drop %s: %v", benchDatabase, err)
			}
		}
		admin.Close()
	}
	return d, nil
}

func freshSQLite(ctx context.Context, cfg *config) (*database, error) {
	path := filepath.Join(cfg.dir, "bench-sqlite.db")
	files := []string{path, path + "-wal", path + "-shm"}
	for _, f := range files {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	d := &database{dsn: path}
	d.size = func() int64 {
		var n int64
		for _, f := range files {
			if st, err := os.Stat(f); err == nil {
				n += st.Size()
			}
		}
		return n
	}
	d.cleanup = func() {
		if !cfg.keep {
			for _, f := range files {
				os.Remove(f)
			}
		}
	}
	var err error
	d.version, err = sqliteVersion(ctx)
	return d, err
}

// sqliteVersion asks the linked SQLite (modernc) for its version.
func sqliteVersion(ctx context.Context) (string, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	err = db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v)
	return "SQLite " + v + " (modernc.org/sqlite)", err
}

// measureEngine runs the whole bench on one engine.
func measureEngine(ctx context.Context, cfg *config, engine string) (*engineResult, error) {
	start := time.Now()
	busy := sampleLoad(5 * time.Second)
	fresh, err := freshDatabase(ctx, cfg, engine)
	if err != nil {
		return nil, err
	}
	defer fresh.cleanup()
	progress("%s: %s, fresh database", engine, fresh.version)
	db, err := store.Open(ctx, fresh.dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ws, err := db.CreateWorkspace(ctx, "bench", "IN")
	if err != nil {
		return nil, err
	}
	key, err := db.CreateAPIKey(ctx, ws.ID, "bench", contactd.RoleAdmin, nil)
	if err != nil {
		return nil, err
	}
	t := &target{
		engine: engine, dsn: fresh.dsn, db: db, seed: cfg.seed,
		ctx: contactd.WithActor(ctx, contactd.Actor{WorkspaceID: ws.ID, KeyID: key.ID, Role: contactd.RoleAdmin}),
	}
	if t.data, err = load(t.ctx, db, cfg, fresh.analyze); err != nil {
		return nil, err
	}
	res := &engineResult{name: engine, version: fresh.version, load: t.data, dbBytes: fresh.size(), tables: map[string]*table{}}
	if t.srv, err = startServer(db, key.Secret); err != nil {
		return nil, err
	}
	defer t.srv.close()
	for _, s := range cfg.suites {
		progress("%s: suite %s", engine, s.name)
		tbl, err := s.run(t)
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.name, err)
		}
		res.tables[s.name] = tbl
		if s.bulkWrite != nil && s.bulkWrite(cfg) && fresh.analyze != nil {
			// The suites after it would otherwise read 300,000 rows that
			// no server with autovacuum on leaves unvacuumed: every index
			// entry a heap visit, every row a commit-log lookup.
			progress("%s: VACUUM ANALYZE after suite %s, as autovacuum would", engine, s.name)
			if err := fresh.analyze(ctx); err != nil {
				return nil, fmt.Errorf("analyze after suite %s: %w", s.name, err)
			}
		}
	}
	res.peakRSS = peakRSS()
	res.loadMean, res.loadPeak = busy.stop()
	res.duration = time.Since(start)
	return res, nil
}
