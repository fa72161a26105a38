package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/contactd/contactd"
)

// Keys look like cdk_<workspace id>_<32 random base62 characters>. The
// workspace id in the key lets authentication find the key with a query that
// filters by workspace, like every other query (on Citus it goes straight to
// the right shard). A key without that shape, such as an operator's own
// CONTACTD_BOOTSTRAP_KEY, belongs to the first workspace.
const keyPrefix = "cdk_"

const bootstrapWorkspace = 1

func newKeySecret(ws int64) (string, error) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)] // 256 % 62 bias is irrelevant at 190 bits
	}
	return keyPrefix + strconv.FormatInt(ws, 10) + "_" + string(b), nil
}

// keyWorkspace returns the workspace a key names.
func keyWorkspace(secret string) int64 {
	rest, ok := strings.CutPrefix(secret, keyPrefix)
	if !ok {
		return bootstrapWorkspace
	}
	num, _, ok := strings.Cut(rest, "_")
	ws, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || ws <= 0 {
		return bootstrapWorkspace
	}
	return ws
}

// Keys are long random secrets, so one SHA-256 is enough: there is nothing
// to brute-force that a slow hash would protect.
func hashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func keyDisplayPrefix(secret string) string {
	if len(secret) > 12 {
		return secret[:12]
	}
	return secret[:min(4, len(secret))]
}

const apiKeyColumns = `id, workspace_id, name, role, key_hash, prefix, created_at, expires_at, revoked_at`

// CreateAPIKey makes a key for workspace ws. The returned Secret is the only
// copy that will ever exist. Returns EInvalid for an unknown role, EInvalid
// for a past expiry.
func (db *DB) CreateAPIKey(ctx context.Context, ws int64, name string, role contactd.Role, expiresAt *time.Time) (*contactd.APIKey, error) {
	secret, err := newKeySecret(ws)
	if err != nil {
		return nil, fmt.Errorf("create api key: %w", err)
	}
	return db.storeAPIKey(ctx, ws, name, role, secret, expiresAt)
}

// StoreAPIKey stores a key whose secret the operator chose (the bootstrap
// key). A secret shorter than 16 characters is refused: it would be guessable.
func (db *DB) StoreAPIKey(ctx context.Context, ws int64, name string, role contactd.Role, secret string) (*contactd.APIKey, error) {
	if len(secret) < 16 {
		return nil, contactd.Errorf(contactd.EInvalid, "an API key must be at least 16 characters long")
	}
	return db.storeAPIKey(ctx, ws, name, role, secret, nil)
}

func (db *DB) storeAPIKey(ctx context.Context, ws int64, name string, role contactd.Role, secret string, expiresAt *time.Time) (*contactd.APIKey, error) {
	if _, ok := contactd.ParseRole(string(role)); !ok {
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: "role", Code: "invalid", Message: "role must be read, write or admin"}})
	}
	var fe fieldErrors
	if name = cleanText(&fe, "name", name, 200); len(fe) > 0 {
		return nil, fe.err()
	}
	if expiresAt != nil && !expiresAt.After(db.now()) {
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: "expires_at", Code: "invalid", Message: "must be in the future"}})
	}
	k := &contactd.APIKey{WorkspaceID: ws, Name: strings.TrimSpace(name), Role: role, Prefix: keyDisplayPrefix(secret), ExpiresAt: expiresAt, Secret: secret}
	actor := contactd.Actor{WorkspaceID: ws}
	if a, ok := contactd.ActorFrom(ctx); ok && a.WorkspaceID == ws {
		actor = a
	}
	err := db.inTx(contactd.WithActor(ctx, actor), func(tx *Tx) error {
		k.CreatedAt = tx.now
		err := tx.QueryRowContext(ctx, `
			INSERT INTO api_keys (workspace_id, name, role, key_hash, prefix, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`,
			ws, k.Name, string(role), hashKey(secret), k.Prefix, timeArg(tx.now), nullTimeArg(expiresAt)).Scan(&k.ID)
		if db.dialect.isUniqueViolation(err) {
			return contactd.Errorf(contactd.EConflict, "that key already exists")
		}
		if err != nil {
			return fmt.Errorf("insert api key: %w", err)
		}
		return tx.audit(ctx, contactd.ActionAPIKeyCreated, 0, map[string]any{"api_key_id": k.ID, "role": string(role)})
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// Authenticate finds the live key for secret. Unknown, revoked and expired
// keys all answer EUnauthorized, with a message that says which, since the
// caller already holds the key.
func (db *DB) Authenticate(ctx context.Context, secret string) (*contactd.APIKey, error) {
	if secret == "" || len(secret) > 200 {
		return nil, contactd.Errorf(contactd.EUnauthorized, "missing or malformed API key: send it as X-Api-Key or Authorization: Bearer")
	}
	hash := hashKey(secret)
	k, storedHash, err := db.scanAPIKey(db.read.QueryRowContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 AND key_hash = $2`, keyWorkspace(secret), hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.EUnauthorized, "unknown API key")
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(storedHash), []byte(hash)) != 1 {
		return nil, contactd.Errorf(contactd.EUnauthorized, "unknown API key")
	}
	if k.RevokedAt != nil {
		return nil, contactd.Errorf(contactd.EUnauthorized, "this API key was revoked")
	}
	if k.ExpiresAt != nil && !k.ExpiresAt.After(db.now()) {
		return nil, contactd.Errorf(contactd.EUnauthorized, "this API key expired at %s", k.ExpiresAt.Format(time.RFC3339))
	}
	return k, nil
}

// FindAPIKeys lists the keys of the actor's workspace, revoked ones included.
func (db *DB) FindAPIKeys(ctx context.Context) ([]*contactd.APIKey, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 ORDER BY id`, actor.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("find api keys: %w", err)
	}
	defer rows.Close()
	var out []*contactd.APIKey
	for rows.Next() {
		k, _, err := db.scanAPIKey(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey stops a key of the actor's workspace from working. Revoking a
// revoked key is a no-op. Returns ENotFound for unknown ids and EConflict for
// the key making the request (an admin cannot lock themselves out by mistake).
func (db *DB) RevokeAPIKey(ctx context.Context, id int64) (*contactd.APIKey, error) {
	var k *contactd.APIKey
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		k, _, err = db.scanAPIKey(tx.QueryRowContext(ctx,
			`SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 AND id = $2`+db.dialect.forUpdate(), tx.actor.WorkspaceID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return contactd.Errorf(contactd.ENotFound, "API key %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("revoke api key: %w", err)
		}
		if id == tx.actor.KeyID {
			return contactd.Errorf(contactd.EConflict, "a key cannot revoke itself; use another admin key")
		}
		if k.RevokedAt != nil {
			return nil
		}
		now := tx.now
		k.RevokedAt = &now
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE workspace_id = $2 AND id = $3`, timeArg(now), tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("revoke api key: %w", err)
		}
		return tx.audit(ctx, contactd.ActionAPIKeyRevoked, 0, map[string]any{"api_key_id": id})
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

func (db *DB) scanAPIKey(row interface{ Scan(...any) error }) (*contactd.APIKey, string, error) {
	var k contactd.APIKey
	var role, hash string
	var created, expires, revoked scanTime
	if err := row.Scan(&k.ID, &k.WorkspaceID, &k.Name, &role, &hash, &k.Prefix, &created, &expires, &revoked); err != nil {
		return nil, "", err
	}
	k.Role = contactd.Role(role)
	k.CreatedAt, k.ExpiresAt, k.RevokedAt = created.T, expires.ptr(), revoked.ptr()
	return &k, hash, nil
}
