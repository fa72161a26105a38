//go:build dupbench

package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/contactgen"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// go test -tags dupbench -run DupBench -timeout 60m ./store/  (DUPBENCH_N, DUPBENCH_ENGINE)
func TestDupBench(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DUPBENCH_N"))
	if n == 0 {
		n = 100000
	}
	engine := os.Getenv("DUPBENCH_ENGINE")
	dsn := storetest.DSN(t, engine)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := storetest.Workspace(t, db, "bench")
	gen := contactgen.New(7)
	start := time.Now()
	seq := 0
	var ids []int64
	for done := 0; done < n; {
		var in []contactd.ContactInput
		for len(in) < 1000 && done+len(in) < n {
			r := gen.Next()
			if r.Kind == contactgen.KindDup {
				seq++
				r.Phone = fmt.Sprintf("+9197%08d", seq) // the same person, another phone
			}
			in = append(in, r.Input())
		}
		res, err := db.CreateContacts(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err == nil {
				ids = append(ids, r.ID)
			}
		}
		done += len(in)
		if done%100000 == 0 {
			t.Logf("%d rows, %.0f rows/s", done, float64(done)/time.Since(start).Seconds())
		}
	}
	t.Logf("load: %d rows in %s (%.0f rows/s), %d created", n, time.Since(start).Round(time.Second), float64(n)/time.Since(start).Seconds(), len(ids))
	if engine == store.Postgres && os.Getenv("DUPBENCH_EXPLAIN") != "" {
		raw, _ := sql.Open("pgx", dsn)
		defer raw.Close()
		for _, q := range []string{
			`SELECT count(*) FROM duplicate_groups WHERE workspace_id = 1`,
			`SELECT group_id, match_rank, summary FROM duplicate_groups WHERE workspace_id = 1 ORDER BY match_rank, group_id LIMIT 51 OFFSET 0`,
			`SELECT m.group_id, c.* FROM duplicate_members m JOIN contacts c ON c.workspace_id = m.workspace_id AND c.id = m.contact_id WHERE m.workspace_id = 1 AND m.group_id IN (` + firstGIDs(t, raw) + `) ORDER BY c.id`,
		} {
			rows, err := raw.Query(`EXPLAIN (ANALYZE, BUFFERS) ` + q)
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
	for _, match := range []string{"", "email", "phone", "name"} {
		var lat []time.Duration
		var total int64
		for i := 0; i < 21; i++ {
			s := time.Now()
			gs, info, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Match: match, Page: contactd.Page{Page: 1, PerPage: 50}})
			if err != nil {
				t.Fatal(err)
			}
			lat = append(lat, time.Since(s))
			total = info.Total
			_ = gs
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		t.Logf("first page match=%q: total %d groups, p50 %s max %s", match, total, lat[10], lat[20])
	}
	// Deep page.
	s := time.Now()
	if _, _, err := db.FindDuplicateGroups(ctx, contactd.DuplicateFilter{Page: contactd.Page{Page: 1000, PerPage: 50}}); err != nil {
		t.Fatal(err)
	}
	t.Logf("page 1000: %s", time.Since(s))
	// Merges of 10 contacts (1 primary + 9 secondaries? no: 10 contacts = 1 + 9).
	var lat []time.Duration
	for i := 0; i < 20; i++ {
		base := len(ids)/2 + i*10
		s := time.Now()
		if _, err := db.MergeContacts(ctx, ids[base], ids[base+1:base+10]); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(s))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("merge of 10 contacts: p50 %s max %s", lat[10], lat[19])
	lat = lat[:0]
	for i := 0; i < 20; i++ {
		base := len(ids)/2 + i*10
		s := time.Now()
		if _, err := db.UnmergeContact(ctx, ids[base]); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(s))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("unmerge of 10 contacts: p50 %s max %s", lat[10], lat[19])
	_ = store.SQLite
}

func firstGIDs(t *testing.T, raw *sql.DB) string {
	rows, err := raw.Query(`SELECT group_id FROM duplicate_groups WHERE workspace_id = 1 ORDER BY match_rank, group_id LIMIT 50`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out = append(out, strconv.FormatInt(id, 10))
	}
	return strings.Join(out, ",")
}
