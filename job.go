package contactd

// Job kinds.
const (
	JobKindImport    = "contact_import"
	JobKindDNCImport = "dnc_import"
	JobKindExport    = "contact_export"
	// JobKindExportExpiry deletes an export's file once it expires; it is
	// queued to run at the export's expires_at.
	JobKindExportExpiry = "contact_export_expiry"
	// JobKindUploadSweep deletes a stored file whose upload never
	// finished (its server died mid-upload); it is queued with the file
	// and removed when the file is complete.
	JobKindUploadSweep = "upload_sweep"
)

// Job is a claimed unit of background work. RefID names the row of the
// kind's own table (e.g. contact_imports) that holds the work's state.
type Job struct {
	ID          int64
	WorkspaceID int64
	Kind        string
	RefID       int64
	Attempts    int
}
