package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/contactd/contactd"
)

const idempotencyColumns = `idem_key, token, method, path, body_sha256, status, content_type, location, body, created_at`

func scanIdempotent(row scanner) (*contactd.IdempotentRequest, error) {
	var rec contactd.IdempotentRequest
	var created scanTime
	err := row.Scan(&rec.Key, &rec.Token, &rec.Method, &rec.Path, &rec.BodySHA256, &rec.Status,
		&rec.ContentType, &rec.Location, &rec.Body, &created)
	rec.CreatedAt = created.T
	return &rec, err
}

// ClaimIdempotencyKey records that the actor's key starts the request
// method path under key. It answers the new claim (with its Token) and true,
// or the key's earlier use and false: finished (Status set) or still running.
// A running claim older than staleAfter was left by a server that died, and
// is taken over. Keys older than contactd.IdempotencyTTL are swept here, so
// the table holds about one day of keys.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, key, method, path string, staleAfter time.Duration) (*contactd.IdempotentRequest, bool, error) {
	var rec *contactd.IdempotentRequest
	var claimed bool
	err := db.inTx(ctx, func(tx *Tx) error {
		ws, apiKey := tx.actor.WorkspaceID, tx.actor.KeyID
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND created_at < $2`,
			ws, timeArg(tx.now.Add(-contactd.IdempotencyTTL))); err != nil {
			return fmt.Errorf("sweep idempotency keys: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM idempotency_keys
			WHERE workspace_id = $1 AND api_key_id = $2 AND idem_key = $3 AND status = 0 AND created_at < $4`,
			ws, apiKey, key, timeArg(tx.now.Add(-staleAfter))); err != nil {
			return fmt.Errorf("take over a stale idempotency key: %w", err)
		}
		token := newToken()
		res, err := tx.ExecContext(ctx, `
			INSERT INTO idempotency_keys (workspace_id, api_key_id, idem_key, token, method, path, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (workspace_id, api_key_id, idem_key) DO NOTHING`,
			ws, apiKey, key, token, method, path, timeArg(tx.now))
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		claimed = n == 1
		// On PostgreSQL a conflicting insert waits for the other claim's
		// transaction, so its row is visible to this next statement.
		rec, err = scanIdempotent(tx.QueryRowContext(ctx, `SELECT `+idempotencyColumns+` FROM idempotency_keys
			WHERE workspace_id = $1 AND api_key_id = $2 AND idem_key = $3`, ws, apiKey, key))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("idempotency key %q vanished while claimed", key)
		}
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return rec, claimed, nil
}

// CompleteIdempotencyKey stores the answer to the claimed request rec
// (matched by its Token, so a claim taken over meanwhile is left alone).
func (db *DB) CompleteIdempotencyKey(ctx context.Context, rec *contactd.IdempotentRequest) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE idempotency_keys SET body_sha256 = $1, status = $2, content_type = $3, location = $4, body = $5
			WHERE workspace_id = $6 AND api_key_id = $7 AND idem_key = $8 AND token = $9`,
			rec.BodySHA256, rec.Status, rec.ContentType, rec.Location, rec.Body,
			tx.actor.WorkspaceID, tx.actor.KeyID, rec.Key, rec.Token)
		if err != nil {
			return fmt.Errorf("store idempotent answer: %w", err)
		}
		return nil
	})
}

// ReleaseIdempotencyKey forgets a claim whose request failed in a way a
// retry may fix (a 5xx, a timeout, a crash of the handler).
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, key, token string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND api_key_id = $2 AND idem_key = $3 AND token = $4`,
			tx.actor.WorkspaceID, tx.actor.KeyID, key, token)
		if err != nil {
			return fmt.Errorf("release idempotency key: %w", err)
		}
		return nil
	})
}

// forgetKeptAnswers deletes the workspace's kept answers; erasure and hard
// delete call it. An answer (a created contact, an import's preview) may hold
// the person, and telling which do would mean reading them all. The cost: a
// retry within a day of an erasure runs again instead of being replayed.
func (tx *Tx) forgetKeptAnswers(ctx context.Context) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND status <> 0`, tx.actor.WorkspaceID); err != nil {
		return fmt.Errorf("forget kept answers: %w", err)
	}
	return nil
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
