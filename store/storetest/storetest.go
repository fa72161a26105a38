// Package storetest opens real databases for tests: a SQLite file in a temp
// folder, and a fresh PostgreSQL schema on the server named by
// CONTACTD_TEST_POSTGRES. The same tests run on both; nothing is mocked.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
)

// PostgresEnv names the variable holding the PostgreSQL URL for tests.
const PostgresEnv = "CONTACTD_TEST_POSTGRES"

// Engines lists the engines to test. PostgreSQL is included when
// CONTACTD_TEST_POSTGRES is set; under CI it must be set, or the run fails,
// so that a green CI always means both engines passed.
func Engines(t testing.TB) []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{store.SQLite, store.Postgres}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set under CI: the PostgreSQL suite must run (see Makefile)", PostgresEnv)
	}
	return []string{store.SQLite}
}

// Each runs fn as a subtest on every engine with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, engine := range Engines(t) {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine))
		})
	}
}

// DSN returns a fresh database for engine: a SQLite path, or a PostgreSQL URL
// whose search_path is a new schema. The schema is dropped when t ends.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	if engine == store.SQLite {
		return filepath.Join(t.TempDir(), "contactd.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s not set", PostgresEnv)
	}
	admin := adminDB(t, base)
	schema := newSchemaName()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a fresh, migrated store on engine, closed when t ends.
func Open(t testing.TB, engine string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), DSN(t, engine))
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Workspace creates a workspace and returns a context acting in it as an
// admin key would.
func Workspace(t testing.TB, db *store.DB, name string) context.Context {
	t.Helper()
	ctx := context.Background()
	ws, err := db.CreateWorkspace(ctx, name, "IN")
	if err != nil {
		t.Fatalf("create workspace %s: %v", name, err)
	}
	return contactd.WithActor(ctx, contactd.Actor{WorkspaceID: ws.ID, Role: contactd.RoleAdmin})
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// adminDB is one shared connection pool for creating and dropping schemas.
// It also makes sure pg_trgm lives in public, where every test schema finds
// it: created inside a test schema it would vanish with that schema.
func adminDB(t testing.TB, base string) *sql.DB {
	adminOnce.Do(func() {
		admin, adminErr = sql.Open("pgx", base)
		if adminErr != nil {
			return
		}
		admin.SetMaxOpenConns(4)
		ctx := context.Background()
		for attempt := 0; attempt < 5; attempt++ {
			_, adminErr = admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public`)
			if adminErr == nil {
				break
			}
			time.Sleep(200 * time.Millisecond) // another package's tests raced us to it
		}
		if adminErr != nil {
			return
		}
		dropStaleSchemas(admin)
	})
	if adminErr != nil {
		t.Fatalf("connect to PostgreSQL at %s: %v (is it running? .ci/run starts it)", PostgresEnv, adminErr)
	}
	return admin
}

// newSchemaName embeds the creation time so that a later run can drop the
// schemas of runs that were killed before their cleanup.
func newSchemaName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("ct_%d_%s", time.Now().Unix(), hex.EncodeToString(b))
}

func dropStaleSchemas(db *sql.DB) {
	rows, err := db.Query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ct\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) != 3 {
			continue
		}
		if ts, err := strconv.ParseInt(parts[1], 10, 64); err == nil && time.Since(time.Unix(ts, 0)) > 2*time.Hour {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, s := range stale {
		_, _ = db.Exec(`DROP SCHEMA IF EXISTS ` + s + ` CASCADE`)
	}
}
