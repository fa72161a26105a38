package importer_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// upload stores content as an import with opts, as the API would.
func upload(t *testing.T, db *store.DB, ctx context.Context, content string, opts contactd.ImportOptions) *contactd.ContactImport {
	t.Helper()
	if opts.Mode == "" {
		opts.Mode = contactd.ModeCreateOrUpdate
	}
	if opts.MatchOn == "" {
		opts.MatchOn = contactd.MatchOnPhone
	}
	f, err := db.StoreFile(ctx, "contacts.csv", strings.NewReader(content), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := db.CreateImport(ctx, f.ID, "contacts.csv", opts)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}

// run works the import to its end with the real handler.
func run(t *testing.T, db *store.DB, ctx context.Context, imp *contactd.ContactImport, batch int) *contactd.ContactImport {
	t.Helper()
	h := importer.NewHandler(db, quiet, importer.Options{BatchSize: batch})
	job := &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID, Attempts: 1}
	if err := h.Run(ctx, job); err != nil {
		if contactd.ErrorCode(err) == contactd.EInternal {
			t.Fatalf("import run: %v", err)
		}
	}
	got, err := db.FindImportByID(ctx, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

type counts struct{ total, created, updated, skipped, failed int64 }

func wantCounts(t *testing.T, imp *contactd.ContactImport, status string, want counts) {
	t.Helper()
	got := counts{imp.TotalRows, imp.Created, imp.Updated, imp.Skipped, imp.Failed}
	if imp.Status != status || got != want {
		t.Fatalf("import %s %+v (error %q), want %s %+v", imp.Status, got, imp.Error, status, want)
	}
	if imp.Status == contactd.JobCompleted && imp.ProcessedRows != imp.TotalRows {
		t.Fatalf("processed %d of %d", imp.ProcessedRows, imp.TotalRows)
	}
	if imp.Created+imp.Updated+imp.Skipped+imp.Failed != imp.ProcessedRows {
		t.Fatalf("counts do not add up: %+v processed %d", got, imp.ProcessedRows)
	}
}

func contactsByPhone(t *testing.T, db *store.DB, ctx context.Context) map[string]*contactd.Contact {
	t.Helper()
	list, _, err := db.FindContacts(ctx, contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 500}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*contactd.Contact{}
	for _, c := range list {
		out[c.PhoneE164] = c
	}
	return out
}

func errorReport(t *testing.T, db *store.DB, ctx context.Context, id int64) []contactd.ImportError {
	t.Helper()
	var out []contactd.ImportError
	if err := db.ImportErrors(ctx, id, func(e contactd.ImportError) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImportCreatesUpdatesAndReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		csv := "Phone,First Name,Last Name,Email,Company,Tags\r\n" +
			"+91 99000 00001,Rahul,Sharma,rahul@example.com,Acme,vip;hot\r\n" +
			"09900000002,Priya,Patel,,Globex,\r\n" +
			"\r\n" + // blank line: skipped, not failed
			"not a phone,Bad,Row,,,\r\n" +
			"0091-9900000001,,,rahul.work@example.com,,b2b\r\n" + // same person as line 2
			"99000 00001,,,,,\r\n" // and again, adding nothing
		imp := run(t, db, ctx, upload(t, db, ctx, csv, contactd.ImportOptions{Tags: []string{"import-1"}}), 2)
		wantCounts(t, imp, contactd.JobCompleted, counts{total: 5, created: 2, updated: 1, skipped: 1, failed: 1})
		byPhone := contactsByPhone(t, db, ctx)
		if len(byPhone) != 2 {
			t.Fatalf("%d contacts, want 2", len(byPhone))
		}
		rahul := byPhone["+919900000001"]
		if rahul.FirstName != "Rahul" || rahul.Email != "rahul.work@example.com" || rahul.Version != 2 {
			t.Errorf("rahul after the repeat row: %+v", rahul)
		}
		if strings.Join(rahul.AltEmails, ",") != "rahul@example.com" {
			t.Errorf("the first email must be kept as an alternate: %v", rahul.AltEmails)
		}
		if strings.Join(rahul.Tags, ",") != "vip,hot,import-1,b2b" {
			t.Errorf("tags = %v", rahul.Tags)
		}
		errs := errorReport(t, db, ctx, imp.ID)
		if len(errs) != 1 || errs[0].Line != 5 || errs[0].Code != contactd.EInvalidPhone || errs[0].Field != "phone_e164" || errs[0].Raw[0] != "not a phone" {
			t.Errorf("error report = %+v", errs)
		}
		// The audit log says which import and line made each contact.
		events, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: rahul.ID, Page: contactd.Page{Page: 1, PerPage: 10}})
		if err != nil || len(events) != 2 {
			t.Fatalf("audit: %v %v", events, err)
		}
		created := events[1]
		if created.Details["import_id"] != float64(imp.ID) || created.Details["row_number"] != float64(2) {
			t.Errorf("provenance = %v", created.Details)
		}
	})
}

