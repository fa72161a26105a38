package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A backup taken while writes go on opens as a database of its own, holds a
// consistent state, and contains what was there before it began.
func TestBackupWhileWriting(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := storetest.Workspace(t, db, "acme")
	for i := 0; i < 100; i++ {
		mustCreate(t, db, ctx, contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199000%05d", i)})
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 100; i < 300; i++ {
			if _, err := db.CreateContact(ctx, contactd.ContactInput{PhoneE164: fmt.Sprintf("+9199000%05d", i)}); err != nil {
				t.Errorf("write during backup: %v", err)
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := db.Backup(context.Background(), path); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	copyDB, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	_, info, err := copyDB.FindContacts(ctx, contactd.ContactFilter{Page: contactd.Page{Page: 1, PerPage: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Total < 100 || info.Total > 300 {
		t.Fatalf("backup holds %d contacts, want between 100 and 300", info.Total)
	}
	// Search in the copy agrees with its contacts: the FTS index came along.
	_, found, err := copyDB.FindContacts(ctx, contactd.ContactFilter{Search: "9199000000", Page: contactd.Page{Page: 1, PerPage: 10}})
	if err != nil || found.Total < 100 {
		t.Fatalf("search in the backup: %d, %v", found.Total, err)
	}
}
