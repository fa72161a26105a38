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
	"time"

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

// AbandonedUploadAfter is when a file still incomplete counts as abandoned
// (its server died mid-upload) and is deleted: an upload that stalls is cut
// off after a minute, one that moves at all finishes long before this.
const AbandonedUploadAfter = 6 * time.Hour

// ErrUploadRemoved is what an upload meets when its partial file was
// deleted under it: by an erasure, which removes every partial upload since
// it cannot read them, or by the sweep of abandoned uploads. A client that
// sent the file is told to send it again (409); an export writing its file
// is started over (the erasure requeued it).
var ErrUploadRemoved = contactd.Errorf(contactd.EConflict,
	"the upload was removed while it was being stored (an erasure ran meanwhile, or the upload took over %s); upload the file again", AbandonedUploadAfter)

// StoreFile streams r into the database in chunks, at most limit bytes
// (EBodyTooLarge beyond). Each chunk commits on its own so that a long upload
// never holds SQLite's write lock; the file counts only once it is marked
// complete, and incomplete files are removed: by this function when the
// upload fails, and by a job queued with the file (JobKindUploadSweep) when
// the server dies before it could.
func (db *DB) StoreFile(ctx context.Context, name string, r io.Reader, limit int64) (*StoredFile, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	f := &StoredFile{Name: name}
	err = db.inTx(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO files (workspace_id, name, created_at) VALUES ($1, $2, $3) RETURNING id`,
			actor.WorkspaceID, name, timeArg(tx.now)).Scan(&f.ID)
		if err != nil {
			return err
		}
		// A sweep row may already hold this id: SQLite gives a new file the
		// highest id again once that file is gone, and the row of a sweep
		// that ran (or of a partial export file deleted with its export's
		// restart) stays. It is this file's sweep now.
		_, err = tx.ExecContext(ctx, `
			INSERT INTO jobs (workspace_id, kind, ref_id, status, run_after, created_at, updated_at)
			VALUES ($1, $2, $3, 'queued', $4, $5, $5)
			ON CONFLICT (workspace_id, kind, ref_id) DO UPDATE SET status = 'queued', attempts = 0, lease_owner = '',
				lease_until = NULL, run_after = excluded.run_after, last_error = '', created_at = excluded.created_at,
				updated_at = excluded.updated_at`,
			actor.WorkspaceID, contactd.JobKindUploadSweep, f.ID, timeArg(tx.now.Add(AbandonedUploadAfter)), timeArg(tx.now))
		return err
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
				// The file's row is locked first: an erasure deleting the
				// partial file waits for this chunk, then removes it too.
				if err := tx.lockPartialFile(ctx, f.ID); err != nil {
					return err
				}
				restore, err := tx.smallPageCache(ctx)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO file_chunks (workspace_id, file_id, seq, data) VALUES ($1, $2, $3, $4)`,
					actor.WorkspaceID, f.ID, seq, chunk); err != nil {
					return err
				}
				return restore()
			})
			if err == ErrUploadRemoved {
				return nil, err
			}
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
		if err := tx.lockPartialFile(ctx, f.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE files SET size_bytes = $1, sha256 = $2, complete = $3 WHERE workspace_id = $4 AND id = $5`,
			f.Size, f.SHA256, true, actor.WorkspaceID, f.ID)
		if err != nil {
			return err
		}
		// Stored whole: the sweep has nothing to do.
		_, err = tx.ExecContext(ctx, `DELETE FROM jobs WHERE workspace_id = $1 AND kind = $2 AND ref_id = $3 AND status = 'queued'`,
			actor.WorkspaceID, contactd.JobKindUploadSweep, f.ID)
		return err
	})
	if err == ErrUploadRemoved {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("complete file: %w", err)
	}
	ok = true
	return f, nil
}

// smallPageCache shrinks SQLite's page cache of the writing connection
// for the rest of the transaction and returns what sets it back. A chunk is
// new pages that nothing reads soon, and in the writer's big cache (sized
// for bulk loads) a stored export's chunks filled 16 MB that a server
// exporting in constant memory does not have; shrunk, the cache lets go of
// what it held. On PostgreSQL it does nothing.
func (tx *Tx) smallPageCache(ctx context.Context) (restore func() error, err error) {
	if tx.db.dialect.name() != SQLite {
		return func() error { return nil }, nil
	}
	var size int64
	if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&size); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -1024`); err != nil {
		return nil, err
	}
	return func() error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, size))
		return err
	}, nil
}

// lockPartialFile locks the row of a file being uploaded, or answers
// ErrUploadRemoved when it is gone.
func (tx *Tx) lockPartialFile(ctx context.Context, id int64) error {
	var complete bool
	err := tx.QueryRowContext(ctx, `SELECT complete FROM files WHERE workspace_id = $1 AND id = $2`+tx.db.dialect.forUpdate(),
		tx.actor.WorkspaceID, id).Scan(&complete)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && complete) {
		return ErrUploadRemoved
	}
	if err != nil {
		return fmt.Errorf("lock stored file: %w", err)
	}
	return nil
}

// DeleteFile removes a stored file and its chunks; a missing file is no error.
func (db *DB) DeleteFile(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		return tx.deleteFiles(ctx, []int64{id})
	})
}

// deleteFiles removes stored files and their chunks. The files' rows go
// first: that waits for an upload's chunk being written (which locks its
// file's row) to commit, so the chunks deleted next include it.
func (tx *Tx) deleteFiles(ctx context.Context, ids []int64) error {
	for _, chunk := range chunkIDs(ids, 500) {
		args, marks := inArgs(tx.actor.WorkspaceID, chunk)
		if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE workspace_id = $1 AND id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("delete files: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_chunks WHERE workspace_id = $1 AND file_id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("delete file chunks: %w", err)
		}
		// A sweep still waiting for a file that is gone has nothing to do.
		args = append(args, contactd.JobKindUploadSweep)
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM jobs WHERE workspace_id = $1 AND ref_id IN (%s) AND kind = $%d AND status = 'queued'`, marks, len(args)), args...); err != nil {
			return fmt.Errorf("delete file sweeps: %w", err)
		}
	}
	return nil
}

// SweepUpload deletes file id if it is still incomplete: its upload was
// abandoned (JobKindUploadSweep). A complete or missing file is left alone.
func (db *DB) SweepUpload(ctx context.Context, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.lockPartialFile(ctx, id); err == ErrUploadRemoved {
			return nil
		} else if err != nil {
			return err
		}
		return tx.deleteFiles(ctx, []int64{id})
	})
}

// deletePartialUploads deletes every incomplete file of the workspace and
// reports how many. Erasure calls it: a partial upload cannot be read as a
// table, so whether it holds the person cannot be told, and an upload
// still running fails with ErrUploadRemoved and is sent again.
func (tx *Tx) deletePartialUploads(ctx context.Context) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM files WHERE workspace_id = $1 AND complete = $2`+tx.db.dialect.forUpdate(),
		tx.actor.WorkspaceID, false)
	if err != nil {
		return 0, fmt.Errorf("find partial uploads: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return len(ids), tx.deleteFiles(ctx, ids)
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
