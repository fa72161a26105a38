package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/store"
	"github.com/contactd/contactd/store/storetest"
)

// A key is claimed once; its answer is kept for a day and is per API key and
// per workspace; a failed request releases it; a claim left by a dead server
// is taken over, and the dead server can no longer store its answer.
func TestIdempotencyKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		acme := storetest.Workspace(t, db, "acme")
		actor, _ := contactd.ActorFrom(acme)
		actor.KeyID = 7
		acme = contactd.WithActor(acme, actor)
		otherKey := contactd.WithActor(acme, contactd.Actor{WorkspaceID: actor.WorkspaceID, KeyID: 8, Role: contactd.RoleAdmin})
		globex := storetest.Workspace(t, db, "globex")
		now := time.Now().UTC().Truncate(time.Microsecond)
		db.SetNow(func() time.Time { return now })
		const stale = time.Hour

		first, claimed, err := db.ClaimIdempotencyKey(acme, "k1", "POST", "/api/v1/contacts", stale)
		if err != nil || !claimed || first.Token == "" || first.Status != 0 {
			t.Fatalf("first claim: %+v %v %v", first, claimed, err)
		}
		again, claimed, err := db.ClaimIdempotencyKey(acme, "k1", "POST", "/api/v1/contacts", stale)
		if err != nil || claimed || again.Status != 0 || again.Token != first.Token {
			t.Fatalf("second claim while running: %+v %v %v", again, claimed, err)
		}
		for name, ctx := range map[string]context.Context{"another key": otherKey, "another workspace": globex} {
			if _, claimed, err := db.ClaimIdempotencyKey(ctx, "k1", "POST", "/api/v1/contacts", stale); err != nil || !claimed {
				t.Fatalf("%s could not use the same key: %v %v", name, claimed, err)
			}
		}

		first.Status, first.ContentType, first.Location, first.Body, first.BodySHA256 = 201, "application/json", "/api/v1/contacts/5", []byte(`{"id":5}`), "abc"
		if err := db.CompleteIdempotencyKey(acme, first); err != nil {
			t.Fatal(err)
		}
		done, claimed, err := db.ClaimIdempotencyKey(acme, "k1", "POST", "/api/v1/contacts", stale)
		if err != nil || claimed || done.Status != 201 || string(done.Body) != `{"id":5}` || done.Location != "/api/v1/contacts/5" ||
			done.ContentType != "application/json" || done.BodySHA256 != "abc" || done.Method != "POST" || done.Path != "/api/v1/contacts" {
			t.Fatalf("finished key: %+v %v %v", done, claimed, err)
		}

		now = now.Add(contactd.IdempotencyTTL + time.Second)
		if _, claimed, err := db.ClaimIdempotencyKey(acme, "k1", "POST", "/api/v1/other", stale); err != nil || !claimed {
			t.Fatalf("an expired key was not free again: %v %v", claimed, err)
		}

		failed, _, err := db.ClaimIdempotencyKey(acme, "k2", "POST", "/x", stale)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseIdempotencyKey(acme, "k2", failed.Token); err != nil {
			t.Fatal(err)
		}
		if _, claimed, err := db.ClaimIdempotencyKey(acme, "k2", "POST", "/x", stale); err != nil || !claimed {
			t.Fatalf("a released key was not free again: %v %v", claimed, err)
		}

		dead, _, _ := db.ClaimIdempotencyKey(acme, "k3", "POST", "/x", stale)
		now = now.Add(stale + time.Second)
		heir, claimed, err := db.ClaimIdempotencyKey(acme, "k3", "POST", "/x", stale)
		if err != nil || !claimed || heir.Token == dead.Token {
			t.Fatalf("a stale claim was not taken over: %+v %v %v", heir, claimed, err)
		}
		dead.Status, dead.Body = 200, []byte("late")
		if err := db.CompleteIdempotencyKey(acme, dead); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := db.ClaimIdempotencyKey(acme, "k3", "POST", "/x", stale); got.Status != 0 || got.Token != heir.Token {
			t.Fatalf("the dead server's answer overwrote the new claim: %+v", got)
		}
	})
}
