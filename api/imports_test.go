package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/jobs"
)

// startRunner works queued jobs in the background for the test's duration.
func (e *env) startRunner() {
	r := jobs.New(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Options{Poll: 20 * time.Millisecond})
	r.Handle(contactd.JobKindImport, importer.NewHandler(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), importer.Options{}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

func (e *env) waitImport(id int64) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		imp := e.do("GET", fmt.Sprintf("/api/v1/contact-imports/%d", id), e.read, nil).json(e.t)
		switch imp["status"] {
		case "completed", "failed", "cancelled":
			return imp
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("import %d did not end", id)
	return nil
}

func TestImportOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		e.startRunner()
		csv := "Mobile Number,Given Name,Family Name,E-mail,Notes\n" +
			"+91 99000 00001,Rahul,Sharma,rahul@example.com,likes mornings\n" +
			"n/a,No,Phone,,\n" +
			"=cmd|' /C calc'!A0,Evil,Formula,,\n" +
			"09900000001,Rahul,,,\n"
		r := e.upload(e.write, nil, "leads.csv", csv)
		if r.status != 202 || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/contact-imports/") {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		id := int64(r.json(t)["id"].(float64))
		imp := e.waitImport(id)
		if imp["status"] != "completed" || imp["total_rows"] != float64(4) || imp["created"] != float64(1) || imp["failed"] != float64(2) || imp["skipped"] != float64(1) {
			t.Fatalf("import: %v", imp)
		}
		if imp["column_mapping"].(map[string]any)["Mobile Number"] != "phone_e164" {
			t.Errorf("suggested mapping not used: %v", imp["column_mapping"])
		}
		rep := e.do("GET", fmt.Sprintf("/api/v1/contact-imports/%d/error_report", id), e.read, nil)
		if rep.status != 200 || !strings.HasPrefix(rep.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("error report: %d %s", rep.status, rep.header.Get("Content-Type"))
		}
		want := "Mobile Number,Given Name,Family Name,E-mail,Notes,row_number,error_field,error_code,error_message\n" +
			"n/a,No,Phone,,,3,phone_e164,invalid_phone,"
		if !strings.HasPrefix(string(rep.body), want) {
			t.Errorf("error report:\n%s\nwant prefix\n%s", rep.body, want)
		}
		if !strings.Contains(string(rep.body), "\n'=cmd|' /C calc'!A0,Evil,Formula,,,4,") {
			t.Errorf("a formula cell was not neutralised:\n%s", rep.body)
		}
		c := e.do("GET", "/api/v1/contacts?search=rahul", e.read, nil).json(t)["data"].([]any)[0].(map[string]any)
		if c["custom_fields"].(map[string]any)["notes"] != "likes mornings" {
			t.Errorf("an unmapped column was lost: %v", c["custom_fields"])
		}
		list := e.do("GET", "/api/v1/contact-imports", e.read, nil).json(t)
		if list["total"] != float64(1) {
			t.Errorf("imports list: %v", list)
		}
		wantProblem(t, e.do("POST", fmt.Sprintf("/api/v1/contact-imports/%d/cancel", id), e.write, nil), 409, "conflict")
	})
}

func TestImportDryRunOverHTTP(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		r := e.upload(e.write, map[string]string{"dry_run": "true", "column_mapping": `{"Phone":"phone_e164","Name":"full_name"}`}, "x.csv",
			"Phone,Name\n+919900000001,Rahul Sharma\nbad,Nobody\n")
		if r.status != 200 {
			t.Fatalf("dry run: %d %s", r.status, r.body)
		}
		pv := r.json(t)
		sum := pv["summary"].(map[string]any)
		if sum["rows"] != float64(2) || sum["valid"] != float64(1) || sum["invalid"] != float64(1) {
			t.Errorf("summary: %v", sum)
		}
		first := pv["rows"].([]any)[0].(map[string]any)["contact"].(map[string]any)
		if first["first_name"] != "Rahul" || first["last_name"] != "Sharma" || first["phone_e164"] != "+919900000001" {
			t.Errorf("first row: %v", first)
		}
		if l := e.do("GET", "/api/v1/contact-imports", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("a dry run created an import: %v", l)
		}
		if l := e.do("GET", "/api/v1/contacts", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("a dry run wrote contacts: %v", l)
		}
	})
}

