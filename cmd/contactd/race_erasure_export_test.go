package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/invariants"
	"github.com/contactd/contactd/store/storetest"
)

// TestErasureDuringExport erases a person while an export that holds them
// is being written: the export began from a snapshot taken before the
// erasure, and stores its file after it. The person must not survive in
// that file (or any other place) once both have finished.
func TestErasureDuringExport(t *testing.T) {
	contactdBinary(t)
	f := genCrashFile(crashRows(t))
	file := append(bytes.Clone(f.csv), eraseeRows()...)
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			dsn, key := storetest.DSN(t, engine), randomKey(t)
			srv := startCrashServer(t, "erasure during export", dsn, crashEnv(key)...)
			waitFinished(t, srv, key, uploadImport(t, srv, key, file))
			var page struct{ Data []opContact }
			want(t, srv.do(t, "GET", "/api/v1/contacts?per_page=100&search=quorvak", key, nil), 200, &page)
			var target opContact
			for _, c := range page.Data {
				if c.LastName == eraseeName(0) {
					target = c
				}
			}
			if target.ID == 0 {
				t.Fatalf("erasee 0 was not imported")
			}
			var exp contactd.ContactExport
			want(t, srv.do(t, "POST", "/api/v1/contact-exports", key, map[string]any{"format": "csv"}), 202, &exp)
			var before contactd.ContactExport
			for before.Status == "" || before.Status == contactd.JobQueued {
				time.Sleep(time.Millisecond)
				before = getExport(t, srv, key, exp.ID)
			}
			want(t, srv.do(t, "DELETE", fmt.Sprintf("/api/v1/contacts/%d/gdpr_delete", target.ID), key, nil), 200, nil)
			t.Logf("erased contact %d with the export %s, %d/%d rows", target.ID, before.Status, before.ProcessedRows, before.TotalRows)
			// Either the export was still being written: it is written
			// again from a snapshot taken after the erasure, and holds every
			// active contact but not the erased one; or it finished first:
			// the erasure deleted its file, and the download says so (410).
			e := waitExportEnded(t, srv, key, exp.ID)
			if e.Status != contactd.JobCompleted {
				t.Fatalf("export %d ended %s (%s), want completed", e.ID, e.Status, e.Error)
			}
			r := srv.do(t, "GET", fmt.Sprintf("/api/v1/contact-exports/%d/download", exp.ID), key, nil)
			switch r.status {
			case 200:
				if active := activeTotal(t, srv, key); e.TotalRows != active {
					t.Errorf("the export has %d rows; there are %d active contacts", e.TotalRows, active)
				}
				if bytes.Contains(r.body, []byte(eraseeEmail(0))) || bytes.Contains(r.body, []byte(strings.TrimPrefix(eraseePhone(0), "+"))) {
					t.Errorf("the export downloaded after the erasure holds the erased person %s", eraseeEmail(0))
				}
				t.Logf("the export was written again after the erasure")
			case 410:
				wantProblem(t, r, 410, contactd.EExportExpired)
				t.Logf("the export finished before the erasure, which deleted its file")
			default:
				t.Fatalf("%.300v\nwant 200 (written again) or 410 (deleted by the erasure)", r)
			}
			srv.stop(t)
			checkInvariants(t, dsn, invariants.Options{Settled: true, Erased: []invariants.Person{{
				ContactID: target.ID, Phones: []string{eraseePhone(0)}, Emails: []string{eraseeEmail(0)}, Names: []string{eraseeName(0)},
			}}})
		})
	}
}
