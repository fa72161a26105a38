package store

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the seam between the engines: error translation and row
// locking. Search, the one other place where the engines' SQL differs, is
// in search_sql.go. Everything else is shared SQL.
type dialect interface {
	name() string
	// isUniqueViolation reports a broken unique index.
	isUniqueViolation(err error) bool
	// isRetryable reports an error after which the whole transaction may
	// simply run again (serialization failure, deadlock, busy).
	isRetryable(err error) bool
	// forUpdate is the row-lock suffix of a SELECT inside a write transaction.
	// SQLite needs none: its one writer already excludes every other.
	forUpdate() string
	// skipLocked makes concurrent queue pollers pass over each other's rows.
	skipLocked() string
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return SQLite }

func (sqliteDialect) isUniqueViolation(err error) bool {
	var e *sqlitedrv.Error
	return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func (sqliteDialect) isRetryable(err error) bool {
	var e *sqlitedrv.Error
	return errors.As(err, &e) && (e.Code()&0xff == sqlite3.SQLITE_BUSY || e.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

func (sqliteDialect) forUpdate() string { return "" }

func (sqliteDialect) skipLocked() string { return "" }

type postgresDialect struct{}

func (postgresDialect) name() string { return Postgres }

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func (postgresDialect) isUniqueViolation(err error) bool { return pgCode(err) == "23505" }

func (postgresDialect) isRetryable(err error) bool {
	c := pgCode(err)
	return c == "40001" || c == "40P01"
}

func (postgresDialect) forUpdate() string { return " FOR UPDATE" }

func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }
