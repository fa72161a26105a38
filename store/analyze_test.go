package store_test

import (
	"fmt"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// TestRefreshStatisticsAfter: PostgreSQL statistics are refreshed after a
// write that grew the contacts by a fifth or more, and left alone after a
// small one (an ANALYZE costs seconds however few rows changed). reltuples
// is the row count the last ANALYZE saw.
func TestRefreshStatisticsAfter(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) { testRefreshStatisticsAfter(t, engine) })
	}
}

func testRefreshStatisticsAfter(t *testing.T, engine string) {
	db, raw := openWithRaw(t, engine)
	ctx := storetest.Workspace(t, db, "acme")
	add := func(from, n int) {
		in := make([]contactd.ContactInput, n)
		for i := range in {
			in[i] = contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199%08d", from+i), FirstName: "P"}
		}
		res, err := db.CreateContacts(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				t.Fatal(r.Err)
			}
		}
	}
	add(0, 1000)
	if err := db.RefreshStatistics(ctx); err != nil {
		t.Fatal(err)
	}
	add(1000, 100)
	if err := db.RefreshStatisticsAfter(ctx, 100); err != nil {
		t.Fatal(err)
	}
	if db.Engine() != store.Postgres {
		return // PRAGMA optimize decides for itself
	}
	if n := raw.reltuples(); n != 1000 {
		t.Errorf("after 100 rows into 1000, the statistics count %v contacts; want them left at 1000", n)
	}
	add(1100, 300)
	if err := db.RefreshStatisticsAfter(ctx, 400); err != nil {
		t.Fatal(err)
	}
	if n := raw.reltuples(); n != 1400 {
		t.Errorf("after 400 rows into 1000, the statistics count %v contacts; want 1400", n)
	}
}

// reltuples is the number of contacts PostgreSQL's statistics last counted.
func (r *rawDB) reltuples() float64 {
	r.t.Helper()
	var n float64
	if err := r.sql.QueryRow(`SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass`).Scan(&n); err != nil {
		r.t.Fatal(err)
	}
	return n
}
