package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/exporter"
)

// runExport works an export's job to its end with the real handler, as a
// runner would, and returns the export as the API then shows it.
func (e *env) runExport(exportID int64) map[string]any {
	e.t.Helper()
	exp := e.do("GET", fmt.Sprintf("/api/v1/contact-exports/%d", exportID), e.read, nil).json(e.t)
	ws, err := e.db.FindWorkspaceByName(context.Background(), "acme")
	if err != nil {
		e.t.Fatal(err)
	}
	ctx := contactd.WithActor(context.Background(), contactd.Actor{WorkspaceID: ws.ID, Role: contactd.RoleAdmin})
	h := exporter.NewHandler(e.db, slog.New(slog.NewTextHandler(io.Discard, nil)), exporter.Options{})
	if err := h.Run(ctx, &contactd.Job{WorkspaceID: ws.ID, Kind: contactd.JobKindExport, RefID: idOf(exp), Attempts: 1}); err != nil {
		e.t.Fatalf("run export: %v", err)
	}
	return e.do("GET", fmt.Sprintf("/api/v1/contact-exports/%d", exportID), e.read, nil).json(e.t)
}

// The operator's flow: make a segment, export it, and check that the file
// is what the export says, in the schema the API documents.
func TestSegmentThenExportThenVerify(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		for i, city := range []string{"Pune", "Delhi", "Pune", "pune"} {
			e.createContact(map[string]any{"phone_e164": fmt.Sprintf("+91990000000%d", i+1), "first_name": fmt.Sprintf("P%d", i+1),
				"city": city, "tags": []string{"lead"}, "custom_fields": map[string]any{"budget": fmt.Sprint(i) + "cr"}})
		}
		e.do("DELETE", "/api/v1/contacts/3", e.write, nil)
		seg := e.createSegment(map[string]any{"name": "Pune leads", "rules": map[string]any{"all": []any{
			map[string]any{"field": "city", "op": "eq", "value": "Pune"},
			map[string]any{"field": "tags", "op": "has", "value": "lead"},
		}}})
		if seg["contact_count"] != float64(2) {
			t.Fatalf("segment: %v", seg)
		}
		r := e.do("POST", "/api/v1/contact-exports", e.write, map[string]any{"filters": map[string]any{"segment_id": idOf(seg)}})
		if r.status != 202 || r.header.Get("Location") != fmt.Sprintf("/api/v1/contact-exports/%d", idOf(r.json(t))) {
			t.Fatalf("create export: %d %s %v", r.status, r.body, r.header)
		}
		exp := r.json(t)
		if exp["status"] != "queued" || exp["download_url"] != nil || exp["format"] != "csv" {
			t.Fatalf("queued export: %v", exp)
		}
		download := fmt.Sprintf("/api/v1/contact-exports/%d/download", idOf(exp))
		wantProblem(t, e.do("GET", download, e.read, nil), 409, "conflict")

		exp = e.runExport(idOf(exp))
		if exp["status"] != "completed" || exp["total_rows"] != float64(2) || exp["processed_rows"] != float64(2) ||
			exp["size_bytes"].(float64) <= 0 || exp["expires_at"] == nil || exp["download_url"] != download {
			t.Fatalf("completed export: %v", exp)
		}
		if got := e.do("GET", "/api/v1/contact-exports", e.read, nil).json(t); got["total"] != float64(1) {
			t.Errorf("list: %v", got)
		}
		res := e.do("GET", download, e.read, nil)
		if res.status != 200 || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			res.header.Get("Content-Disposition") != fmt.Sprintf(`attachment; filename="contacts-export-%d.csv"`, idOf(exp)) ||
			fmt.Sprint(len(res.body)) != res.header.Get("Content-Length") || float64(len(res.body)) != exp["size_bytes"] {
			t.Fatalf("download: %d %v", res.status, res.header)
		}
		records, err := csv.NewReader(bytes.NewReader(res.body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		// The header is the documented default, then the custom fields.
		wantHeader := "phone_e164,first_name,last_name,email,company,city,country,timezone,tags,alt_phones,alt_emails,dnc,custom.budget"
		if got := strings.Join(records[0], ","); got != wantHeader {
			t.Errorf("header %s\nwant   %s", got, wantHeader)
		}
		var rows []string
		for _, rec := range records[1:] {
			rows = append(rows, strings.Join(rec, ","))
		}
		if got := strings.Join(rows, "\n"); got != "'+919900000001,P1,,,,Pune,,,lead,,,false,0cr\n'+919900000004,P4,,,,pune,,,lead,,,false,3cr" {
			t.Errorf("rows:\n%s", got)
		}

		// JSON Lines: every line is an object with exactly the fields asked.
		r = e.do("POST", "/api/v1/contact-exports", e.write, map[string]any{"format": "jsonl", "fields": []string{"id", "phone_e164", "tags", "custom.budget"},
			"filters": map[string]any{"rules": map[string]any{"field": "segments", "op": "has", "value": idOf(seg)}}})
		exp = e.runExport(idOf(r.json(t)))
		res = e.do("GET", exp["download_url"].(string), e.read, nil)
		if res.header.Get("Content-Type") != "application/x-ndjson; charset=utf-8" || !strings.HasSuffix(res.header.Get("Content-Disposition"), `.jsonl"`) {
			t.Errorf("jsonl headers: %v", res.header)
		}
		lines := strings.Split(strings.TrimSuffix(string(res.body), "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("jsonl: %s", res.body)
		}
		for _, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil || len(m) != 4 || m["tags"].([]any)[0] != "lead" {
				t.Errorf("jsonl line %s: %v", l, err)
			}
		}

		// XLSX: a workbook whose first sheet has the header and the rows.
		r = e.do("POST", "/api/v1/contact-exports", e.write, map[string]any{"format": "xlsx", "filters": map[string]any{"segment_id": idOf(seg)}})
		exp = e.runExport(idOf(r.json(t)))
		res = e.do("GET", exp["download_url"].(string), e.read, nil)
		if res.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("xlsx headers: %v", res.header)
		}
		book, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatal(err)
		}
		defer book.Close()
		sheetRows, _ := book.GetRows("Contacts")
		if len(sheetRows) != 3 || strings.Join(sheetRows[0], ",") != wantHeader || sheetRows[1][0] != "+919900000001" {
			t.Errorf("xlsx rows: %v", sheetRows)
		}

		// Seven days on, the file is gone: 410, and no download_url.
		e.db.SetNow(func() time.Time { return time.Now().Add(contactd.ExportRetention + time.Minute) })
		wantProblem(t, e.do("GET", download, e.read, nil), 410, "export_expired")
		wantProblem(t, e.do("GET", download, e.read, nil), 410, "export_expired")
	})
}

