package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// The phone lookups that every create and import makes must use the live
// phone index, not scan the workspace: at a million contacts a scan per
// batch made bulk loads quadratic.
func TestPhoneLookupsUseTheIndex(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", "file:"+dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`SELECT id FROM contacts WHERE workspace_id = 1 AND phone_e164 = 'x' AND status = 'active' AND id <> 0`,
		`SELECT phone_e164, id FROM contacts WHERE workspace_id = 1 AND status = 'active' AND phone_e164 IN ('a', 'b')`,
	} {
		plan, err := store.QueryPlan(context.Background(), raw, q)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(plan, "; "), "contacts_live_phone") {
			t.Errorf("%s\nplans %v, want the contacts_live_phone index", q, plan)
		}
	}
}
