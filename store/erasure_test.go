package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/dncimport"
	"github.com/contactd/contactd/exporter"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// runImport stores a CSV and runs its import job to the end.
func runImport(t *testing.T, db *store.DB, ctx context.Context, name, content string) *contactd.ContactImport {
	t.Helper()
	f, err := db.StoreFile(ctx, name, strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := db.CreateImport(ctx, f.ID, name, contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone})
	if err != nil {
		t.Fatal(err)
	}
	if err := importer.NewHandler(db, quiet, importer.Options{}).Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID}); err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	imp, err = db.FindImportByID(ctx, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// runDNCImport stores a file of numbers and loads it into list.
func runDNCImport(t *testing.T, db *store.DB, ctx context.Context, list, name, content string) *contactd.DNCImport {
	t.Helper()
	f, err := db.StoreFile(ctx, name, strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := db.CreateDNCImport(ctx, f.ID, name, contactd.DNCImportOptions{List: list})
	if err != nil {
		t.Fatal(err)
	}
	if err := dncimport.NewHandler(db, quiet, dncimport.Options{BatchSize: 2}).Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindDNCImport, RefID: imp.ID}); err != nil {
		t.Fatalf("dnc import %s: %v", name, err)
	}
	imp, err = db.FindDNCImportByID(ctx, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// The erased person, in every form their data was written in.
var erasedForms = []string{
	"+919876501234", "919876501234", "09876501234", "9876501234", "98765 01234", "98765-01234",
	"+919876501235", "9876501235", "9876501236", "zebulonville",
	"zebulon.q@example.org", "zq@example.net",
	"zebulon", "quixotic",
}

// A control person who is not erased: finding them proves the search works.
var controlForms = []string{"9812309876", "alice.control@example.com", "ottoline"}

// TestErasureLeavesNothing builds a person into every place contactd keeps
// data (contact, alternates, custom fields, tags, consent proof, DNC, an
// import that created them, an error row, a DNC file, a data export, the
// audit log), erases them, and searches the whole database: the SQLite file
// and its WAL byte by byte, or every text, jsonb and bytea column of every
// table on PostgreSQL.
func TestErasureLeavesNothing(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := storetest.Workspace(t, db, "acme")
			csv := "Phone,First Name,Last Name,Email,Company,Notes\n" +
				"+91 98765 01234,Zebulon,Quixotic,zebulon.q@example.org,Quixote Holdings,Zebulon likes tea\n" +
				"98765-0123,Zebulon,Quixotic,zq@example.net,,call 98765 01235\n" + // fails: its cells go to the error report
				"+91 98123 09876,Ottoline,Control,alice.control@example.com,Control Ltd,\n"
			imp := runImport(t, db, ctx, "leads-zebulon.csv", csv)
			if imp.Created != 2 || imp.Failed != 1 {
				t.Fatalf("import: %+v", imp)
			}
			list, _, err := db.FindContacts(ctx, contactd.ContactFilter{Search: "zebulon", Page: contactd.Page{Page: 1, PerPage: 10}})
			if err != nil || len(list) != 1 {
				t.Fatalf("find the person: %v %v", err, list)
			}
			person := list[0]
			alt := []string{"+919876501235"}
			alte := []string{"zq@example.net"}
			tags := []string{"zebulon-vip"}
			if _, err := db.UpdateContact(ctx, person.ID, contactd.ContactUpdate{AltPhones: &alt, AltEmails: &alte, Tags: &tags}); err != nil {
				t.Fatal(err)
			}
			// A duplicate record of the person, merged in: erased with them.
			dup := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919876501236", FirstName: "Zebulon", LastName: "Quixotic", City: "Zebulonville"})
			if _, err := db.MergeContacts(ctx, person.ID, []int64{dup.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RecordConsent(ctx, person.ID, contactd.ConsentInput{Channel: "voice", Status: "granted", Source: "web_form", Proof: "Zebulon Quixotic ticked the box, zebulon.q@example.org"}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.OptOut(ctx, person.ID, contactd.OptOutInput{Reason: "asked"}); err != nil {
				t.Fatal(err)
			}
			runDNCImport(t, db, ctx, "", "dnc.txt", "+919876501234\n+919812309876\n")
			if _, err := db.ExportContactData(ctx, person.ID); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"csv", "jsonl", "xlsx"} {
				exp, err := db.CreateExport(ctx, contactd.ExportInput{Format: format})
				if err != nil {
					t.Fatal(err)
				}
				if err := exporter.NewHandler(db, quiet, exporter.Options{}).Run(ctx, &contactd.Job{WorkspaceID: exp.WorkspaceID, Kind: contactd.JobKindExport, RefID: exp.ID}); err != nil {
					t.Fatalf("export %s: %v", format, err)
				}
			}

			// An answer kept for an Idempotency-Key that shows the person.
			kept, _, err := db.ClaimIdempotencyKey(ctx, "create-zebulon", "POST", "/api/v1/contacts", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			kept.Status, kept.Body = 201, []byte(`{"first_name":"Zebulon","email":"zebulon.q@example.org"}`)
			if err := db.CompleteIdempotencyKey(ctx, kept); err != nil {
				t.Fatal(err)
			}

			erased, err := db.EraseContact(ctx, person.ID)
			if err != nil {
				t.Fatal(err)
			}
			if erased.Status != contactd.StatusErased || erased.PhoneE164 != "" || erased.FirstName != "" || len(erased.AltPhones) != 0 || len(erased.CustomFields) != 0 || len(erased.Tags) != 0 {
				t.Fatalf("tombstone keeps data: %+v", erased)
			}
			// The upload and the three exports held the person (a DNC load
			// deletes its file when it ends).
			ev, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{Action: contactd.ActionErased, Page: contactd.Page{Page: 1, PerPage: 10}})
			if err != nil || len(ev) != 1 || fmt.Sprint(ev[0].Details["files_deleted"]) != "4" || fmt.Sprint(ev[0].Details["error_rows_scrubbed"]) != "1" {
				t.Errorf("erasure event: %v %+v", err, ev)
			}
			if d, err := db.FindContactByID(ctx, dup.ID); err != nil || d.Status != contactd.StatusErased || d.PhoneE164 != "" {
				t.Errorf("the record merged into the person was not erased: %v %+v", err, d)
			}
			again, err := db.EraseContact(ctx, person.ID)
			if err != nil || again.Version != erased.Version {
				t.Fatalf("repeating the erasure: %v %+v", err, again)
			}
			if imp, _ := db.FindImportByID(ctx, imp.ID); imp.Created != 2 || imp.Failed != 1 {
				t.Errorf("the import lost its counts: %+v", imp)
			}

			found := searchDatabase(t, engine, dsn, append(append([]string{}, erasedForms...), controlForms...))
			for _, f := range erasedForms {
				if found[f] {
					t.Errorf("%q survives erasure somewhere in the %s database", f, engine)
				}
			}
			for _, f := range controlForms {
				if !found[f] {
					t.Errorf("the search did not find the control %q: it cannot be trusted", f)
				}
			}
			// The person is refused in every form, and the number is erased.
			for _, in := range []contactd.ContactInput{{PhoneE164: "09876501234"}, {PhoneE164: "+919800000077", Email: "Zebulon.Q@Example.org"}, {PhoneE164: "+919800000078", AltPhones: []string{"+91 98765 01235"}}} {
				_, err := db.CreateContact(ctx, in)
				wantCode(t, err, contactd.EErased)
			}
			again2 := runImport(t, db, ctx, "again.csv", "Mobile\n098765 01234\n")
			if again2.Failed != 1 || again2.Created != 0 {
				t.Errorf("re-import of the erased person: %+v", again2)
			}
			var codes []string
			db.ImportErrors(ctx, again2.ID, func(e contactd.ImportError) error {
				codes = append(codes, e.Code)
				if len(e.Raw) != 0 {
					t.Errorf("the refused row's cells were kept: %v", e.Raw)
				}
				return nil
			})
			if !slices.Equal(codes, []string{contactd.EErased}) {
				t.Errorf("error report codes %v, want erased", codes)
			}
			// DNC lists do not take the number back in clear: checks suppress it by its hash.
			_, _, err = db.AddDNCEntry(ctx, contactd.DNCEntryInput{Phone: "098765 01234"})
			wantCode(t, err, contactd.EErased)
			if dimp := runDNCImport(t, db, ctx, "", "more.txt", "+919876501234\n+919812300000\n"); dimp.Added != 1 || dimp.Duplicates != 1 {
				t.Errorf("dnc load with an erased number: %+v", dimp)
			}
			if l, _, _ := db.FindDNCEntries(ctx, contactd.DNCFilter{Phone: "+919876501234", Page: contactd.Page{Page: 1, PerPage: 5}}); len(l) != 0 {
				t.Errorf("the erased number is on the list again: %+v", l)
			}
			_, got := check(t, db, ctx, phonesCheck("+91 98765 01234", "+919876501235"))
			if !slices.Contains(got["+919876501234"], contactd.ReasonErased) || !slices.Contains(got["+919876501235"], contactd.ReasonErased) {
				t.Errorf("check of the erased numbers: %v", got)
			}
			reqs, _, err := db.FindPrivacyRequests(ctx, 0, contactd.Page{Page: 1, PerPage: 50})
			if err != nil || len(reqs) != 2 || reqs[0].Kind != contactd.PrivacyErasure || reqs[1].Kind != contactd.PrivacyDataExport {
				t.Errorf("privacy requests: %v %+v", err, reqs)
			}
		})
	}
}

// searchDatabase reports which terms (compared lower-case) appear anywhere
// in the database: in any file of the SQLite database's folder (database,
// WAL, shared memory), or in any text-like column on PostgreSQL.
func searchDatabase(t *testing.T, engine, dsn string, terms []string) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	if engine == store.SQLite {
		// No checkpoint here: the erasure must have left no old page in
		// the WAL itself.
		entries, err := os.ReadDir(filepath.Dir(dsn))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(filepath.Dir(dsn), e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.ToLower(b)
			for _, term := range terms {
				if bytes.Contains(b, []byte(strings.ToLower(term))) {
					found[term] = true
				}
			}
		}
		return found
	}
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb', 'bytea', 'character varying', 'json')`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ table, column, typ string }
	var cols []col
	for rows.Next() {
		var c col
		if err := rows.Scan(&c.table, &c.column, &c.typ); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 20 {
		t.Fatalf("only %d text columns: wrong schema?", len(cols))
	}
	for _, c := range cols {
		for _, term := range terms {
			cond := fmt.Sprintf(`position(lower($1) in lower(%q::text)) > 0`, c.column)
			if c.typ == "bytea" {
				cond = fmt.Sprintf(`position(convert_to(lower($1), 'UTF8') in %q) > 0 OR position(convert_to($1, 'UTF8') in %q) > 0`, c.column, c.column)
			}
			var n int
			if err := raw.QueryRow(fmt.Sprintf(`SELECT count(*) FROM %q WHERE %s`, c.table, cond), term).Scan(&n); err != nil {
				t.Fatalf("search %s.%s: %v", c.table, c.column, err)
			}
			if n > 0 {
				found[term] = true
				t.Logf("%q in %s.%s", term, c.table, c.column)
			}
		}
	}
	return found
}