// Every bad upload is a clear 4xx and creates nothing.
func TestImportBadInputs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ok := "Phone,Name\n+919900000001,Rahul\n"
		cases := []struct {
			name     string
			fields   map[string]string
			filename string
			content  string
			status   int
			code     string
		}{
			{"no file", map[string]string{"mode": "create_only"}, "", "", 400, "file_missing"},
			{"zero bytes", nil, "empty.csv", "", 422, "empty_file"},
			{"binary", nil, "x.csv", "\x00\x01\x02\x03binary\x00\x00", 422, "binary_file"},
			{"pdf", nil, "x.csv", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00", 422, "binary_file"},
			{"bad mapping json", map[string]string{"column_mapping": `{"Phone":`}, "x.csv", ok, 422, "invalid_mapping"},
			{"unknown target", map[string]string{"column_mapping": `{"Phone":"phone_e164","Name":"nickname"}`}, "x.csv", ok, 422, "invalid_mapping"},
			{"missing header", map[string]string{"column_mapping": `{"Mobile":"phone_e164"}`}, "x.csv", ok, 422, "unknown_header"},
			{"unknown mode", map[string]string{"mode": "upsert_all"}, "x.csv", ok, 422, "validation_failed"},
			{"unknown match_on", map[string]string{"match_on": "name"}, "x.csv", ok, 422, "validation_failed"},
			{"bad region", map[string]string{"default_region": "XX"}, "x.csv", ok, 422, "validation_failed"},
			{"bad dry_run", map[string]string{"dry_run": "maybe"}, "x.csv", ok, 422, "validation_failed"},
			{"unknown field", map[string]string{"colour": "red"}, "x.csv", ok, 400, "unknown_field"},
			{"bad segment id", map[string]string{"segment_id": "abc"}, "x.csv", ok, 400, "invalid_id"},
			{"segment of nobody", map[string]string{"segment_id": "999"}, "x.csv", ok, 404, "not_found"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				wantProblem(t, e.upload(e.write, tc.fields, tc.filename, tc.content), tc.status, tc.code)
			})
		}
		// Two files.
		r := e.do("POST", "/api/v1/contacts/import", e.write,
			"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nPhone\n1\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.csv\"\r\n\r\nPhone\n2\r\n--B--\r\n",
			"Content-Type", "multipart/form-data; boundary=B")
		wantProblem(t, r, 400, "too_many_files")
		wantProblem(t, e.do("POST", "/api/v1/contacts/import", e.write, `{"file":"x"}`), 415, "unsupported_media_type")
		wantProblem(t, e.upload(e.read, nil, "x.csv", ok), 403, "forbidden")
		if l := e.do("GET", "/api/v1/contact-imports", e.read, nil).json(t); l["total"] != float64(0) {
			t.Errorf("bad uploads created imports: %v", l)
		}
	})
}

// The error report is pinned byte for byte: its columns are a contract with
// the operators' spreadsheets. Regenerate with go test ./api -update.
func TestImportErrorReportGolden(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.startRunner()
	csv := "sep=;\r\n" +
		"Phone;Name;Country;Notes\r\n" +
		"+91 99000 00001;Rahul Sharma;IN;ok\r\n" +
		"9.19877E+11;Lost Digits;IN;excel ate it\r\n" +
		"12345;Too Short;IN;\r\n" +
		";No Phone;IN;\r\n" +
		"+91 99000 00005;Extra;IN;x;surprise\r\n" +
		"\"=HYPERLINK(\"\"http://x\"\")\";Formula;IN;\"multi\r\nline\"\r\n" +
		"+919900000007;Bad Email;IN;\r\n"
	r := e.upload(e.write, map[string]string{"column_mapping": `{"Phone":"phone_e164","Name":"full_name","Country":"country","Notes":"custom.notes"}`}, "report.csv", csv)
	if r.status != 202 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	imp := e.waitImport(int64(r.json(t)["id"].(float64)))
	if imp["failed"] != float64(5) || imp["created"] != float64(2) {
		t.Fatalf("import: %v", imp)
	}
	rep := e.do("GET", fmt.Sprintf("/api/v1/contact-imports/%v/error_report", imp["id"]), e.read, nil)
	golden := "testdata/import_error_report.csv"
	if *update {
		if err := os.WriteFile(golden, rep.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./api -run ErrorReportGolden -update)", err)
	}
	if string(rep.body) != string(want) {
		t.Errorf("error report differs from %s:\n%s", golden, rep.body)
	}
	if got := rep.header.Get("Content-Disposition"); !strings.Contains(got, "attachment") {
		t.Errorf("Content-Disposition = %q", got)
	}
}
