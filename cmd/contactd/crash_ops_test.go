package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/invariants"
	"github.com/contactd/contactd/store/storetest"
)

// TestOperationsSurviveKill9 kills the server with SIGKILL in the middle of
// an export job, of a run of merges and of a run of erasures, on one
// database per engine, restarts it each time, and requires after each
// restart that what was interrupted happened whole or not at all, and that
// the invariants of package invariants hold:
//
//   - export: the restarted server takes the job over and completes it (or
//     fails it with a reason); the file downloads, is exactly its stored
//     chunks, and holds every active contact once;
//   - merge: every merge the server answered is applied; the one in flight
//     is applied whole (secondary merged into the primary, the primary
//     holding its phone) or not at all (both untouched), and can be done
//     after the restart;
//   - erasure: every erasure answered is done, the one in flight done whole
//     or not at all; repeating every erasure after the restart leaves none
//     of the people's phones, emails or names in any table: contacts, audit
//     events, stored files (the import's upload, the export), merge state.
func TestOperationsSurviveKill9(t *testing.T) {
	contactdBinary(t)
	f := genCrashFile(crashRows(t))
	file := append(bytes.Clone(f.csv), eraseeRows()...)
	for _, engine := range storetest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			began := time.Now()
			dsn, key := storetest.DSN(t, engine), randomKey(t)
			srv := startCrashServer(t, "setup", dsn, crashEnv(key)...)
			waitFinished(t, srv, key, uploadImport(t, srv, key, file))
			// One step after the other on the same database, not subtests:
			// each restarted server lives on into the next step.
			srv = killedExport(t, srv, dsn, key)
			srv = killedMerges(t, srv, dsn, key)
			srv = killedErasures(t, srv, dsn, key)
			srv.stop(t)
			t.Logf("%s: %v", engine, time.Since(began).Round(time.Millisecond))
		})
	}
}

// erasees is how many people of the import the erasure step erases; they
// have names and emails no one else has, so that the check can look for
// them everywhere.
const erasees = 20

func eraseeName(i int) string { return fmt.Sprintf("Quorvak%c%c", 'a'+i/26, 'a'+i%26) }

func eraseePhone(i int) string { return fmt.Sprintf("+9188800%05d", i) }

func eraseeEmail(i int) string { return strings.ToLower(eraseeName(i)) + "@erase.example" }

// eraseeRows are rows in the columns of genCrashFile for the erasees.
func eraseeRows() []byte {
	var b bytes.Buffer
	for i := 0; i < erasees; i++ {
		fmt.Fprintf(&b, "%s,Erasee,%s,%s,Vexlor Holdings,Pune,lead,,5 lakh,web\r\n", eraseePhone(i), eraseeName(i), eraseeEmail(i))
	}
	return b.Bytes()
}

// opContact is the part of a contact the crash steps judge.
type opContact struct {
	ID         int64    `json:"id"`
	Status     string   `json:"status"`
	MergedInto *int64   `json:"merged_into"`
	Version    int64    `json:"version"`
	PhoneE164  string   `json:"phone_e164"`
	FirstName  string   `json:"first_name"`
	LastName   string   `json:"last_name"`
	Email      string   `json:"email"`
	AltPhones  []string `json:"alt_phones"`
	AltEmails  []string `json:"alt_emails"`
}

func getContact(t *testing.T, srv *server, key string, id int64) opContact {
	t.Helper()
	var c opContact
	want(t, srv.do(t, "GET", fmt.Sprintf("/api/v1/contacts/%d", id), key, nil), 200, &c)
	return c
}

func activeTotal(t *testing.T, srv *server, key string) int64 {
	t.Helper()
	var page struct{ Total int64 }
	want(t, srv.do(t, "GET", "/api/v1/contacts?per_page=1", key, nil), 200, &page)
	return page.Total
}

func getExport(t *testing.T, srv *server, key string, id int64) contactd.ContactExport {
	t.Helper()
	var e contactd.ContactExport
	want(t, srv.do(t, "GET", fmt.Sprintf("/api/v1/contact-exports/%d", id), key, nil), 200, &e)
	return e
}