func TestImportModes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		if _, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Rahul", City: "Pune"}); err != nil {
			t.Fatal(err)
		}
		csv := "phone,first_name,city\n+919900000001,Rohan,\n+919900000002,Priya,Delhi\n"
		imp := run(t, db, ctx, upload(t, db, ctx, csv, contactd.ImportOptions{Mode: contactd.ModeCreateOnly}), 100)
		wantCounts(t, imp, contactd.JobCompleted, counts{total: 2, created: 1, skipped: 1})
		if c := contactsByPhone(t, db, ctx)["+919900000001"]; c.FirstName != "Rahul" {
			t.Errorf("create_only changed a contact: %+v", c)
		}
		csv = "phone,first_name,city\n+919900000001,Rohan,\n+919900000003,New,Goa\n"
		imp = run(t, db, ctx, upload(t, db, ctx, csv, contactd.ImportOptions{Mode: contactd.ModeUpdateOnly}), 100)
		wantCounts(t, imp, contactd.JobCompleted, counts{total: 2, updated: 1, skipped: 1})
		c := contactsByPhone(t, db, ctx)["+919900000001"]
		if c.FirstName != "Rohan" || c.City != "Pune" || c.Version != 2 {
			t.Errorf("update_only: name should change, empty city must not clear: %+v", c)
		}
		if _, ok := contactsByPhone(t, db, ctx)["+919900000003"]; ok {
			t.Error("update_only created a contact")
		}
		// match_on email: the row's other phone is kept as an alternate.
		if _, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: "+919900000009", Email: "a@example.com"}); err != nil {
			t.Fatal(err)
		}
		csv = "email,phone\na@example.com,+919900000010\nb@example.com,+919900000001\n"
		imp = run(t, db, ctx, upload(t, db, ctx, csv, contactd.ImportOptions{MatchOn: contactd.MatchOnEmail}), 100)
		wantCounts(t, imp, contactd.JobCompleted, counts{total: 2, updated: 1, failed: 1})
		if c := contactsByPhone(t, db, ctx)["+919900000009"]; strings.Join(c.AltPhones, ",") != "+919900000010" {
			t.Errorf("alt phones = %v", c.AltPhones)
		}
		if errs := errorReport(t, db, ctx, imp.ID); len(errs) != 1 || errs[0].Code != "phone_in_use" {
			t.Errorf("errors = %+v", errs)
		}
	})
}

func TestImportExcelPhones(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		csv := "Phone,Country,Name\n" +
			"9.19900000001E+11,,exact sci\n" +
			"9.19877E+11,,lost digits\n" +
			"919900000002.0,,decimal\n" +
			"'+919900000003,,apostrophe\n" +
			"=\"09900000004\",,formula\n" +
			"0091 99000 00005,,idd\n" +
			"7400123456,GB,lost zero\n"
		imp := run(t, db, ctx, upload(t, db, ctx, csv, contactd.ImportOptions{}), 100)
		wantCounts(t, imp, contactd.JobCompleted, counts{total: 7, created: 6, failed: 1})
		byPhone := contactsByPhone(t, db, ctx)
		for _, p := range []string{"+919900000001", "+919900000002", "+919900000003", "+919900000004", "+919900000005", "+447400123456"} {
			if byPhone[p] == nil {
				t.Errorf("missing %s", p)
			}
		}
		errs := errorReport(t, db, ctx, imp.ID)
		if len(errs) != 1 || errs[0].Code != "phone_precision_lost" || errs[0].Line != 3 {
			t.Errorf("errors = %+v", errs)
		}
		if imp.Warnings < 2 {
			t.Errorf("warnings = %d, want the scientific and decimal repairs counted", imp.Warnings)
		}
	})
}

// A crash after some batches must end with the same contacts as a run that
// never stopped: committed batches are not applied again.
func TestImportResumesWithoutApplyingTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		var b strings.Builder
		b.WriteString("phone,name,tags\n")
		for i := 0; i < 50; i++ {
			b.WriteString("+9199000000" + twoDigits(i%40) + ",P" + twoDigits(i) + ",t" + twoDigits(i%7) + "\n")
		}
		imp := upload(t, db, ctx, b.String(), contactd.ImportOptions{})
		// First run: stopped after two batches, as a kill would stop it.
		cctx, cancel := context.WithCancel(ctx)
		batches := 0
		h := importer.NewHandler(db, quiet, importer.Options{BatchSize: 7, AfterBatch: func(int64) {
			if batches++; batches == 2 {
				cancel()
			}
		}})
		job := &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID}
		_ = h.Run(cctx, job)
		mid, _ := db.FindImportByID(ctx, imp.ID)
		if mid.ProcessedRows != 14 {
			t.Fatalf("the first run should stop part-way, processed %d", mid.ProcessedRows)
		}
		// Replaying an applied batch is refused.
		if _, err := db.ApplyImportBatch(ctx, mid, 0, []contactd.ImportRow{{Line: 2, Input: contactd.ContactInput{PhoneE164: "+919900000099"}}}); err != store.ErrStaleBatch {
			t.Fatalf("replayed batch: %v, want ErrStaleBatch", err)
		}
		final := run(t, db, ctx, mid, 7)
		wantCounts(t, final, contactd.JobCompleted, counts{total: 50, created: 40, updated: 10})

		// Compare with an uninterrupted run in a fresh workspace.
		other := storetest.Workspace(t, db, "globex")
		whole := run(t, db, other, upload(t, db, other, b.String(), contactd.ImportOptions{}), 7)
		wantCounts(t, whole, contactd.JobCompleted, counts{total: 50, created: 40, updated: 10})
		a, z := contactsByPhone(t, db, ctx), contactsByPhone(t, db, other)
		if len(a) != len(z) {
			t.Fatalf("%d vs %d contacts", len(a), len(z))
		}
		for p, c := range a {
			d := z[p]
			if d == nil || c.FirstName != d.FirstName || strings.Join(c.Tags, ",") != strings.Join(d.Tags, ",") || c.Version != d.Version {
				t.Errorf("%s differs: %+v vs %+v", p, c, d)
			}
		}
	})
}

