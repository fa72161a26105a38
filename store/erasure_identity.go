package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
)

// erasureSecretName names the workspace secret that keys the hashes of
// erased people's phones and emails.
const erasureSecretName = "erasure_hmac"

// identityKey hashes phones and emails with a workspace's secret. A bare
// SHA-256 of a phone number could be reversed by hashing every number of a
// country (10^10 guesses are minutes of work); an HMAC cannot be computed
// without the secret, which lives in the database and never leaves it.
type identityKey []byte

func (k identityKey) phone(e164 string) string { return k.sum("phone:" + e164) }

func (k identityKey) email(addr string) string {
	return k.sum("email:" + strings.ToLower(strings.TrimSpace(addr)))
}

func (k identityKey) sum(s string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// readIdentityKey returns the workspace's key, or nil when it has none yet,
// which means nobody was ever erased there.
func readIdentityKey(ctx context.Context, q querier, ws int64) (identityKey, error) {
	var secret string
	err := q.QueryRowContext(ctx, `SELECT secret FROM workspace_secrets WHERE workspace_id = $1 AND name = $2`, ws, erasureSecretName).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read erasure key: %w", err)
	}
	b, err := hex.DecodeString(secret)
	if err != nil {
		return nil, fmt.Errorf("erasure key is corrupt: %w", err)
	}
	return b, nil
}

// identityKeyForWrite returns the workspace's key, making it on first use.
func (tx *Tx) identityKeyForWrite(ctx context.Context) (identityKey, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO workspace_secrets (workspace_id, name, secret, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, name) DO NOTHING`,
		tx.actor.WorkspaceID, erasureSecretName, hex.EncodeToString(b), timeArg(tx.now)); err != nil {
		return nil, fmt.Errorf("create erasure key: %w", err)
	}
	return readIdentityKey(ctx, tx, tx.actor.WorkspaceID)
}

// erasedHashes returns which of hashes belong to erased people.
func erasedHashes(ctx context.Context, q querier, ws int64, hashes []string) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 0; start < len(hashes); start += 500 {
		chunk := hashes[start:min(start+500, len(hashes))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, ws)
		for _, h := range chunk {
			args = append(args, h)
		}
		rows, err := q.QueryContext(ctx, `SELECT hash FROM erased_identities WHERE workspace_id = $1 AND hash IN `+placeholders(2, len(chunk)), args...)
		if err != nil {
			return nil, fmt.Errorf("find erased identities: %w", err)
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return nil, err
			}
			out[h] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// erasedError says why a person is refused, naming the field that matched.
func erasedError(field string) *contactd.Error {
	msg := "this person was erased at their request (GDPR erasure) and is never taken in again"
	return &contactd.Error{Code: contactd.EErased, Message: field + ": " + msg,
		Fields: []contactd.FieldError{{Field: field, Code: contactd.EErased, Message: msg}}}
}

// refuseErased checks built contacts against the erased people of the
// workspace. It returns, for each contact that matches by any phone or
// email, the error to refuse it with (nil entries are fine). One query per
// 500 values, and none at all in a workspace where nobody was erased.
func refuseErased(ctx context.Context, q querier, ws int64, built []*contactd.Contact) ([]*contactd.Error, error) {
	key, err := readIdentityKey(ctx, q, ws)
	if err != nil || key == nil {
		return nil, err
	}
	type probe struct {
		i     int
		field string
		hash  string
	}
	var probes []probe
	var hashes []string
	for i, c := range built {
		if c == nil {
			continue
		}
		add := func(field, h string) {
			probes = append(probes, probe{i, field, h})
			hashes = append(hashes, h)
		}
		add("phone_e164", key.phone(c.PhoneE164))
		for j, p := range c.AltPhones {
			add(fmt.Sprintf("alt_phones[%d]", j), key.phone(p))
		}
		if c.Email != "" {
			add("email", key.email(c.Email))
		}
		for j, e := range c.AltEmails {
			add(fmt.Sprintf("alt_emails[%d]", j), key.email(e))
		}
	}
	erased, err := erasedHashes(ctx, q, ws, hashes)
	if err != nil || len(erased) == 0 {
		return nil, err
	}
	out := make([]*contactd.Error, len(built))
	for _, p := range probes {
		if erased[p.hash] && out[p.i] == nil {
			out[p.i] = erasedError(p.field)
		}
	}
	return out, nil
}

// withoutErased drops the numbers of erased people from numbers.
func withoutErased(ctx context.Context, q querier, ws int64, numbers []string) ([]string, error) {
	key, err := readIdentityKey(ctx, q, ws)
	if err != nil || key == nil || len(numbers) == 0 {
		return numbers, err
	}
	hashes := make([]string, len(numbers))
	for i, n := range numbers {
		hashes[i] = key.phone(n)
	}
	erased, err := erasedHashes(ctx, q, ws, hashes)
	if err != nil || len(erased) == 0 {
		return numbers, err
	}
	out := numbers[:0:0]
	for i, n := range numbers {
		if !erased[hashes[i]] {
			out = append(out, n)
		}
	}
	return out, nil
}
