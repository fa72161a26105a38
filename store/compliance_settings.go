package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/callwindow"
)

// FindComplianceSettings returns the calling rules of the actor's workspace.
func (db *DB) FindComplianceSettings(ctx context.Context) (*contactd.ComplianceSettings, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	return scanSettings(db.read.QueryRowContext(ctx, `
		SELECT calling_window_start, calling_window_end, calling_days, require_consent
		FROM workspaces WHERE id = $1`, actor.WorkspaceID))
}

func scanSettings(row scanner) (*contactd.ComplianceSettings, error) {
	var s contactd.ComplianceSettings
	var days []byte
	err := row.Scan(&s.CallingWindow.Start, &s.CallingWindow.End, &days, &s.RequireConsent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "no such workspace")
	}
	if err != nil {
		return nil, fmt.Errorf("read compliance settings: %w", err)
	}
	if err := json.Unmarshal(days, &s.CallingWindow.Days); err != nil {
		return nil, fmt.Errorf("calling days: %w", err)
	}
	if s.CallingWindow.Days == nil {
		s.CallingWindow.Days = []string{}
	}
	return &s, nil
}

// window turns stored settings into a callwindow.Window.
func settingsWindow(s *contactd.ComplianceSettings) (callwindow.Window, error) {
	w, err := callwindow.Parse(s.CallingWindow.Start, s.CallingWindow.End, s.CallingWindow.Days)
	if err != nil {
		return w, fmt.Errorf("stored calling window is invalid: %w", err)
	}
	return w, nil
}

// applySettingsUpdate validates upd against cur and returns the new settings
// and the names of what changed; problems go to fe.
func applySettingsUpdate(fe *fieldErrors, cur *contactd.ComplianceSettings, upd contactd.ComplianceSettingsUpdate) (*contactd.ComplianceSettings, []string) {
	next := *cur
	next.CallingWindow.Days = append([]string{}, cur.CallingWindow.Days...)
	if upd.Start != nil {
		next.CallingWindow.Start = *upd.Start
	}
	if upd.End != nil {
		next.CallingWindow.End = *upd.End
	}
	if upd.Days != nil {
		next.CallingWindow.Days = *upd.Days
	}
	if upd.RequireConsent != nil {
		next.RequireConsent = *upd.RequireConsent
	}
	if upd.Start == nil && upd.End == nil && upd.Days == nil && upd.RequireConsent == nil {
		return cur, nil
	}
	w, err := callwindow.Parse(next.CallingWindow.Start, next.CallingWindow.End, next.CallingWindow.Days)
	if err != nil {
		var we *callwindow.Error
		if errors.As(err, &we) {
			fe.add("calling_window."+we.Field, "invalid_calling_window", "%s", we.Message)
		} else {
			fe.add("calling_window", "invalid_calling_window", "%s", err.Error())
		}
		return cur, nil
	}
	// Stored in canonical form: "09:00", days as mon..sun.
	next.CallingWindow.Start, next.CallingWindow.End = w.Start(), w.End()
	next.CallingWindow.Days = w.DayNames()
	if next.CallingWindow.Days == nil {
		next.CallingWindow.Days = []string{}
	}
	var changed []string
	if next.CallingWindow.Start != cur.CallingWindow.Start || next.CallingWindow.End != cur.CallingWindow.End || !slices.Equal(next.CallingWindow.Days, cur.CallingWindow.Days) {
		changed = append(changed, "calling_window")
	}
	if next.RequireConsent != cur.RequireConsent {
		changed = append(changed, "require_consent")
	}
	return &next, changed
}

func (tx *Tx) writeSettings(ctx context.Context, s *contactd.ComplianceSettings) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE workspaces SET calling_window_start = $1, calling_window_end = $2, calling_days = $3, require_consent = $4
		WHERE id = $5`,
		s.CallingWindow.Start, s.CallingWindow.End, jsonArg(s.CallingWindow.Days), s.RequireConsent, tx.actor.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update compliance settings: %w", err)
	}
	return nil
}
