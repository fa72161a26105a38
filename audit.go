package contactd

import (
	"context"
	"time"
)

// Audit actions.
const (
	ActionContactCreated   = "contact.created"
	ActionContactUpdated   = "contact.updated"
	ActionContactDeleted   = "contact.deleted"
	ActionContactRestored  = "contact.restored"
	ActionAPIKeyCreated    = "api_key.created"
	ActionAPIKeyRevoked    = "api_key.revoked"
	ActionWorkspaceUpdated = "workspace.updated"
	ActionImportCreated    = "import.created"
	ActionImportCancelled  = "import.cancelled"
	ActionImportFinished   = "import.finished"
)

// AuditEvent records one change: who (key id), what, to which contact, when.
// Details hold field names and ids, never personal data, so the log can be
// kept after a person is erased.
type AuditEvent struct {
	ID        int64          `json:"id"`
	Action    string         `json:"action"`
	ActorKey  *int64         `json:"actor_key_id"`
	ContactID *int64         `json:"contact_id"`
	Details   map[string]any `json:"details"`
	At        time.Time      `json:"at"`
}

// AuditFilter selects audit events.
type AuditFilter struct {
	ContactID int64
	Action    string
	Page      Page
}

// AuditService reads the audit log; writes happen inside the store's own
// transactions so that a change and its event commit together.
type AuditService interface {
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, PageInfo, error)
}
