//go:build dupbench

package store_test

import (
	"context"
	"database/sql"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// The read path at the target size: 1M contacts, 5% of them in 25k groups
// of two, written straight into the tables.
func TestDupReadAtScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DUPBENCH_N"))
	if n == 0 {
		n = 1000000
	}
	engine := os.Getenv("DUPBENCH_ENGINE")
	dsn := storetest.DSN(t, engine)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := storetest.Workspace(t, db, "bench")
	driver := "pgx"
	if engine == store.SQLite {
		driver = "sqlite"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	start := time.Now()
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ` + strconv.Itoa(n) + `) `
	from, cast := ` FROM s`, ``
	if engine == store.Postgres {
		series, from, cast = ``, ` FROM generate_series(1, `+strconv.Itoa(n)+`) AS s(i)`, `::jsonb`
	}
	for _, q := range []string{
		series + `INSERT INTO contacts (workspace_id, phone_e164, first_name, last_name, email, created_at, updated_at, search_doc)
			SELECT 1, '+9190' || (10000000 + i), 'First' || i, 'Last', 'p' || i || '@example.com', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', 'first' || i` + from,
		series + `INSERT INTO duplicate_groups (workspace_id, group_id, match_rank, size, summary)
			SELECT 1, i, 1 + (i / 20) % 5, 2, ('[{"match":"email","key":"k","confidence":1,"contact_ids":[' || i || ',' || (i + 1) || ']}]')` + cast + from + ` WHERE i % 40 = 1`,
		series + `INSERT INTO duplicate_members (workspace_id, contact_id, group_id) SELECT 1, i, i` + from + ` WHERE i % 40 = 1`,
		series + `INSERT INTO duplicate_members (workspace_id, contact_id, group_id) SELECT 1, i + 1, i` + from + ` WHERE i % 40 = 1`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Logf("synthetic load of %d contacts: %s", n, time.Since(start).Round(time.Second))
	if engine == store.SQLite {
		for _, q := range []string{
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3,4,5,6,7,8)`,
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3,4,5,6,7,8,9,10,11,12)`,
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20)`,
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id = 5`,
			`UPDATE contacts SET version = version WHERE workspace_id = 1 AND id IN (1,2,3,4,5,6,7,8)`,
			`UPDATE contacts SET version = version WHERE workspace_id = 1 AND id = 1`,
			`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 ORDER BY match_rank, group_id LIMIT 51 OFFSET 0`,
			`SELECT c.id, c.email FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (` + firstGIDs(t, raw) + `)`,
			`SELECT c.id, c.email FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (` + firstGIDs(t, raw) + `) ORDER BY c.id`,
		} {
			rows, _ := raw.Query(`EXPLAIN QUERY PLAN ` + q)
			for rows.Next() {
				var a, b, c int
				var d string
				rows.Scan(&a, &b, &c, &d)
				t.Log(q[:min(len(q), 100)], " -> ", d)
			}
			rows.Close()
			st := time.Now()
			rows, _ = raw.Query(q)
			for rows.Next() {
			}
			rows.Close()
			t.Log("   took ", time.Since(st))
		}
	}
	if os.Getenv("DUPBENCH_EXPLAIN") != "" {
		for _, q := range []string{
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3,4,5,6,7,8)`,
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3,4,5,6,7,8,9,10,11,12)`,
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20)`,
			`SELECT c.id FROM contacts c WHERE c.workspace_id = 1 AND c.id = 5`,
			`UPDATE contacts SET version = version WHERE workspace_id = 1 AND id IN (1,2,3,4,5,6,7,8)`,
			`UPDATE contacts SET version = version WHERE workspace_id = 1 AND id = 1`,
			`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 ORDER BY match_rank, group_id LIMIT 51 OFFSET 0`,
			`SELECT contact_id, group_id FROM duplicate_members WHERE workspace_id = 1 AND group_id IN (` + firstGIDs(t, raw) + `)`,
			`SELECT * FROM contacts c WHERE c.workspace_id = 1 AND c.id IN (` + firstGIDs(t, raw) + `)`,
			`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 ORDER BY match_rank, group_id LIMIT 51 OFFSET 9950`,
		} {
			rows, err := raw.Query(`EXPLAIN ANALYZE ` + q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var line string
				rows.Scan(&line)
				t.Log(line)
			}
			rows.Close()
		}
	}
	measure := func(name string, fn func() error) {
		var lat []time.Duration
		for i := 0; i < 21; i++ {
			s := time.Now()
			if err := fn(); err != nil {
				t.Fatal(err)
			}
			lat = append(lat, time.Since(s))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		t.Logf("%s: p50 %s, max %s", name, lat[10].Round(10*time.Microsecond), lat[20].Round(10*time.Microsecond))
	}
	for _, m := range []string{"", "email", "name"} {
		measure("first page of 50, match="+m, func() error {
			gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Match: m, Page: contactd.Page{Page: 1, PerPage: 50}})
			if err == nil && (len(gs) != 50 || info.Total == 0 || len(gs[0].Contacts) != 2) {
				t.Fatalf("page: %d groups of total %d", len(gs), info.Total)
			}
			return err
		})
	}
	measure("page 200 of 50", func() error {
		_, _, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: contactd.Page{Page: 200, PerPage: 50}})
		return err
	})
	i := 0
	measure("merge of 10 contacts", func() error {
		i++
		base := int64(n/2 + i*10)
		_, err := db.MergeContacts(ctx, base, []int64{base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8, base + 9})
		return err
	})
}