func twoDigits(i int) string { return string([]byte{byte('0' + i/10), byte('0' + i%10)}) }

func TestImportHeaderOnlyAndBadFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		imp := run(t, db, ctx, upload(t, db, ctx, "Phone,Name\r\n", contactd.ImportOptions{}), 100)
		wantCounts(t, imp, contactd.JobCompleted, counts{})
		// A mapping naming a missing header fails the import with a reason.
		imp = run(t, db, ctx, upload(t, db, ctx, "Phone,Name\n+919900000001,A\n", contactd.ImportOptions{Mapping: map[string]string{"Mobile": "phone_e164"}}), 100)
		if imp.Status != contactd.JobFailed || !strings.Contains(imp.Error, "Mobile") {
			t.Errorf("missing header: %s %q", imp.Status, imp.Error)
		}
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.csv")
	content := "Mobile Number;Given Name;E-mail\n+91 99000 00001;Rahul;rahul@example.com\n09900000001;Rahul;\nxyz;Bad;bad@\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pv, err := importer.DryRun(f, contactd.ImportOptions{}, "IN", importerFileOptions())
	if err != nil {
		t.Fatal(err)
	}
	if pv.Delimiter != ";" || pv.Summary.Rows != 3 || pv.Summary.Valid != 2 || pv.Summary.Invalid != 1 || pv.Summary.DuplicatesInFile != 1 {
		t.Fatalf("preview: delimiter %q summary %+v", pv.Delimiter, pv.Summary)
	}
	if pv.Mapping["Mobile Number"] != "phone_e164" || pv.Rows[0].Contact == nil || pv.Rows[0].Contact.PhoneE164 != "+919900000001" {
		t.Errorf("mapping %v, first row %+v", pv.Mapping, pv.Rows[0])
	}
	if len(pv.Rows[2].Errors) == 0 || pv.Rows[2].RowNumber != 4 {
		t.Errorf("bad row: %+v", pv.Rows[2])
	}
}

func TestImportRowLimit(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := storetest.Workspace(t, db, "acme")
	imp := upload(t, db, ctx, "Phone\n+919900000001\n+919900000002\n+919900000003\n", contactd.ImportOptions{})
	h := importer.NewHandler(db, quiet, importer.Options{MaxRows: 2})
	err := h.Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID})
	if contactd.ErrorCode(err) == contactd.EInternal {
		t.Fatal(err)
	}
	got, _ := db.FindImportByID(ctx, imp.ID)
	if got.Status != contactd.JobFailed || !strings.Contains(got.Error, "limit is 2") || got.Created != 0 {
		t.Fatalf("row limit: %+v", got)
	}
}

// Cancel stops a running import at the next batch; what was committed stays
// and is counted.
func TestImportCancelWhileRunning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		var b strings.Builder
		b.WriteString("Phone\n")
		for i := 0; i < 30; i++ {
			b.WriteString("+9199000000" + twoDigits(i) + "\n")
		}
		imp := upload(t, db, ctx, b.String(), contactd.ImportOptions{})
		h := importer.NewHandler(db, quiet, importer.Options{BatchSize: 10, AfterBatch: func(n int64) {
			if n == 10 {
				if _, err := db.CancelImport(ctx, imp.ID); err != nil {
					t.Errorf("cancel: %v", err)
				}
			}
		}})
		if err := h.Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID}); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindImportByID(ctx, imp.ID)
		// The cancel lands after batch 1; batch 2 sees it and is not applied.
		if got.Status != contactd.JobCancelled || got.ProcessedRows != 10 || got.Created != 10 || got.TotalRows != 30 {
			t.Fatalf("cancelled import: %+v", got)
		}
		if n := len(contactsByPhone(t, db, ctx)); n != 10 {
			t.Fatalf("%d contacts, want the 10 committed", n)
		}
		_, err := db.CancelImport(ctx, imp.ID)
		if contactd.ErrorCode(err) != contactd.EConflict {
			t.Fatalf("cancelling an ended import: %v", err)
		}
	})
}
