package api_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/api"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A client that hangs up mid-request is not a server error: no "internal
// error" in the log (operators page on those), and 499 in the metrics.
func TestClientGoneIsNotAnInternalError(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ws, err := db.CreateWorkspace(context.Background(), "acme", "IN")
	if err != nil {
		t.Fatal(err)
	}
	key, err := db.CreateAPIKey(context.Background(), ws.ID, "k", contactd.RoleRead, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := api.New(db, slog.New(slog.NewTextHandler(&logs, nil)), api.Options{}).Handler()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client is gone before the server reads anything
	req := httptest.NewRequest(http.MethodGet, "/api/v1/contacts?search=priya", nil).WithContext(ctx)
	req.Header.Set("X-Api-Key", key.Secret)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 499 {
		t.Errorf("status %d, want 499", rec.Code)
	}
	if strings.Contains(logs.String(), "internal error") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a client hanging up was logged as an error:\n%s", logs.String())
	}
}
