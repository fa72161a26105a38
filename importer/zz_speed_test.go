package importer_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/importer"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func TestZZSpeed(t *testing.T) {
	if os.Getenv("SPEED") == "" {
		t.Skip()
	}
	n := 10000
	var b strings.Builder
	b.WriteString("Phone,First Name,Last Name,Email,Company,City,Tags\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "+91 98%03d %05d,Name%d,Surname%d,user%d@example.com,Company %d,Pune,a;b\n", i/100000, i%100000, i, i%977, i, i%300)
	}
	for _, engine := range storetest.Engines(t) {
		db := storetest.Open(t, engine)
		ctx := storetest.Workspace(t, db, "acme")
		imp := upload(t, db, ctx, b.String(), contactd.ImportOptions{})
		h := importer.NewHandler(db, quiet, importer.Options{})
		start := time.Now()
		if err := h.Run(ctx, &contactd.Job{WorkspaceID: imp.WorkspaceID, Kind: contactd.JobKindImport, RefID: imp.ID}); err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		got, _ := db.FindImportByID(ctx, imp.ID)
		t.Logf("%s: %d rows in %v = %.0f rows/s (%+v)", engine, n, el, float64(n)/el.Seconds(), got.Created)
		_ = store.SQLite
	}
}
