package exporter_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/exporter"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// openDB opens a fresh store on engine and a plain connection beside it, for
// states no store method makes yet (a DNC contact).
func openDB(t *testing.T, engine string) (*store.DB, *sql.DB) {
	t.Helper()
	dsn := storetest.DSN(t, engine)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	driver, src := "pgx", dsn
	if engine == store.SQLite {
		driver, src = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

// seed creates the contacts of the golden files: lists, commas, quotes and
// line breaks, text that spreadsheets would run as formulas, a DNC contact,
// a deleted one.
func seed(t *testing.T, db *store.DB, raw *sql.DB, ctx context.Context) []*contactd.Contact {
	t.Helper()
	inputs := []contactd.ContactInput{
		{PhoneE164: "+919900000001", FirstName: "Rahul", LastName: "Sharma", Email: "rahul@example.com", Company: "Acme Realty, Pune",
			City: "Pune", Country: "IN", Tags: []string{"vip", "hot"}, CustomFields: map[string]any{"budget": "2cr", "notes": "line 1\nsaid \"call me\""},
			AltPhones: []string{"+919812345678", "+919812345679"}, AltEmails: []string{"r.sharma@example.org"}},
		{PhoneE164: "+447400123456", FirstName: `=HYPERLINK("http://evil.example","x")`, LastName: "-2+3", Company: "@SUM(A1)", City: "+cmd",
			Timezone: "Europe/London", Tags: []string{"=vip"}, CustomFields: map[string]any{"handle": "@rahul"}},
		{PhoneE164: "+33612345678", FirstName: "Émile", LastName: "Zola", Company: "Éditions", CustomFields: map[string]any{"age": json.Number("42"), "member": true}},
		{PhoneE164: "+919900000004", FirstName: "Gone"},
	}
	var out []*contactd.Contact
	for i, in := range inputs {
		at := t0.Add(time.Duration(i) * time.Hour)
		db.SetNow(func() time.Time { return at })
		c, err := db.CreateContact(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	db.SetNow(func() time.Time { return t0.Add(24 * time.Hour) })
	if _, err := db.DeleteContact(ctx, out[3].ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE contacts SET dnc = $1 WHERE id = $2`, true, out[2].ID); err != nil {
		t.Fatal(err)
	}
	return out
}

// runExport creates an export, runs its job with the real handler and
// returns the finished export and its file.
func runExport(t *testing.T, db *store.DB, ctx context.Context, in contactd.ExportInput, opts exporter.Options) (*contactd.ContactExport, []byte) {
	t.Helper()
	exp, err := db.CreateExport(ctx, in)
	if err != nil {
		t.Fatalf("create export %+v: %v", in, err)
	}
	h := exporter.NewHandler(db, quiet, opts)
	if err := h.Run(ctx, &contactd.Job{WorkspaceID: exp.WorkspaceID, Kind: contactd.JobKindExport, RefID: exp.ID, Attempts: 1}); err != nil {
		t.Fatalf("run export: %v", err)
	}
	exp, err = db.ExportDownload(ctx, exp.ID)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	var buf bytes.Buffer
	n, err := db.CopyFile(ctx, exp.FileID, &buf)
	if err != nil || n != exp.SizeBytes {
		t.Fatalf("read the file: %d of %d bytes, %v", n, exp.SizeBytes, err)
	}
	if exp.Status != contactd.JobCompleted || exp.ProcessedRows != exp.TotalRows || exp.ExpiresAt == nil {
		t.Fatalf("export %+v", exp)
	}
	return exp, buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./exporter -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// xlsxText dumps every sheet of a workbook as tab-separated text, each cell
// with its type, for a golden file that does not depend on zip details.
func xlsxText(t *testing.T, file []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "# sheet %s\n", sheet)
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				typ, _ := f.GetCellType(sheet, cell)
				if c > 0 {
					b.WriteByte('\t')
				}
				fmt.Fprintf(&b, "%s:%q", typeName(typ), v)
			}
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

func typeName(t excelize.CellType) string {
	switch t {
	case excelize.CellTypeInlineString:
		return "inline"
	case excelize.CellTypeSharedString:
		return "shared"
	case excelize.CellTypeFormula:
		return "FORMULA"
	case excelize.CellTypeUnset:
		return "unset"
	}
	return fmt.Sprintf("type%d", t)
}

// Each format's file, on each engine, is byte for byte the golden one.
func TestGoldenFiles(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, raw := openDB(t, engine)
			ctx := storetest.Workspace(t, db, "acme")
			seed(t, db, raw, ctx)
			db.SetNow(func() time.Time { return t0.Add(48 * time.Hour) })
			all := []string{"id", "phone_e164", "first_name", "custom_fields", "custom.age", "phone_country", "phone_type",
				"phone_timezones", "timezone", "dnc", "status", "merged_into", "version", "created_at", "updated_at"}
			cases := []struct {
				name string
				in   contactd.ExportInput
			}{
				{"default.csv", contactd.ExportInput{Format: contactd.ExportCSV}},
				{"fields_bom_all_statuses.csv", contactd.ExportInput{Format: contactd.ExportCSV, BOM: true, Fields: all, Filters: contactd.ExportFilter{Status: "all"}}},
				{"default.jsonl", contactd.ExportInput{Format: contactd.ExportJSONL}},
				{"fields.jsonl", contactd.ExportInput{Format: contactd.ExportJSONL, Fields: []string{"phone_e164", "tags", "custom.age", "custom.handle", "dnc"}}},
				{"default.xlsx.txt", contactd.ExportInput{Format: contactd.ExportXLSX}},
			}
			for _, tc := range cases {
				exp, file := runExport(t, db, ctx, tc.in, exporter.Options{})
				if tc.in.Format == contactd.ExportXLSX {
					file = xlsxText(t, file)
				}
				golden(t, tc.name, file)
				wantRows := int64(3)
				if tc.in.Filters.Status == "all" {
					wantRows = 4
				}
				if exp.TotalRows != wantRows {
					t.Errorf("%s: total_rows %d, want %d", tc.name, exp.TotalRows, wantRows)
				}
			}
		})
	}
}

// A spreadsheet never runs a cell of a CSV export as a formula: every cell
// that starts with =, +, -, @, tab or CR carries a leading apostrophe, phones
// included. JSON Lines and XLSX (text cells) keep values exactly.
func TestFormulaCellsAreNeutralised(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+919900000001": "'+919900000001", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b", "": "", " =1": " =1", "'quoted": "'quoted",
	} {
		if got := exporter.Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
	db, raw := openDB(t, store.SQLite)
	ctx := storetest.Workspace(t, db, "acme")
	seed(t, db, raw, ctx)
	_, file := runExport(t, db, ctx, contactd.ExportInput{Format: contactd.ExportCSV, Fields: []string{"phone_e164", "first_name", "last_name", "company", "city", "tags", "custom.handle"}}, exporter.Options{})
	records, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
	if err != nil || len(records) != 4 {
		t.Fatalf("%d records, %v", len(records), err)
	}
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
	if got := strings.Join(records[2], "|"); got != `'+447400123456|'=HYPERLINK("http://evil.example","x")|'-2+3|'@SUM(A1)|'+cmd|'=vip|'@rahul` {
		t.Errorf("escaped row: %s", got)
	}
	_, file = runExport(t, db, ctx, contactd.ExportInput{Format: contactd.ExportXLSX, Fields: []string{"phone_e164", "first_name", "company"}}, exporter.Options{})
	text := string(xlsxText(t, file))
	if strings.Contains(text, "FORMULA") || !strings.Contains(text, `inline:"=HYPERLINK(\"http://evil.example\",\"x\")"`) || !strings.Contains(text, `inline:"+447400123456"`) {
		t.Errorf("xlsx cells:\n%s", text)
	}
}

// An export re-imported with the suggested mapping gives back the same
// contacts: into an empty workspace it creates them as they were, and into
// their own workspace it changes nothing.
func TestExportReimportsAsItWas(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, _ := openDB(t, engine)
			ctx := storetest.Workspace(t, db, "acme")
			for _, in := range []contactd.ContactInput{
				{PhoneE164: "+919900000001", FirstName: "Rahul", LastName: "Sharma", Email: "rahul@example.com", Company: "Acme Realty, Pune",
					City: "Pune", Country: "IN", Tags: []string{"vip", "Hot Lead"}, CustomFields: map[string]any{"budget": "2cr", "notes": "line 1\nsaid \"call me\""},
					AltPhones: []string{"+919812345678", "+919812345679"}, AltEmails: []string{"r.sharma@example.org", "rahul@home.example"}},
				{PhoneE164: "+447400123456", FirstName: "Jane", LastName: "O'Neil", Email: "Jane@Example.co.uk", City: "London", Country: "GB",
					Timezone: "Europe/London", CustomFields: map[string]any{"source": "web;form"}},
				{PhoneE164: "+12125551234", FirstName: "José", LastName: "Núñez", Company: "Globex 100%", Tags: []string{"b2b"}},
				{PhoneE164: "+33612345678", FirstName: "Émile"},
			} {
				if _, err := db.CreateContact(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
			want := snapshot(t, db, ctx)
			for _, in := range []contactd.ExportInput{
				{Format: contactd.ExportCSV},
				{Format: contactd.ExportCSV, BOM: true},
				{Format: contactd.ExportXLSX},
			} {
				name := in.Format
				if in.BOM {
					name += "+bom"
				}
				_, file := runExport(t, db, ctx, in, exporter.Options{})
				fresh := storetest.Workspace(t, db, "copy "+name)
				imp := reimport(t, db, fresh, file, "contacts."+in.Format)
				if imp.Created != 4 || imp.Failed != 0 || imp.Warnings != 0 {
					t.Errorf("%s into a new workspace: %+v", name, imp)
				}
				if got := snapshot(t, db, fresh); got != want {
					t.Errorf("%s round trip:\n got %s\nwant %s", name, got, want)
				}
				imp = reimport(t, db, ctx, file, "contacts."+in.Format)
				if imp.Skipped != 4 || imp.Updated != 0 || imp.Created != 0 || imp.Failed != 0 {
					t.Errorf("%s into its own workspace changed something: %+v", name, imp)
				}
			}
		})
	}
}

// snapshot prints what an import can carry of each active contact.
func snapshot(t *testing.T, db *store.DB, ctx context.Context) string {
	t.Helper()
	list, _, err := db.FindContacts(ctx, contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range list {
		custom, _ := json.Marshal(c.CustomFields)
		fmt.Fprintf(&b, "\n%s|%s|%s|%s|%s|%s|%s|%s|%q|%s|%q|%q", c.PhoneE164, c.FirstName, c.LastName, c.Email, c.Company, c.City,
			c.Country, c.Timezone, c.Tags, custom, c.AltPhones, c.AltEmails)
	}
	return b.String()
}

// reimport imports file with the suggested mapping, as the API would, and
// runs the import job to its end.
func reimport(t *testing.T, db *store.DB, ctx context.Context, file []byte, name string) *contactd.ContactImport {
	t.Helper()
	f, err := db.StoreFile(ctx, name, bytes.NewReader(file), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := db.CreateImport(ctx, f.ID, name, contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone})
	if err != nil {
		t.Fatal(err)
	}
	h := importer.NewHandler(db, quiet, importer.Options{})
	if err := h.Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID, Attempts: 1}); err != nil {
		t.Fatalf("import: %v", err)
	}
	imp, err = db.FindImportByID(ctx, imp.ID)
	if err != nil || imp.Status != contactd.JobCompleted {
		t.Fatalf("import %+v %v", imp, err)
	}
	return imp
}

// Contacts changed while an export runs appear once, as they were when it
// began; the count agrees with the rows.
func TestExportIsOneSnapshot(t *testing.T) {
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			db, raw := openDB(t, engine)
			ctx := storetest.Workspace(t, db, "acme")
			cs := seed(t, db, raw, ctx)
			changed := false
			opts := exporter.Options{ProgressEvery: 1, AfterRow: func(n int64) {
				if n != 1 || changed {
					return
				}
				changed = true
				if _, err := db.UpdateContact(ctx, cs[2].ID, contactd.ContactUpdate{FirstName: segPtr("Changed")}); err != nil {
					t.Error(err)
				}
				if _, err := db.DeleteContact(ctx, cs[1].ID, 0); err != nil {
					t.Error(err)
				}
				if _, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000099", FirstName: "Late"}); err != nil {
					t.Error(err)
				}
			}}
			exp, file := runExport(t, db, ctx, contactd.ExportInput{Format: contactd.ExportJSONL, Fields: []string{"id", "first_name"}}, opts)
			want := fmt.Sprintf("{\"id\":%d,\"first_name\":\"Rahul\"}\n{\"id\":%d,\"first_name\":%q}\n{\"id\":%d,\"first_name\":\"Émile\"}\n",
				cs[0].ID, cs[1].ID, cs[1].FirstName, cs[2].ID)
			if !changed || string(file) != want {
				t.Errorf("file:\n%s\nwant\n%s", file, want)
			}
			if exp.TotalRows != 3 || exp.ProcessedRows != 3 {
				t.Errorf("counts %d/%d", exp.ProcessedRows, exp.TotalRows)
			}
		})
	}
}

