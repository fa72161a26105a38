package store

import (
	"context"
	"fmt"
)

// RefreshStatistics updates the planner's statistics after a bulk change.
// PostgreSQL plans a table it has no statistics for as if it were tiny,
// and right after a first large import that turned indexed lookups into
// scans of every contact; autovacuum catches up only later. SQLite's
// PRAGMA optimize does the same job where it is needed. The match-key
// tables are included: every bulk write looks keys up by value, and a
// planner that thinks they are empty scans them.
func (db *DB) RefreshStatistics(ctx context.Context) error {
	q := `PRAGMA optimize`
	if db.dialect.name() == Postgres {
		q = `ANALYZE contacts, contact_tags, audit_events, contact_match_keys, duplicate_members, duplicate_groups`
	}
	if _, err := db.write.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("refresh statistics: %w", err)
	}
	return nil
}

// RefreshStatisticsAfter refreshes the statistics after a bulk write of
// added rows, unless they barely changed the tables: on PostgreSQL an
// ANALYZE samples the same 30,000 rows of each table whatever its size, so
// a few thousand rows into a million-row workspace would pay seconds for
// the statistics it already has. Growth under a fifth of the contacts the
// statistics last counted is let be.
func (db *DB) RefreshStatisticsAfter(ctx context.Context, added int64) error {
	if db.dialect.name() == Postgres {
		var counted float64
		err := db.read.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass`).Scan(&counted)
		if err != nil {
			return fmt.Errorf("read statistics: %w", err)
		}
		if counted > 0 && float64(added)*5 < counted {
			return nil
		}
	}
	return db.RefreshStatistics(ctx)
}
