package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

func TestAPIKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		bg := context.Background()
		acme, err := db.CreateWorkspace(bg, "acme", "IN")
		if err != nil {
			t.Fatal(err)
		}
		globex, err := db.CreateWorkspace(bg, "globex", "US")
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.CreateWorkspace(bg, "acme", "")
		wantCode(t, err, contactd.EConflict)

		admin, err := db.CreateAPIKey(bg, acme.ID, "ops", contactd.RoleAdmin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(admin.Secret, "cdk_") || len(admin.Secret) < 36 {
			t.Fatalf("secret %q does not look like a key", admin.Secret)
		}
		got, err := db.Authenticate(bg, admin.Secret)
		if err != nil || got.ID != admin.ID || got.WorkspaceID != acme.ID || got.Role != contactd.RoleAdmin {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		for _, bad := range []string{"", "nope", admin.Secret + "x", strings.Replace(admin.Secret, "cdk_1_", "cdk_2_", 1)} {
			_, err := db.Authenticate(bg, bad)
			wantCode(t, err, contactd.EUnauthorized)
		}

		// The secret is stored only as a hash.
		ctx := contactd.WithActor(bg, contactd.Actor{WorkspaceID: acme.ID, KeyID: admin.ID, Role: contactd.RoleAdmin})
		keys, err := db.FindAPIKeys(ctx)
		if err != nil || len(keys) != 1 || keys[0].Secret != "" {
			t.Fatalf("list keys: %+v %v", keys, err)
		}

		// An operator-chosen bootstrap key belongs to the first workspace.
		boot, err := db.StoreAPIKey(bg, acme.ID, "bootstrap", contactd.RoleAdmin, "my-own-bootstrap-key-123")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.Authenticate(bg, "my-own-bootstrap-key-123"); err != nil || got.ID != boot.ID {
			t.Fatalf("bootstrap key: %+v %v", got, err)
		}
		_, err = db.StoreAPIKey(bg, acme.ID, "short", contactd.RoleAdmin, "short")
		wantCode(t, err, contactd.EInvalid)

		// Revoke, expire, and keys of another workspace.
		reader, err := db.CreateAPIKey(bg, acme.ID, "reader", contactd.RoleRead, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.RevokeAPIKey(ctx, reader.ID); err != nil {
			t.Fatal(err)
		}
		_, err = db.Authenticate(bg, reader.Secret)
		wantCode(t, err, contactd.EUnauthorized)
		_, err = db.RevokeAPIKey(ctx, admin.ID)
		wantCode(t, err, contactd.EConflict)
		theirs, err := db.CreateAPIKey(bg, globex.ID, "theirs", contactd.RoleAdmin, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.RevokeAPIKey(ctx, theirs.ID)
		wantCode(t, err, contactd.ENotFound)
		if _, err := db.Authenticate(bg, theirs.Secret); err != nil {
			t.Errorf("another workspace revoked a key it does not own: %v", err)
		}

		soon := time.Now().Add(time.Hour)
		exp, err := db.CreateAPIKey(bg, acme.ID, "temp", contactd.RoleWrite, &soon)
		if err != nil {
			t.Fatal(err)
		}
		db.SetNow(func() time.Time { return soon.Add(time.Second) })
		_, err = db.Authenticate(bg, exp.Secret)
		wantCode(t, err, contactd.EUnauthorized)
		_, err = db.CreateAPIKey(bg, acme.ID, "past", contactd.RoleWrite, &soon)
		wantCode(t, err, contactd.EInvalid)
		_, err = db.CreateAPIKey(bg, acme.ID, "bad", contactd.Role("root"), nil)
		wantCode(t, err, contactd.EInvalid)
	})
}