func segPtr(s string) *string { return &s }

// A finished export's file is deleted when it expires: by its expiry job,
// queued to run at expires_at, or by the first download after it.
func TestExportExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		now := t0
		db.SetNow(func() time.Time { return now })
		if _, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000001"}); err != nil {
			t.Fatal(err)
		}
		exp, _ := runExport(t, db, ctx, contactd.ExportInput{}, exporter.Options{})
		if !exp.ExpiresAt.Equal(t0.Add(contactd.ExportRetention)) {
			t.Fatalf("expires_at %v", exp.ExpiresAt)
		}
		// The export's own job was run by hand above; take it off the queue.
		job, err := db.ClaimJob(ctx, "test", time.Minute)
		if err != nil || job == nil || job.Kind != contactd.JobKindExport {
			t.Fatalf("claim %+v %v", job, err)
		}
		if err := db.FinishJob(ctx, job, "test", false, ""); err != nil {
			t.Fatal(err)
		}
		if job, _ := db.ClaimJob(ctx, "test", time.Minute); job != nil {
			t.Fatalf("a job ran before its time: %+v", job)
		}
		expiry := exporter.NewExpiryHandler(db, quiet)
		// Early, the expiry job deletes nothing and asks to be retried.
		if err := expiry.Run(ctx, &contactd.Job{WorkspaceID: exp.WorkspaceID, Kind: contactd.JobKindExportExpiry, RefID: exp.ID}); err == nil {
			t.Error("an early expiry succeeded")
		}
		if _, err := db.ExportDownload(ctx, exp.ID); err != nil {
			t.Fatalf("download before expiry: %v", err)
		}
		now = t0.Add(contactd.ExportRetention)
		job, err = db.ClaimJob(ctx, "test", time.Minute)
		if err != nil || job == nil || job.Kind != contactd.JobKindExportExpiry || job.RefID != exp.ID {
			t.Fatalf("expiry job %+v %v", job, err)
		}
		if err := expiry.Run(ctx, job); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := db.CopyFile(ctx, exp.FileID, &b); contactd.ErrorCode(err) != contactd.ENotFound {
			t.Errorf("the expired file is still there: %v", err)
		}
		_, err = db.ExportDownload(ctx, exp.ID)
		if contactd.ErrorCode(err) != contactd.EExportExpired {
			t.Errorf("download after expiry: %v", err)
		}
		got, err := db.FindExportByID(ctx, exp.ID)
		if err != nil || got.Status != contactd.JobCompleted || got.TotalRows != 1 {
			t.Errorf("the export's record must stay: %+v %v", got, err)
		}

		// Without a runner, the first download after expiry deletes the file.
		now = t0
		exp2, _ := runExport(t, db, ctx, contactd.ExportInput{}, exporter.Options{})
		now = t0.Add(contactd.ExportRetention + time.Second)
		_, err = db.ExportDownload(ctx, exp2.ID)
		if contactd.ErrorCode(err) != contactd.EExportExpired {
			t.Errorf("download after expiry: %v", err)
		}
		if _, err := db.CopyFile(ctx, exp2.FileID, &b); contactd.ErrorCode(err) != contactd.ENotFound {
			t.Errorf("the expired file is still there: %v", err)
		}
	})
}

