package contactd

import "time"

// Privacy request kinds, and the audit actions that record them.
const (
	PrivacyDataExport = "data_export"
	PrivacyErasure    = "erasure"
	PrivacyHardDelete = "hard_delete"

	ActionDataExported = "contact.data_exported"
	ActionErased       = "contact.erased"
	ActionHardDeleted  = "contact.hard_deleted"
)

// PrivacyRequest is one data export, erasure or hard delete: who asked for
// it, about which contact id, and when. It holds no personal data.
type PrivacyRequest struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"type"`
	ContactID  int64     `json:"contact_id"`
	ActorKeyID *int64    `json:"actor_key_id"`
	At         time.Time `json:"at"`
}

// DataExport is everything contactd holds about one person (GDPR Art. 15
// and 20), as one document.
type DataExport struct {
	ExportedAt time.Time `json:"exported_at"`
	Contact    *Contact  `json:"contact"`
	// MergedContacts are the records merged into this one: the same person.
	MergedContacts []*Contact       `json:"merged_contacts"`
	Segments       []ExportSegment  `json:"segments"`
	Consents       []*Consent       `json:"consents"`
	DNC            ExportDNC        `json:"dnc"`
	Provenance     []ExportOrigin   `json:"provenance"`
	Merges         ExportMerges     `json:"merges"`
	AuditEvents    []*AuditEvent    `json:"audit_events"`
	PrivacyLog     []PrivacyRequest `json:"privacy_requests"`
}

// ExportSegment is a segment the person belongs to.
type ExportSegment struct {
	ID      int64     `json:"id"`
	AddedAt time.Time `json:"added_at"`
}

// ExportDNC is the person's DNC state and history.
type ExportDNC struct {
	OptedOut bool          `json:"opted_out"`
	Entries  []*DNCEntry   `json:"entries"` // entries that suppress any of the person's numbers
	History  []*AuditEvent `json:"history"` // opt-outs and opt-ins
}

// ExportOrigin is one import that created or changed the person's record.
type ExportOrigin struct {
	ImportID   int64     `json:"import_id"`
	Filename   string    `json:"filename"`
	Action     string    `json:"action"`
	RowNumbers []int64   `json:"row_numbers"`
	At         time.Time `json:"at"`
	ContactID  int64     `json:"contact_id"`
}

// ExportMerges says which records were folded into which.
type ExportMerges struct {
	MergedInto *int64        `json:"merged_into"`
	MergedFrom []int64       `json:"merged_from"`
	Events     []*AuditEvent `json:"events"`
}
