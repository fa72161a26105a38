package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	sqlitedrv "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is the seam between the engines: error translation, row locking
// and the search predicate. Everything else is shared SQL.
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

// searchSQL is a search as a FROM clause, a condition and the column that
// orders results by contact id.
type searchSQL struct {
	from, where, order string
	args               []any
}

var plainFrom = searchSQL{from: "contacts c", order: "c.id"}

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

func likeAny(terms []string, argN int) searchSQL {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		conds[i] = fmt.Sprintf(`c.search_doc LIKE $%d ESCAPE '\'`, argN+i)
		args[i] = "%" + escapeLike(t) + "%"
	}
	s := plainFrom
	s.where, s.args = "("+strings.Join(conds, " OR ")+")", args
	return s
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