// An export whose segment was deleted after it was queued fails with a
// message, and is not retried.
func TestExportOfADeletedSegmentFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		seg, err := db.CreateSegment(ctx, contactd.SegmentInput{Name: "list"})
		if err != nil {
			t.Fatal(err)
		}
		exp, err := db.CreateExport(ctx, contactd.ExportInput{Filters: contactd.ExportFilter{SegmentID: seg.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeleteSegment(ctx, seg.ID); err != nil {
			t.Fatal(err)
		}
		h := exporter.NewHandler(db, quiet, exporter.Options{})
		err = h.Run(ctx, &contactd.Job{WorkspaceID: exp.WorkspaceID, Kind: contactd.JobKindExport, RefID: exp.ID, Attempts: 1})
		if contactd.ErrorCode(err) != contactd.ENotFound {
			t.Fatalf("run: %v", err)
		}
		got, _ := db.FindExportByID(ctx, exp.ID)
		if got.Status != contactd.JobFailed || !strings.Contains(got.Error, fmt.Sprintf("segment %d not found", seg.ID)) {
			t.Errorf("export %+v", got)
		}
		_, err = db.ExportDownload(ctx, exp.ID)
		if contactd.ErrorCode(err) != contactd.EConflict {
			t.Errorf("download of a failed export: %v", err)
		}
	})
}
