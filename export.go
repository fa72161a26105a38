package contactd

import (
	"context"
	"time"
)

// Export formats.
const (
	ExportCSV   = "csv"
	ExportJSONL = "jsonl"
	ExportXLSX  = "xlsx"
)

// ExportRetention is how long a finished export's file can be downloaded.
const ExportRetention = 7 * 24 * time.Hour

// EExportExpired is the code of a download after the export's file expired.
const EExportExpired = "export_expired"

// ContactFields are the fields of a contact as exports name them, in the
// order of the API's contact object. custom_fields is the whole object;
// custom.<name> names one custom field.
var ContactFields = []string{
	"id", "phone_e164", "first_name", "last_name", "email", "company", "city", "country",
	"tags", "custom_fields", "alt_phones", "alt_emails", "phone_country", "phone_type",
	"phone_timezones", "timezone", "dnc", "status", "merged_into", "version", "created_at", "updated_at",
}

// Export audit actions.
const (
	ActionExportCreated  = "export.created"
	ActionExportFinished = "export.finished"
	ActionExportExpired  = "export.expired"
)

// ExportFilter selects the contacts of an export. Every filter given narrows
// the selection (they combine with AND). Status defaults to active: deleted,
// merged and erased contacts are exported only when asked for by status.
type ExportFilter struct {
	SegmentID     int64      `json:"segment_id,omitempty"`
	Search        string     `json:"search,omitempty"`
	Tags          []string   `json:"tags,omitempty"` // contacts having every one of these tags
	Status        string     `json:"status,omitempty"`
	DNC           *bool      `json:"dnc,omitempty"`
	CreatedAfter  *time.Time `json:"created_after,omitempty"`
	CreatedBefore *time.Time `json:"created_before,omitempty"`
	Rules         *Rule      `json:"rules,omitempty"`
}

// ContactExport is an export job and, once it has completed, its file.
type ContactExport struct {
	ID     int64  `json:"id"`
	Status string `json:"status"`
	Format string `json:"format"`
	// Fields are the columns asked for; empty means the format's default.
	Fields        []string     `json:"fields"`
	Filters       ExportFilter `json:"filters"`
	BOM           bool         `json:"bom"`
	TotalRows     int64        `json:"total_rows"`
	ProcessedRows int64        `json:"processed_rows"`
	SizeBytes     int64        `json:"size_bytes"`
	Filename      string       `json:"filename"`
	Error         string       `json:"error,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
	StartedAt     *time.Time   `json:"started_at"`
	FinishedAt    *time.Time   `json:"finished_at"`
	// ExpiresAt is when the file is deleted; set once the export completes.
	ExpiresAt *time.Time `json:"expires_at"`

	WorkspaceID  int64 `json:"-"`
	FileID       int64 `json:"-"` // 0 until completed, and again once expired
	CreatedByKey int64 `json:"-"`
}

// Expired reports whether the export's file is gone for good at now.
func (e *ContactExport) Expired(now time.Time) bool {
	return e.ExpiresAt != nil && !now.Before(*e.ExpiresAt)
}

// ExportInput asks for an export.
type ExportInput struct {
	Filters ExportFilter
	Fields  []string
	Format  string
	BOM     bool
}

// ExportService manages export jobs. Every method acts in the actor's
// workspace and answers ENotFound for another workspace's export.
type ExportService interface {
	// CreateExport checks in and queues the job. Returns EInvalid for an
	// unknown field or format or a bad filter, EInvalidRule for bad rules,
	// ENotFound for a segment_id that is not one of the workspace's.
	CreateExport(ctx context.Context, in ExportInput) (*ContactExport, error)
	FindExportByID(ctx context.Context, id int64) (*ContactExport, error)
	// FindExports lists exports, newest first.
	FindExports(ctx context.Context, p Page) ([]*ContactExport, PageInfo, error)
}
