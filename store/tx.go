package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/contactd/contactd"
)

// Tx is one write transaction. It carries a single now for everything it
// writes and the actor it writes for, so audit events and timestamps agree.
type Tx struct {
	*sql.Tx
	db    *DB
	now   time.Time
	actor contactd.Actor
}

// inTx runs fn in a write transaction for the actor in ctx and commits when
// fn returns nil. On PostgreSQL a serialization failure or deadlock retries
// the whole function (up to three times); fn must be safe to run again.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	actor, _ := contactd.ActorFrom(ctx)
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = db.tryTx(ctx, actor, fn)
		if err == nil || !db.dialect.isRetryable(err) {
			return err
		}
	}
	return err
}

func (db *DB) tryTx(ctx context.Context, actor contactd.Actor, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now(), actor: actor}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// audit records an event in the same transaction as the change it describes.
// details must hold no personal data: field names and ids only.
func (tx *Tx) audit(ctx context.Context, action string, contactID int64, details map[string]any) error {
	if details == nil {
		details = map[string]any{}
	}
	b, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit details: %w", err)
	}
	var key, contact any
	if tx.actor.KeyID > 0 {
		key = tx.actor.KeyID
	}
	if contactID > 0 {
		contact = contactID
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_events (workspace_id, action, actor_key_id, contact_id, details, at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		tx.actor.WorkspaceID, action, key, contact, string(b), timeArg(tx.now))
	if err != nil {
		return fmt.Errorf("insert audit event: %w", err)
	}
	return nil
}

// actorFrom returns the actor of ctx or an error that is a bug to hit: every
// store method that touches workspace data needs to know whose data it is.
func actorFrom(ctx context.Context) (contactd.Actor, error) {
	a, ok := contactd.ActorFrom(ctx)
	if !ok {
		return a, errors.New("store: no actor in context")
	}
	return a, nil
}

// timeFormat is fixed-width so SQLite's TEXT times sort and compare
// correctly; PostgreSQL parses the same text into timestamptz.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func timeArg(t time.Time) string { return t.UTC().Format(timeFormat) }

func nullTimeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return timeArg(*t)
}

// scanTime reads a time column from either engine: PostgreSQL hands back
// time.Time, SQLite the TEXT that timeArg wrote.
type scanTime struct {
	T     time.Time
	Valid bool
}

func (s *scanTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		s.Valid = false
		return nil
	case time.Time:
		s.T, s.Valid = x.UTC(), true
		return nil
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	}
	return fmt.Errorf("scan time: unsupported %T", v)
}

func (s *scanTime) parse(x string) error {
	t, err := time.Parse(time.RFC3339Nano, x)
	if err != nil {
		return fmt.Errorf("scan time %q: %w", x, err)
	}
	s.T, s.Valid = t.UTC(), true
	return nil
}

func (s scanTime) ptr() *time.Time {
	if !s.Valid {
		return nil
	}
	t := s.T
	return &t
}
