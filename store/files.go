package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/contactd/contactd"
)

// fileChunkSize is the size of one stored chunk: big enough that a 512 MB
// upload is a few hundred rows, small enough to hold in memory.
const fileChunkSize = 1 << 20

// StoredFile describes a file kept in the database.
type StoredFile struct {
	ID     int64
	Name   string
	Size   int64
	SHA256 string
}

// StoreFile streams r into the database in chunks, at most limit bytes
// (EBodyTooLarge beyond). Each chunk commits on its own so that a long upload
// never holds SQLite's write lock; the file counts only once it is marked
// complete, and incomplete files are removed.
func (db *DB) StoreFile(ctx context.Context, name string, r io.Reader, limit int64) (*StoredFile, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	f := &StoredFile{Name: name}
	err = db.inTx(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO files (workspace_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			actor.WorkspaceID, name, timeArg(tx.now)).Scan(&f.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("store file: %w", err)
	}
	h := sha256.New()
	buf := make([]byte, fileChunkSize)
	ok := false
	defer func() {
		if !ok {
			_ = db.DeleteFile(context.WithoutCancel(ctx), f.ID)
		}
	}()
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			f.Size += int64(n)
			if f.Size > limit {
				return nil, contactd.Errorf(contactd.EBodyTooLarge, "the file is larger than the limit of %d bytes", limit)
			}
			h.Write(buf[:n])
			chunk := buf[:n]
			err := db.inTx(ctx, func(tx *Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO file_chunks (workspace_id, file_id, seq, data) VALUES ($1, $2, $3, $4)`,
					actor.WorkspaceID, f.ID, seq, chunk)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("store file chunk: %w", err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return nil, fmt.Errorf("read upload: %w", rerr)
		}
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	err = db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE files SET size_bytes = $1, sha256 = $2, complete = $3 WHERE workspace_id = $4 AND id = $5`,
			f.Size, f.SHA256, true, actor.WorkspaceID, f.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("complete file: %w", err)
	}
	ok = true
	return f, nil
}

// DeleteFile removes a stored file and its chunks; a missing file is no error.
func (db *DB) DeleteFile(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE workspace_id = $1 AND file_id = $2`, tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("delete file chunks: %w", err)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM files WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id)
		return err
	})
}

// CopyFile writes a stored file to w, one chunk at a time.
func (db *DB) CopyFile(ctx context.Context, id int64, w io.Writer) (int64, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return 0, err
	}
	var complete bool
	err = db.read.QueryRowContext(ctx, `SELECT complete FROM files WHERE workspace_id = $1 AND id = $2`, actor.WorkspaceID, id).Scan(&complete)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !complete) {
		return 0, contactd.Errorf(contactd.ENotFound, "file %d not found", id)
	}
	if err != nil {
		return 0, fmt.Errorf("open file: %w", err)
	}
	var total int64
	for seq := 0; ; seq++ {
		var data []byte
		err := db.read.QueryRowContext(ctx, `SELECT data FROM file_chunks WHERE workspace_id = $1 AND file_id = $2 AND seq = $3`,
			actor.WorkspaceID, id, seq).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return total, nil
		}
		if err != nil {
			return total, fmt.Errorf("read file chunk: %w", err)
		}
		n, err := w.Write(data)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
}

// UnpackFile writes a stored file to a new temporary file in dir ("" for
// the system's) and rewinds it: the file readers need a seekable file (an
// XLSX is a zip), while the database keeps the original. The caller closes
// and removes it.
func (db *DB) UnpackFile(ctx context.Context, id int64, dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, "contactd-file-*")
	if err != nil {
		return nil, fmt.Errorf("unpack stored file: %w", err)
	}
	if _, err = db.CopyFile(ctx, id, f); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}
