package store_test

import (
	"context"
	"database/sql"
	"reflect"
	"testing"

	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// Both engines must carry the same numbered history, so a database can move
// between them and a feature never lands on one engine only.
func TestMigrationsInStep(t *testing.T) {
	lite, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := store.Migrations(store.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) == 0 {
		t.Fatal("no migrations")
	}
	var lv, pv []string
	for _, m := range lite {
		lv = append(lv, m.Name)
	}
	for _, m := range pg {
		pv = append(pv, m.Name)
	}
	if !reflect.DeepEqual(lv, pv) {
		t.Fatalf("migration histories differ:\nsqlite   %v\npostgres %v", lv, pv)
	}
	for i, m := range lite {
		if m.Version != i+1 {
			t.Errorf("migration %s: version %d, want %d (no gaps)", m.Name, m.Version, i+1)
		}
	}
}

// Opening a database twice applies nothing the second time.
func TestMigrateIsIdempotent(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			for i := 0; i < 2; i++ {
				db, err := store.Open(context.Background(), dsn)
				if err != nil {
					t.Fatalf("open %d: %v", i, err)
				}
				db.Close()
			}
		})
	}
}

// Citus distributes tables by workspace_id: every table must carry it and
// every primary key and unique index must include it. workspaces itself is a
// reference table and schema_migrations is local bookkeeping.
func TestPostgresSchemaIsReadyForCitus(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		if engine != store.Postgres {
			continue
		}
		dsn := storetest.DSN(t, engine)
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		rows, err := raw.Query(`
			SELECT t.relname, i.relname,
			       EXISTS (SELECT 1 FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k WHERE a.attname = 'workspace_id')
			FROM pg_index x
			JOIN pg_class t ON t.oid = x.indrelid
			JOIN pg_class i ON i.oid = x.indexrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE n.nspname = current_schema() AND (x.indisunique OR x.indisprimary)
			  AND t.relname NOT IN ('workspaces', 'schema_migrations')`)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var table, index string
			var has bool
			if err := rows.Scan(&table, &index, &has); err != nil {
				t.Fatal(err)
			}
			n++
			if !has {
				t.Errorf("unique index %s on %s lacks workspace_id", index, table)
			}
		}
		rows.Close()
		if n == 0 {
			t.Fatal("found no unique indexes: wrong schema?")
		}
		rows, err = raw.Query(`
			SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname NOT IN ('workspaces', 'schema_migrations')
			  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id')`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var table string
			rows.Scan(&table)
			t.Errorf("table %s has no workspace_id", table)
		}
		rows.Close()
	}
}
