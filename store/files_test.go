package store_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// stalledUpload is an upload body that sends its first part, then waits
// until release is closed before it sends the rest.
type stalledUpload struct {
	first, rest []byte
	sent        chan struct{} // closed once the first part is read
	release     chan struct{}
	stage       int
}

func (u *stalledUpload) Read(p []byte) (int, error) {
	switch u.stage {
	case 0:
		n := copy(p, u.first)
		u.first = u.first[n:]
		if len(u.first) == 0 {
			u.stage = 1
		}
		return n, nil
	case 1:
		close(u.sent)
		<-u.release
		u.stage = 2
		fallthrough
	default:
		if len(u.rest) == 0 {
			return 0, io.EOF
		}
		n := copy(p, u.rest)
		u.rest = u.rest[n:]
		return n, nil
	}
}

// An upload's partial file is deleted by an erasure that runs while it is
// stored (a partial file cannot be read for the person), and the upload
// then fails with a conflict that says to send it again; nothing of it is
// left behind.
func TestErasureDeletesPartialUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		c := mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: "+919900000001", FirstName: "Asha"})
		// Over one stored chunk (1 MiB) before the stall, so that a chunk
		// of the person is already in the database when the erasure runs.
		first := []byte("phone,first_name\n+919900000001,Asha\n" + strings.Repeat("+919900000002,Ravi\n", 70000))
		up := &stalledUpload{first: first, rest: []byte("+919900000003,Meera\n"), sent: make(chan struct{}), release: make(chan struct{})}
		done := make(chan error, 1)
		go func() {
			_, err := db.StoreFile(ctx, "people.csv", up, 1<<30)
			done <- err
		}()
		<-up.sent
		waitFor(t, func() bool { n, _ := db.CountFiles(ctx); return n == 1 })
		if _, err := db.EraseContact(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		close(up.release)
		err := <-done
		if contactd.ErrorCode(err) != contactd.EConflict || !strings.Contains(err.Error(), "upload the file again") {
			t.Fatalf("the interrupted upload ended with %v; want a conflict asking to upload again", err)
		}
		if n, err := db.CountFiles(ctx); err != nil || n != 0 {
			t.Fatalf("%d stored files after the erasure (%v); want none", n, err)
		}
		events, _, err := db.FindAuditEvents(ctx, contactd.AuditFilter{ContactID: c.ID, Page: contactd.Page{Page: 1, PerPage: 50}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			if e.Action == contactd.ActionErased {
				found = e.Details["partial_uploads_deleted"] == float64(1)
			}
		}
		if !found {
			t.Errorf("the erasure's audit event does not count the partial upload it deleted: %+v", events)
		}
	})
}

// A stored file is swept only while incomplete: the sweep of a file whose
// upload finished leaves it; that of an upload that stopped half-way
// deletes it.
func TestSweepUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		f, err := db.StoreFile(ctx, "a.csv", bytes.NewReader([]byte("phone\n+919900000001\n")), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SweepUpload(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := db.CopyFile(ctx, f.ID, &buf); err != nil || buf.Len() == 0 {
			t.Fatalf("a complete file was swept: %v", err)
		}
		// An upload whose server died: its file stays incomplete, and the
		// sweep queued with it deletes it.
		up := &stalledUpload{first: bytes.Repeat([]byte("x"), 2<<20), sent: make(chan struct{}), release: make(chan struct{})}
		upCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := db.StoreFile(upCtx, "b.csv", up, 1<<30)
			done <- err
		}()
		<-up.sent
		waitFor(t, func() bool { n, _ := db.CountFiles(ctx); return n == 2 })
		partial := f.ID + 1 // the only file stored since
		if err := db.SweepUpload(ctx, partial); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountFiles(ctx); n != 1 {
			t.Fatalf("%d files after sweeping the partial one; want 1", n)
		}
		buf.Reset()
		if _, err := db.CopyFile(ctx, f.ID, &buf); err != nil || buf.Len() == 0 {
			t.Fatalf("the sweep of another file took the complete one: %v", err)
		}
		close(up.release)
		cancel()
		<-done
	})
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out")
}

// A file stored after an upload's sweep ran gets that sweep's id back on
// SQLite (its highest id is free again), while the finished sweep's job
// row stays: the new file's own sweep takes the row over. It failed the
// upload, and a restarted export retried it forever.
func TestStoreFileAfterSweepRan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		up := &stalledUpload{first: bytes.Repeat([]byte("x"), 2<<20), sent: make(chan struct{}), release: make(chan struct{})}
		upCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := db.StoreFile(upCtx, "a.csv", up, 1<<30)
			done <- err
		}()
		<-up.sent
		waitFor(t, func() bool { n, _ := db.CountFiles(ctx); return n == 1 })
		// The server dies; six hours on, its sweep runs.
		start := time.Now()
		db.SetNow(func() time.Time { return start.Add(store.AbandonedUploadAfter + time.Minute) })
		defer db.SetNow(time.Now)
		job, err := db.ClaimJob(ctx, "runner", time.Minute)
		if err != nil || job == nil || job.Kind != contactd.JobKindUploadSweep {
			t.Fatalf("claim the sweep: %+v, %v", job, err)
		}
		if err := db.SweepUpload(ctx, job.RefID); err != nil {
			t.Fatal(err)
		}
		if err := db.FinishJob(ctx, job, "runner", false, ""); err != nil {
			t.Fatal(err)
		}
		close(up.release)
		cancel()
		<-done
		for i := 0; i < 2; i++ {
			f, err := db.StoreFile(ctx, "b.csv", bytes.NewReader([]byte("phone\n+919900000001\n")), 1<<20)
			if err != nil {
				t.Fatalf("store a file after the sweep ran: %v", err)
			}
			if err := db.DeleteFile(ctx, f.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
