package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// The lean read gives every contact of the snapshot once, in id order, with
// the values the full decode has, across many small pages and stripes (read
// by two transactions), with text that holds the separators SQLite's packed
// pages use, and a NULL merged_into.
func TestExportRowsMatchFullDecode(t *testing.T) {
	defer store.SetExportPageRows(3)()
	defer store.SetExportStripes(2, 2)()
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := storetest.Workspace(t, db, "acme")
			var ids []int64
			for i := 0; i < 11; i++ {
				c, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199000000%02d", i), FirstName: fmt.Sprintf("N%d", i),
					Tags: []string{"t", fmt.Sprint(i)}, CustomFields: map[string]any{"k": i}})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			// Text the API refuses but a database may hold: the separators.
			driver, src := "pgx", dsn
			if engine == store.SQLite {
				driver, src = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
			}
			raw, err := sql.Open(driver, src)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			for _, u := range []struct {
				set string
				id  int64
			}{
				{"first_name = 'a' || chr(30) || 'b'", ids[1]},
				{"last_name = chr(31)", ids[4]},
				{"company = chr(30) || chr(31), city = chr(31)", ids[5]},
				{"status = 'merged', merged_into = " + fmt.Sprint(ids[0]), ids[9]},
			} {
				set := u.set
				if engine == store.SQLite {
					set = strings.ReplaceAll(set, "chr(", "char(")
				}
				if _, err := raw.Exec(`UPDATE contacts SET `+set+` WHERE id = $1`, u.id); err != nil {
					t.Fatal(err)
				}
			}
			actor, _ := contactd.ActorFrom(ctx)
			exp := &contactd.ContactExport{WorkspaceID: actor.WorkspaceID, Filters: contactd.ExportFilter{Status: "all"}}
			fields := []string{"id", "first_name", "last_name", "company", "city", "tags", "custom_fields", "dnc", "merged_into", "version", "created_at"}
			var got, want []string
			err = db.ReadExport(ctx, exp, func(s *store.ExportSnapshot) error {
				if err := s.Each(func(c *contactd.Contact) error {
					merged := "null"
					if c.MergedInto != nil {
						merged = fmt.Sprint(*c.MergedInto)
					}
					tags, _ := json.Marshal(c.Tags)
					custom, _ := json.Marshal(c.CustomFields)
					want = append(want, fmt.Sprintf("%d|%q|%q|%q|%q|%s|%s|%v|%s|%d|%s", c.ID, c.FirstName, c.LastName, c.Company, c.City, tags, custom,
						c.DNC, merged, c.Version, c.CreatedAt.UTC().Format(time.RFC3339Nano)))
					return nil
				}); err != nil {
					return err
				}
				return s.Rows(fields, func(r *store.ExportRow) error {
					id, _ := r.Int(0)
					merged := "null"
					if n, ok := r.Int(8); ok {
						merged = fmt.Sprint(n)
					}
					version, _ := r.Int(9)
					got = append(got, fmt.Sprintf("%d|%q|%q|%q|%q|%s|%s|%v|%s|%d|%s", id, r.Bytes(1), r.Bytes(2), r.Bytes(3), r.Bytes(4),
						compactJSON(t, r.Bytes(5)), compactJSON(t, r.Bytes(6)), r.Bool(7), merged, version, r.Time(10).Format(time.RFC3339Nano)))
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(want) != 11 || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("lean rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func compactJSON(t *testing.T, b []byte) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("stored JSON %q: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
