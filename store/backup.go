package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of a SQLite database to path while the
// server keeps serving: VACUUM INTO reads one snapshot (WAL readers never
// block the writer) and writes a compact, self-contained file. The path must
// not exist yet. PostgreSQL is backed up with its own tools (pg_dump, or
// base backups with WAL archiving); see README.md.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect.name() != SQLite {
		return fmt.Errorf("backup: contactd backs up SQLite only; use pg_dump for PostgreSQL")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new file", abs)
	}
	// A connection of its own: the read pool is query_only, and the write
	// connection would hold up every writer for the length of the copy.
	var file string
	if err := db.read.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file); err != nil {
		return fmt.Errorf("backup: find the database file: %w", err)
	}
	conn, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, abs); err != nil {
		return fmt.Errorf("backup to %s: %w", abs, err)
	}
	return nil
}
