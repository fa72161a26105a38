package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/phone"
)

// CreateWorkspace adds a tenant named name. Returns EInvalid for an empty or
// overlong name or an unknown region, EConflict when the name is taken.
func (db *DB) CreateWorkspace(ctx context.Context, name, defaultRegion string) (*contactd.Workspace, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, contactd.ValidationError([]contactd.FieldError{{Field: "name", Code: "invalid", Message: "a workspace needs a name of 1 to 200 characters"}})
	}
	if defaultRegion != "" {
		r, ok := phone.ValidRegion(defaultRegion)
		if !ok {
			return nil, contactd.ValidationError([]contactd.FieldError{{Field: "default_region", Code: "invalid", Message: "not an ISO 3166 region code such as IN, US or GB"}})
		}
		defaultRegion = r
	}
	ws := &contactd.Workspace{Name: name, DefaultRegion: defaultRegion, CreatedAt: db.now()}
	err := db.write.QueryRowContext(ctx, `
		INSERT INTO workspaces (name, default_region, created_at) VALUES ($1, $2, $3)
		RETURNING id`, ws.Name, ws.DefaultRegion, timeArg(ws.CreatedAt)).Scan(&ws.ID)
	if db.dialect.isUniqueViolation(err) {
		return nil, contactd.Errorf(contactd.EConflict, "a workspace named %q already exists", name)
	}
	if err != nil {
		return nil, fmt.Errorf("create workspace: %w", err)
	}
	return ws, nil
}

// FindWorkspaceByName returns ENotFound when no workspace has that name.
func (db *DB) FindWorkspaceByName(ctx context.Context, name string) (*contactd.Workspace, error) {
	return db.findWorkspace(ctx, `name = $1`, strings.TrimSpace(name))
}

// FindWorkspaceByID returns ENotFound when there is no such workspace.
func (db *DB) FindWorkspaceByID(ctx context.Context, id int64) (*contactd.Workspace, error) {
	return db.findWorkspace(ctx, `id = $1`, id)
}

func (db *DB) findWorkspace(ctx context.Context, where string, arg any) (*contactd.Workspace, error) {
	var ws contactd.Workspace
	var created scanTime
	err := db.read.QueryRowContext(ctx, `SELECT id, name, default_region, created_at FROM workspaces WHERE `+where, arg).
		Scan(&ws.ID, &ws.Name, &ws.DefaultRegion, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "no such workspace")
	}
	if err != nil {
		return nil, fmt.Errorf("find workspace: %w", err)
	}
	ws.CreatedAt = created.T
	return &ws, nil
}

// CountWorkspaces tells whether the database is new (zero workspaces).
func (db *DB) CountWorkspaces(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM workspaces`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count workspaces: %w", err)
	}
	return n, nil
}

// CountAPIKeys counts the keys of every workspace: a database without any
// needs its bootstrap key. Only the server's start asks this.
func (db *DB) CountAPIKeys(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM api_keys`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count api keys: %w", err)
	}
	return n, nil
}

// workspaceRegion reads the default region inside a write transaction.
func (tx *Tx) workspaceRegion(ctx context.Context) (string, error) {
	var r string
	err := tx.QueryRowContext(ctx, `SELECT default_region FROM workspaces WHERE id = $1`, tx.actor.WorkspaceID).Scan(&r)
	if err != nil {
		return "", fmt.Errorf("read workspace region: %w", err)
	}
	return r, nil
}

// UpdateWorkspace changes the actor's workspace settings. Returns EInvalid
// for an empty name or unknown region and EConflict for a taken name.
func (db *DB) UpdateWorkspace(ctx context.Context, upd contactd.WorkspaceUpdate) (*contactd.Workspace, error) {
	ws, _, err := db.UpdateWorkspaceSettings(ctx, upd, contactd.ComplianceSettingsUpdate{})
	return ws, err
}

// UpdateWorkspaceSettings changes the workspace's settings and calling rules
// together, in one transaction with one audit event. Returns EInvalid for an
// empty name, an unknown region or a bad calling window (nothing is written
// then), and EConflict for a taken name.
func (db *DB) UpdateWorkspaceSettings(ctx context.Context, upd contactd.WorkspaceUpdate, cu contactd.ComplianceSettingsUpdate) (*contactd.Workspace, *contactd.ComplianceSettings, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, nil, err
	}
	ws, err := db.FindWorkspaceByID(ctx, actor.WorkspaceID)
	if err != nil {
		return nil, nil, err
	}
	settings, err := db.FindComplianceSettings(ctx)
	if err != nil {
		return nil, nil, err
	}
	var fe fieldErrors
	var changed []string
	if upd.Name != nil {
		name := cleanText(&fe, "name", *upd.Name, 200)
		if name == "" {
			fe.add("name", "invalid", "a workspace needs a name of 1 to 200 characters")
		} else if len(fe) == 0 && name != ws.Name {
			ws.Name = name
			changed = append(changed, "name")
		}
	}
	if upd.DefaultRegion != nil {
		r := cleanRegion(&fe, "default_region", *upd.DefaultRegion)
		if r != ws.DefaultRegion {
			ws.DefaultRegion = r
			changed = append(changed, "default_region")
		}
	}
	settings, settingsChanged := applySettingsUpdate(&fe, settings, cu)
	changed = append(changed, settingsChanged...)
	if err := fe.err(); err != nil {
		return nil, nil, err
	}
	if len(changed) == 0 {
		return ws, settings, nil
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE workspaces SET name = $1, default_region = $2 WHERE id = $3`, ws.Name, ws.DefaultRegion, ws.ID)
		if db.dialect.isUniqueViolation(err) {
			return contactd.Errorf(contactd.EConflict, "a workspace named %q already exists", ws.Name)
		}
		if err != nil {
			return fmt.Errorf("update workspace: %w", err)
		}
		if err := tx.writeSettings(ctx, settings); err != nil {
			return err
		}
		return tx.audit(ctx, contactd.ActionWorkspaceUpdated, 0, map[string]any{"fields": changed})
	})
	if err != nil {
		return nil, nil, err
	}
	return ws, settings, nil
}
