// Package store keeps contactd's data in SQLite (embedded, the default) or
// PostgreSQL (production), behind one set of SQL statements. The few places
// where the engines differ sit in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for database/sql
	_ "modernc.org/sqlite"             // registers "sqlite", pure Go
)

// DB is an open store. It is safe for concurrent use and holds no state
// beyond its connection pools, so any number of servers can share a database.
type DB struct {
	dialect dialect
	// write takes every transaction that changes data. On SQLite it is one
	// connection: SQLite has one writer at a time, and queueing writers in Go
	// instead of in busy-retry loops keeps "database is locked" away.
	write *sql.DB
	// read serves queries. On SQLite it is a pool of WAL readers that never
	// wait for the writer; on PostgreSQL it is the same pool as write.
	read *sql.DB
	now  func() time.Time
}

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// IsPostgresDSN reports whether dsn selects PostgreSQL.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn (a postgres:// URL, or else a SQLite file path) and
// brings the schema up to date.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
	var err error
	if IsPostgresDSN(dsn) {
		db.dialect = postgresDialect{}
		db.write, err = sql.Open("pgx", withCustomPlans(dsn))
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.write.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
		db.write.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
		db.write.SetConnMaxIdleTime(5 * time.Minute)
		db.read = db.write
	} else {
		db.dialect = sqliteDialect{}
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
		// _txlock=immediate takes the write lock at BEGIN, so a transaction
		// never fails half-way when it upgrades from reading to writing.
		pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
		// secure_delete zeroes what a write frees (old row versions, deleted
		// rows) instead of leaving it in free space: an erased person's data
		// must not survive in the file (see EraseContact). The writer gets a
		// 16 MB page cache (SQLite's default is 2 MB): bulk loads insert at
		// random places in the phone, match-key and search indexes, and with
		// the default most of those pages were read back through a syscall.
		// Not more: in modernc a cached page costs about twice its size in
		// memory, and 32 MB put an exporting server over 100 MB of RSS.
		// temp_store(2) keeps the writer's statement journals in memory:
		// every multi-row INSERT of a transaction keeps the pages it
		// changes until it ends, so that a failing statement can be undone
		// alone, and SQLite spilled them to a temporary file past 64 KB,
		// a write system call a page: an eighth of a bulk load's CPU, and
		// an import into a million contacts went from 1,000 to 1,500
		// rows/s without it. The journal of a statement is as big as the
		// pages it changes, so bulk INSERTs are kept to 500 rows
		// (contactChunk). The writer sorts only small sets, so its
		// temporary b-trees stay small too.
		registerSQLiteDriver()
		db.write, err = sql.Open(sqliteDriverName, "file:"+dsn+"?"+pragmas+"&_pragma=secure_delete(1)&_pragma=cache_size(-16384)&_pragma=temp_store(2)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.write.SetMaxOpenConns(1)
		db.write.SetMaxIdleConns(1)
		db.write.SetConnMaxIdleTime(0)
		db.write.SetConnMaxLifetime(0)
		db.read, err = sql.Open(sqliteDriverName, "file:"+dsn+"?"+pragmas+"&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.read.SetMaxOpenConns(max(4, 2*runtime.NumCPU()))
		db.read.SetMaxIdleConns(max(4, 2*runtime.NumCPU()))
	}
	if err := db.write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.dialect.name(), err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.backfillMatchKeys(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// withCustomPlans asks PostgreSQL to plan every statement for its actual
// parameters. pgx caches prepared statements, and after five runs the
// server may switch one to a generic plan that cannot see a search's
// pattern: it then walks contacts in id order testing LIKE on every row
// (350 ms instead of 24 ms at 100k contacts).
func withCustomPlans(dsn string) string {
	if strings.Contains(dsn, "plan_cache_mode") {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "plan_cache_mode=force_custom_plan"
}

// Engine names the database engine: SQLite or Postgres.
func (db *DB) Engine() string { return db.dialect.name() }

// Close closes the pools.
func (db *DB) Close() error {
	var err error
	if db.read != nil && db.read != db.write {
		err = db.read.Close()
	}
	if db.write != nil {
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// Ping checks that the database answers; /healthz uses it.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.read.PingContext(ctx); err != nil {
		return err
	}
	return db.write.PingContext(ctx)
}

// SetNow fixes the clock, for tests.
func (db *DB) SetNow(now func() time.Time) { db.now = now }

// Setting reads a PostgreSQL run-time setting, for tests and diagnostics.
func (db *DB) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT current_setting($1)`, name).Scan(&v)
	return v, err
}
