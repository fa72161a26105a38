package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A job whose worker dies (stops renewing) goes to the next worker once the
// lease lapses, and the dead worker can no longer finish it.
func TestJobLeases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		f, err := db.StoreFile(ctx, "a.csv", strings.NewReader("Phone\n+919900000001\n"), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		imp, err := db.CreateImport(ctx, f.ID, "a.csv", contactd.ImportOptions{Mode: "create_or_update", MatchOn: "phone_e164"})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		db.SetNow(func() time.Time { return now })
		a, err := db.ClaimJob(ctx, "a", 10*time.Second)
		if err != nil || a == nil || a.RefID != imp.ID || a.Kind != contactd.JobKindImport || a.Attempts != 1 {
			t.Fatalf("claim: %+v %v", a, err)
		}
		if b, err := db.ClaimJob(ctx, "b", 10*time.Second); err != nil || b != nil {
			t.Fatalf("a leased job was claimed twice: %+v %v", b, err)
		}
		if err := db.RenewLease(ctx, a, "a", 10*time.Second); err != nil {
			t.Fatal(err)
		}
		now = now.Add(11 * time.Second) // a died and stopped renewing
		b, err := db.ClaimJob(ctx, "b", 10*time.Second)
		if err != nil || b == nil || b.ID != a.ID || b.Attempts != 2 {
			t.Fatalf("lapsed lease not taken over: %+v %v", b, err)
		}
		if err := db.RenewLease(ctx, a, "a", 10*time.Second); err != store.ErrLeaseLost {
			t.Fatalf("old owner renewed: %v", err)
		}
		if err := db.FinishJob(ctx, a, "a", false, ""); err != store.ErrLeaseLost {
			t.Fatalf("old owner finished: %v", err)
		}
		if err := db.RetryJob(ctx, b, "b", 5*time.Second, "transient"); err != nil {
			t.Fatal(err)
		}
		if c, _ := db.ClaimJob(ctx, "c", time.Second); c != nil {
			t.Fatal("a job was claimed before its retry delay")
		}
		now = now.Add(6 * time.Second)
		c, err := db.ClaimJob(ctx, "c", time.Second)
		if err != nil || c == nil || c.Attempts != 3 {
			t.Fatalf("retry: %+v %v", c, err)
		}
		if err := db.FinishJob(ctx, c, "c", false, ""); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if d, _ := db.ClaimJob(ctx, "d", time.Second); d != nil {
			t.Fatal("a finished job was claimed")
		}
	})
}

func TestStoredFilesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := storetest.Workspace(t, db, "acme")
		other := storetest.Workspace(t, db, "globex")
		content := strings.Repeat("0123456789abcdef", 200000) // 3.2 MB: several chunks
		f, err := db.StoreFile(ctx, "big.csv", strings.NewReader(content), 10<<20)
		if err != nil {
			t.Fatal(err)
		}
		if f.Size != int64(len(content)) || len(f.SHA256) != 64 {
			t.Fatalf("stored %+v", f)
		}
		var b strings.Builder
		if _, err := db.CopyFile(ctx, f.ID, &b); err != nil || b.String() != content {
			t.Fatalf("read back %d bytes, %v", b.Len(), err)
		}
		if _, err := db.CopyFile(other, f.ID, &b); contactd.ErrorCode(err) != contactd.ENotFound {
			t.Fatalf("another workspace read the file: %v", err)
		}
		_, err = db.StoreFile(ctx, "huge.csv", strings.NewReader(content), 1<<20)
		wantCode(t, err, contactd.EBodyTooLarge)
		if err := db.DeleteFile(ctx, f.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CopyFile(ctx, f.ID, &b); contactd.ErrorCode(err) != contactd.ENotFound {
			t.Fatalf("deleted file still readable: %v", err)
		}
	})
}
