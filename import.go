package contactd

import "time"

// Job statuses, shared by imports and exports.
const (
	JobQueued    = "queued"
	JobRunning   = "running"
	JobCompleted = "completed"
	JobFailed    = "failed"
	JobCancelled = "cancelled"
)

// Import modes and match keys.
const (
	ModeCreateOrUpdate = "create_or_update"
	ModeCreateOnly     = "create_only"
	ModeUpdateOnly     = "update_only"
	MatchOnPhone       = "phone_e164"
	MatchOnEmail       = "email"
)

// ImportOptions are what the operator chose at upload.
type ImportOptions struct {
	Mapping       map[string]string `json:"column_mapping"`
	Mode          string            `json:"mode"`
	MatchOn       string            `json:"match_on"`
	DefaultRegion string            `json:"default_region,omitempty"`
	SegmentID     int64             `json:"segment_id,omitempty"`
	Tags          []string          `json:"tags,omitempty"`
}

// ContactImport is an import job. Counts always add up once it has ended:
// TotalRows = Created + Updated + Skipped + Failed.
type ContactImport struct {
	ID            int64             `json:"id"`
	Status        string            `json:"status"`
	Filename      string            `json:"filename"`
	Mode          string            `json:"mode"`
	MatchOn       string            `json:"match_on"`
	Encoding      string            `json:"encoding"`
	Delimiter     string            `json:"delimiter"`
	Headers       []string          `json:"headers"`
	Mapping       map[string]string `json:"column_mapping"`
	TotalRows     int64             `json:"total_rows"`
	ProcessedRows int64             `json:"processed_rows"`
	Created       int64             `json:"created"`
	Updated       int64             `json:"updated"`
	Skipped       int64             `json:"skipped"`
	Failed        int64             `json:"failed"`
	Warnings      int64             `json:"warnings"`
	Error         string            `json:"error,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	StartedAt     *time.Time        `json:"started_at"`
	FinishedAt    *time.Time        `json:"finished_at"`

	WorkspaceID  int64         `json:"-"`
	FileID       int64         `json:"-"`
	CreatedByKey int64         `json:"-"`
	Options      ImportOptions `json:"-"`
}

// ImportRow is one data row of a file on its way into the store: either a
// contact to apply, or the error that failed it.
type ImportRow struct {
	Line    int      // physical line in the file (header = 1)
	Raw     []string // the row's original cells, for the error report
	Input   ContactInput
	Err     *ImportError // set when the row failed before the store saw it
	Warning string
}

// ImportError is one line of an error report.
type ImportError struct {
	Line    int
	Field   string
	Code    string
	Message string
	Raw     []string
}
