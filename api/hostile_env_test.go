package api_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// hostileEnv is the harness's env plus a second, plain connection to the
// same database, through which a test sees every row of every table: the
// proof that a refused request wrote nothing is a snapshot of all of them.
type hostileEnv struct {
	*env
	raw     *sql.DB
	tempDir string // the server's upload folder
}

// newHostileEnv builds what newEnv builds (acme with a key of each role,
// globex with an admin key) on a database it also opens directly.
func newHostileEnv(t *testing.T, engine string) *hostileEnv {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	var raw *sql.DB
	if engine == store.Postgres {
		raw, err = sql.Open("pgx", dsn)
	} else {
		raw, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	h := &hostileEnv{env: seedEnv(t, db), raw: raw, tempDir: t.TempDir()}
	h.serve(api.Options{TempDir: h.tempDir})
	return h
}

// volatile are columns that reads may change: the key check notes when a
// key was last used.
var volatile = map[string]bool{"api_keys.last_used_at": true}

// snapshot is, per table, its row count and a hash of all its rows.
type snapshot map[string]string

// snapshot reads every table of the database.
func (h *hostileEnv) snapshot(t *testing.T) snapshot {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if h.db.Engine() == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := h.raw.Query(q)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 10 {
		t.Fatalf("only %d tables seen: %v", len(tables), tables)
	}
	s := snapshot{}
	for _, table := range tables {
		s[table] = h.tableDigest(t, table)
	}
	return s
}

// tableDigest is "N rows, hash" of a table's rows in a stable order.
func (h *hostileEnv) tableDigest(t *testing.T, table string) string {
	t.Helper()
	rows, err := h.raw.Query(`SELECT * FROM ` + table)
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, c := range cols {
			if volatile[table+"."+c] {
				continue
			}
			fmt.Fprintf(&b, "%s=%v;", c, vals[i])
		}
		lines = append(lines, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return fmt.Sprintf("%d rows, %s", len(lines), hex.EncodeToString(sum[:6]))
}

// diff names the tables whose rows differ between two snapshots.
func (s snapshot) diff(after snapshot) []string {
	var out []string
	for table, was := range s {
		if now := after[table]; now != was {
			out = append(out, fmt.Sprintf("%s: %s -> %s", table, was, now))
		}
	}
	for table, now := range after {
		if _, ok := s[table]; !ok {
			out = append(out, fmt.Sprintf("%s: new table, %s", table, now))
		}
	}
	sort.Strings(out)
	return out
}

// checkProblem is wantProblem that reports instead of stopping, so that one
// run of the catalog lists every case that fails.
func checkProblem(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d: %.300s", r.status, status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
		return
	}
	var p struct {
		Code      string `json:"code"`
		Status    int    `json:"status"`
		Detail    string `json:"detail"`
		RequestID string `json:"request_id"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Errorf("problem is not JSON: %v: %.300s", err, r.body)
		return
	}
	if p.Code != code {
		t.Errorf("code %q, want %q: %.300s", p.Code, code, r.body)
	}
	if p.Status != status || p.Detail == "" || p.RequestID == "" {
		t.Errorf("problem lacks status, detail or request_id: %.300s", r.body)
	}
}
