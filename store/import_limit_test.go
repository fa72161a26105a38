package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A workspace at its limit of queued or running imports gets no more, even
// when several creations race; other workspaces are not affected, and an
// import that ends frees its place.
func TestActiveImportLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		acme := storetest.Workspace(t, db, "acme")
		globex := storetest.Workspace(t, db, "globex")
		opts := contactd.ImportOptions{Mode: contactd.ModeCreateOrUpdate, MatchOn: contactd.MatchOnPhone}
		create := func(ctx context.Context) (*contactd.ContactImport, error) {
			f, err := db.StoreFile(ctx, "a.csv", strings.NewReader("Phone\n+919900000001\n"), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			return db.CreateImportWithin(ctx, 2, f.ID, "a.csv", opts)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var made []*contactd.ContactImport
		refused := 0
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				imp, err := create(acme)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					made = append(made, imp)
				case contactd.ErrorCode(err) == contactd.ETooManyImports:
					refused++
				default:
					t.Errorf("create import: %v", err)
				}
			}()
		}
		wg.Wait()
		if len(made) != 2 || refused != 4 {
			t.Fatalf("6 racing imports with a limit of 2: %d created, %d refused", len(made), refused)
		}
		if n, err := db.ActiveImports(acme); err != nil || n != 2 {
			t.Fatalf("active imports: %d %v", n, err)
		}
		if _, err := create(globex); err != nil {
			t.Fatalf("another workspace was limited too: %v", err)
		}
		if _, err := db.CancelImport(acme, made[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := create(acme); err != nil {
			t.Fatalf("a cancelled import still counted: %v", err)
		}
		if _, err := db.CreateImport(acme, made[0].FileID, "a.csv", opts); err != nil {
			t.Fatalf("CreateImport is not limited: %v", err)
		}
	})
}
