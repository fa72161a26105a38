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
	// searchPredicate returns the SQL condition that contact c (alias c)
	// matches one of terms, with arguments numbered from argN.
	searchPredicate(terms []string, argN int) (string, []any)
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

// SQLite searches the FTS5 trigram index, which finds any substring of three
// or more characters. Shorter terms have no trigram; they scan search_doc,
// which is what a one- or two-letter search costs on any engine.
func (sqliteDialect) searchPredicate(terms []string, argN int) (string, []any) {
	short := false
	for _, t := range terms {
		if len([]rune(t)) < 3 {
			short = true
		}
	}
	if short {
		return likeAny(terms, argN)
	}
	phrases := make([]string, len(terms))
	for i, t := range terms {
		phrases[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return fmt.Sprintf("c.id IN (SELECT rowid FROM contact_search WHERE contact_search MATCH $%d)", argN),
		[]any{strings.Join(phrases, " OR ")}
}

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

// PostgreSQL answers LIKE '%term%' from the pg_trgm GIN index on search_doc.
func (postgresDialect) searchPredicate(terms []string, argN int) (string, []any) {
	return likeAny(terms, argN)
}

func likeAny(terms []string, argN int) (string, []any) {
	conds := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		conds[i] = fmt.Sprintf(`c.search_doc LIKE $%d ESCAPE '\'`, argN+i)
		args[i] = "%" + escapeLike(t) + "%"
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}