// Bad export requests are 4xx naming the problem; none creates an export.
func TestExportBadInput(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		theirs := e.do("POST", "/api/v1/contact_segments", e.other, map[string]any{"name": "theirs"}).json(t)
		audit := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"]
		cases := []struct {
			body        string
			status      int
			code, field string
		}{
			{`{"fields":["phone_e164","password"]}`, 422, "validation_failed", "fields[1]"},
			{`{"fields":"phone_e164"}`, 422, "validation_failed", "fields"},
			{`{"format":"pdf"}`, 422, "validation_failed", "format"},
			{`{"format":"xlsx","bom":true}`, 422, "validation_failed", "bom"},
			{`{"filters":{"segment_id":` + fmt.Sprint(idOf(theirs)) + `}}`, 404, "not_found", ""},
			{`{"filters":{"segment_id":0}}`, 422, "validation_failed", "filters.segment_id"},
			{`{"filters":{"status":"gone"}}`, 422, "validation_failed", "filters.status"},
			{`{"filters":{"created_after":"last week"}}`, 422, "validation_failed", "filters.created_after"},
			{`{"filters":{"segment":19}}`, 400, "unknown_field", "segment"},
			{`{"filters":{"rules":{"any":[{"field":"city","op":"like","value":"x"}]}}}`, 422, "invalid_rule", "filters.rules.any[0].op"},
			{`{"filters":{"rules":{"field":"segments","op":"has","value":` + fmt.Sprint(idOf(theirs)) + `}}}`, 422, "invalid_rule", "filters.rules"},
			{`{"filters":{"rules":[]}}`, 422, "invalid_rule", "filters.rules"},
		}
		for _, tc := range cases {
			p := wantProblem(t, e.do("POST", "/api/v1/contact-exports", e.write, tc.body), tc.status, tc.code)
			if tc.field == "" {
				continue
			}
			errs, _ := p["errors"].([]any)
			if len(errs) == 0 || errs[0].(map[string]any)["field"] != tc.field {
				t.Errorf("%s: errors %v, want field %s", tc.body, p["errors"], tc.field)
			}
		}
		if got := e.do("GET", "/api/v1/contact-exports", e.read, nil).json(t); got["total"] != float64(0) {
			t.Errorf("a refused request created an export: %v", got)
		}
		if n := e.do("GET", "/api/v1/audit_events", e.admin, nil).json(t)["total"]; n != audit {
			t.Errorf("audit events went from %v to %v", audit, n)
		}
		wantProblem(t, e.do("GET", "/api/v1/contact-exports/999999/download", e.read, nil), 404, "not_found")
	})
}