// waitExportEnded polls an export until it has ended, for at most 60s.
func waitExportEnded(t *testing.T, srv *server, key string, id int64) contactd.ContactExport {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		e := getExport(t, srv, key, id)
		if e.Status != contactd.JobQueued && e.Status != contactd.JobRunning {
			return e
		}
		if time.Now().After(deadline) {
			t.Fatalf("export %d on contactd %s has not ended within 60s: %s, %d/%d rows", id, srv.name, e.Status, e.ProcessedRows, e.TotalRows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killedExport starts a CSV export of every active contact, kills the
// server as soon as the export runs, restarts it, and requires the export
// to end with a file holding each active contact once.
func killedExport(t *testing.T, srv *server, dsn, key string) *server {
	var exp contactd.ContactExport
	want(t, srv.do(t, "POST", "/api/v1/contact-exports", key, map[string]any{"format": "csv"}), 202, &exp)
	var seen contactd.ContactExport
	for {
		seen = getExport(t, srv, key, exp.ID)
		if seen.Status != contactd.JobQueued {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// The export streams its rows into its stored file (a tenth of a
	// second or two here): land the kill among the chunk writes.
	time.Sleep(30 * time.Millisecond)
	seen = getExport(t, srv, key, exp.ID)
	kill9(t, srv)
	t.Logf("kill -9 of contactd %s with the export %s, %d/%d rows", srv.name, seen.Status, seen.ProcessedRows, seen.TotalRows)
	if seen.Status != contactd.JobRunning {
		t.Logf("the export had ended before the kill: this run checks only that its file survives")
	}
	srv = startCrashServer(t, "after the export kill", dsn, crashEnv(key)...)
	e := waitExportEnded(t, srv, key, exp.ID)
	active := activeTotal(t, srv, key)
	switch e.Status {
	case contactd.JobFailed:
		if e.Error == "" {
			t.Errorf("export %d failed without saying why", e.ID)
		}
		t.Logf("the export failed after the restart: %s", e.Error)
	case contactd.JobCompleted:
		r := srv.do(t, "GET", fmt.Sprintf("/api/v1/contact-exports/%d/download", e.ID), key, nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%.300v\nwant 200 text/csv", r)
		}
		if int64(len(r.body)) != e.SizeBytes {
			t.Errorf("the download has %d bytes, the export says %d", len(r.body), e.SizeBytes)
		}
		recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
		if err != nil {
			t.Fatalf("the exported file is not CSV: %v", err)
		}
		if int64(len(recs)-1) != active || e.TotalRows != active {
			t.Errorf("the export has %d rows and says %d; there are %d active contacts", len(recs)-1, e.TotalRows, active)
		}
		col := slices.Index(recs[0], "phone_e164")
		if col < 0 {
			t.Fatalf("the exported header %v has no phone_e164", recs[0])
		}
		phones := map[string]bool{}
		for _, rec := range recs[1:] {
			if phones[rec[col]] {
				t.Errorf("phone %s is exported twice", rec[col])
			}
			phones[rec[col]] = true
		}
	default:
		t.Fatalf("export %d is %s", e.ID, e.Status)
	}
	waitJobsSettled(t, dsn)
	checkInvariants(t, dsn, invariants.Options{Settled: true})
	return srv
}

// waitJobsSettled waits, for at most a minute, until no job runs: a job
// ends just after its export does, and one whose server died in between
// (the kill fell there) runs again, and ends, once its lease lapses.
func waitJobsSettled(t *testing.T, dsn string) {
	t.Helper()
	db, err := invariants.Open(dsn)
	if err != nil {
		t.Fatalf("open the database to wait for jobs: %v", err)
	}
	defer db.Close()
	for deadline := time.Now().Add(time.Minute); ; {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM jobs WHERE status = 'running'`).Scan(&n); err != nil {
			t.Fatalf("count running jobs: %v", err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still run after a minute", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mergePairs is how many pairs of contacts the merge step merges, one
// merge a pair; the kill lands after mergeKillAfter answers.
const (
	mergePairs     = 30
	mergeKillAfter = 12
)

// killedMerges creates pairs of contacts, merges them one pair after
// another, kills the server while a merge is in flight, and requires every
// pair to be merged whole or not at all after the restart.
func killedMerges(t *testing.T, srv *server, dsn, key string) *server {
	type pair struct {
		p, s     int64
		sPhone   string
		answered bool // the server answered 200 before the kill
		sent     bool
	}
	pairs := make([]*pair, mergePairs)
	for i := range pairs {
		var a, b opContact
		want(t, srv.do(t, "POST", "/api/v1/contacts", key, map[string]any{
			"phone_e164": fmt.Sprintf("+9177700%05d", 2*i), "first_name": "Pair", "last_name": fmt.Sprintf("A%d", i),
		}), 201, &a)
		want(t, srv.do(t, "POST", "/api/v1/contacts", key, map[string]any{
			"phone_e164": fmt.Sprintf("+9177700%05d", 2*i+1), "first_name": "Pair", "last_name": fmt.Sprintf("B%d", i),
			"email": fmt.Sprintf("pair.b%d@example.com", i),
		}), 201, &b)
		pairs[i] = &pair{p: a.ID, s: b.ID, sPhone: b.PhoneE164}
	}
	var mu sync.Mutex
	answered := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, p := range pairs {
			mu.Lock()
			p.sent = true
			mu.Unlock()
			r, err := srv.try("POST", fmt.Sprintf("/api/v1/contacts/%d/merge", p.p), key, map[string]any{"secondary_ids": []int64{p.s}})
			if err != nil {
				return // killed
			}
			mu.Lock()
			if r.status == 200 {
				p.answered = true
				answered++
			}
			mu.Unlock()
			if r.status != 200 {
				t.Errorf("%v\nwant 200", r)
				return
			}
		}
	}()
	for {
		mu.Lock()
		n := answered
		mu.Unlock()
		if n >= mergeKillAfter {
			break
		}
		select {
		case <-done:
			t.Fatalf("the merges stopped after %d answers, before the kill", n)
		case <-time.After(time.Millisecond):
		}
	}
	kill9(t, srv)
	<-done
	t.Logf("kill -9 of contactd %s after %d merges answered", srv.name, answered)
	srv = startCrashServer(t, "after the merge kill", dsn, crashEnv(key)...)
	merged := 0
	for i, p := range pairs {
		a, b := getContact(t, srv, key, p.p), getContact(t, srv, key, p.s)
		switch {
		case b.Status == contactd.StatusMerged && b.MergedInto != nil && *b.MergedInto == p.p &&
			a.Status == contactd.StatusActive && a.Version == 2 && slices.Contains(a.AltPhones, p.sPhone):
			merged++
			if !p.sent {
				t.Errorf("pair %d was merged, but its merge was never sent", i)
			}
		case b.Status == contactd.StatusActive && b.Version == 1 && a.Status == contactd.StatusActive && a.Version == 1 && len(a.AltPhones) == 0:
			if p.answered {
				t.Errorf("pair %d: the merge of %d into %d was answered 200 before the kill, but is not there after the restart", i, p.s, p.p)
			}
			// Not merged: it must work now.
			want(t, srv.do(t, "POST", fmt.Sprintf("/api/v1/contacts/%d/merge", p.p), key, map[string]any{"secondary_ids": []int64{p.s}}), 200, nil)
		default:
			aj, _ := json.Marshal(a)
			bj, _ := json.Marshal(b)
			t.Errorf("pair %d is merged in part after the restart:\n  primary:   %s\n  secondary: %s", i, aj, bj)
		}
	}
	t.Logf("after the restart %d of %d pairs were merged (%d answered before the kill)", merged, len(pairs), answered)
	checkInvariants(t, dsn, invariants.Options{Settled: true})
	return srv
}

// killedErasures erases the erasees of the import one after another (some
// merged in pairs first, and all of them in a completed export), kills the
// server while an erasure is in flight, and after the restart requires each
// to be erased whole or not at all; then it erases them all again and
// requires none of their data anywhere.
func killedErasures(t *testing.T, srv *server, dsn, key string) *server {
	var page struct{ Data []opContact }
	want(t, srv.do(t, "GET", "/api/v1/contacts?per_page=100&search="+url.QueryEscape("quorvak"), key, nil), 200, &page)
	byName := map[string]opContact{}
	for _, c := range page.Data {
		byName[c.LastName] = c
	}
	people := make([]invariants.Person, erasees)
	ids := make([]int64, erasees)
	for i := range people {
		c, ok := byName[eraseeName(i)]
		if !ok || c.PhoneE164 != eraseePhone(i) || c.Email != eraseeEmail(i) {
			t.Fatalf("erasee %d (%s) was not imported as written: %+v", i, eraseeName(i), c)
		}
		ids[i] = c.ID
		people[i] = invariants.Person{ContactID: c.ID, Phones: []string{eraseePhone(i)}, Emails: []string{eraseeEmail(i)}, Names: []string{eraseeName(i)}}
	}
	// Pairs (0,1), (2,3), ... (6,7) are one person each, merged: the merge
	// state holds the secondary as it was.
	var targets []int64
	for k := 0; k < 4; k++ {
		want(t, srv.do(t, "POST", fmt.Sprintf("/api/v1/contacts/%d/merge", ids[2*k]), key, map[string]any{"secondary_ids": []int64{ids[2*k+1]}}), 200, nil)
		targets = append(targets, ids[2*k+k%2]) // erase through the primary or the merged record
	}
	targets = append(targets, ids[8:]...)
	var exp contactd.ContactExport
	want(t, srv.do(t, "POST", "/api/v1/contact-exports", key, map[string]any{"format": "csv"}), 202, &exp)
	if e := waitExportEnded(t, srv, key, exp.ID); e.Status != contactd.JobCompleted {
		t.Fatalf("export %d ended %s: %s", e.ID, e.Status, e.Error)
	}

	var mu sync.Mutex
	answered := map[int64]bool{}
	sent := map[int64]bool{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, id := range targets {
			mu.Lock()
			sent[id] = true
			mu.Unlock()
			r, err := srv.try("DELETE", fmt.Sprintf("/api/v1/contacts/%d/gdpr_delete", id), key, nil)
			if err != nil {
				return
			}
			if r.status != 200 {
				t.Errorf("%v\nwant 200", r)
				return
			}
			mu.Lock()
			answered[id] = true
			mu.Unlock()
		}
	}()
	for {
		mu.Lock()
		n := len(answered)
		mu.Unlock()
		if n >= 5 {
			break
		}
		select {
		case <-done:
			t.Fatalf("the erasures stopped after %d answers, before the kill", n)
		case <-time.After(time.Millisecond):
		}
	}
	kill9(t, srv)
	<-done
	t.Logf("kill -9 of contactd %s after %d of %d erasures answered", srv.name, len(answered), len(targets))
	srv = startCrashServer(t, "after the erasure kill", dsn, crashEnv(key)...)
	erased := 0
	for i, id := range ids {
		c := getContact(t, srv, key, id)
		target := id // the erasure that erases this record
		if i < 8 {
			target = targets[i/2]
		}
		switch {
		case c.Status == contactd.StatusErased && c.PhoneE164 == "" && c.Email == "" && c.LastName == "":
			erased++
			if !sent[target] {
				t.Errorf("erasee %d (contact %d) is erased, but its erasure was never sent", i, id)
			}
		case c.Status == contactd.StatusErased:
			t.Errorf("erasee %d (contact %d) is erased but keeps data: %+v", i, id, c)
		default:
			if answered[target] {
				t.Errorf("erasee %d (contact %d): its erasure was answered 200 before the kill, but it is %s after the restart", i, id, c.Status)
			}
			if c.PhoneE164 != eraseePhone(i) && c.Status == contactd.StatusActive {
				t.Errorf("erasee %d (contact %d) is not erased but lost its phone: %+v", i, id, c)
			}
		}
	}
	t.Logf("after the restart %d of %d erasee records were erased", erased, len(ids))
	for _, id := range targets {
		want(t, srv.do(t, "DELETE", fmt.Sprintf("/api/v1/contacts/%d/gdpr_delete", id), key, nil), 200, nil)
	}
	for i, id := range ids {
		if c := getContact(t, srv, key, id); c.Status != contactd.StatusErased {
			t.Errorf("erasee %d (contact %d) is %s after every erasure was repeated", i, id, c.Status)
		}
	}
	// The export made before the erasures held them: its file is gone,
	// and its download says so.
	wantProblem(t, srv.do(t, "GET", fmt.Sprintf("/api/v1/contact-exports/%d/download", exp.ID), key, nil), 410, contactd.EExportExpired)
	checkInvariants(t, dsn, invariants.Options{Settled: true, Erased: people})
	return srv
}
