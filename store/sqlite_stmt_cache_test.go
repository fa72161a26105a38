package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// openCacheConn is one connection of the store's SQLite driver, with a
// table t of ten rows.
func openCacheConn(t *testing.T) *sql.Conn {
	t.Helper()
	registerSQLiteDriver()
	db, err := sql.Open(sqliteDriverName, "file:"+filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for _, q := range []string{`CREATE TABLE t (n INTEGER)`, `INSERT INTO t VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10)`} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return conn
}

func sumOf(t *testing.T, rows *sql.Rows) int {
	t.Helper()
	sum := 0
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		sum += n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	return sum
}

// A kept statement whose rows are still open is not run again under them:
// the same query nested inside its own loop gets a statement of its own.
func TestStmtCacheNestedSameQuery(t *testing.T) {
	conn := openCacheConn(t)
	ctx := context.Background()
	const q = `SELECT n FROM t WHERE n >= $1 ORDER BY n`
	for round := 0; round < 2; round++ { // the second round runs on the kept statement
		outer, err := conn.QueryContext(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for outer.Next() {
			var n int
			if err := outer.Scan(&n); err != nil {
				t.Fatal(err)
			}
			seen++
			inner, err := conn.QueryContext(ctx, q, n)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := sumOf(t, inner), (n+10)*(11-n)/2; got != want {
				t.Fatalf("round %d: inner query from %d summed %d, want %d", round, n, got, want)
			}
		}
		outer.Close()
		if seen != 10 {
			t.Fatalf("round %d: outer query saw %d rows, want 10 (the inner runs disturbed it)", round, seen)
		}
	}
}

// A statement pushed out of the cache while its rows are open finishes its
// rows first.
func TestStmtCacheEvictionWhileBusy(t *testing.T) {
	conn := openCacheConn(t)
	ctx := context.Background()
	rows, err := conn.QueryContext(ctx, `SELECT n FROM t ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal("no first row")
	}
	for i := 0; i < 2*stmtCacheSize; i++ {
		var n int
		if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + count(*) FROM t`, i)).Scan(&n); err != nil || n != i+10 {
			t.Fatalf("query %d = %d, %v", i, n, err)
		}
	}
	if got := 1 + sumOf(t, rows); got != 55 {
		t.Fatalf("the evicted statement's rows summed %d, want 55", got)
	}
}

// A kept statement follows a change of the schema under it.
func TestStmtCacheSchemaChange(t *testing.T) {
	conn := openCacheConn(t)
	ctx := context.Background()
	const q = `SELECT * FROM t LIMIT 1`
	cols := func() int {
		rows, err := conn.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		names, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		return len(names)
	}
	if n := cols(); n != 1 {
		t.Fatalf("%d columns before, want 1", n)
	}
	if _, err := conn.ExecContext(ctx, `ALTER TABLE t ADD COLUMN m TEXT`); err != nil {
		t.Fatal(err)
	}
	if n := cols(); n != 2 {
		t.Fatalf("%d columns after ADD COLUMN, want 2: the kept statement is stale", n)
	}
}
