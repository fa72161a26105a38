package contactd

import (
	"context"
	"time"
)

// Contact statuses. Only active contacts hold their phone number: the
// uniqueness of a live phone is enforced for active contacts alone.
const (
	StatusActive  = "active"
	StatusDeleted = "deleted" // logical delete; POST .../restore undoes it
	StatusMerged  = "merged"  // folded into MergedInto
	StatusErased  = "erased"  // GDPR erasure; personal data gone for good
)

// Contact is one person an operator may call.
type Contact struct {
	ID           int64          `json:"id"`
	WorkspaceID  int64          `json:"-"`
	PhoneE164    string         `json:"phone_e164"`
	FirstName    string         `json:"first_name"`
	LastName     string         `json:"last_name"`
	Email        string         `json:"email"`
	Company      string         `json:"company"`
	City         string         `json:"city"`
	Country      string         `json:"country"`
	Tags         []string       `json:"tags"`
	CustomFields map[string]any `json:"custom_fields"`
	AltPhones    []string       `json:"alt_phones"`
	AltEmails    []string       `json:"alt_emails"`
	// PhoneCountry, PhoneType and PhoneTimezones are derived from PhoneE164.
	PhoneCountry   string   `json:"phone_country"`
	PhoneType      string   `json:"phone_type"`
	PhoneTimezones []string `json:"phone_timezones"`
	// Timezone is the contact's own zone when the operator set one. When it is
	// unset and the number lies in exactly one zone, responses show that zone.
	Timezone string `json:"timezone"`
	// DNC is the person's own opt-out: set by POST /contacts/{id}/dnc (which
	// also puts every number of the contact on the internal DNC list) and
	// cleared only by DELETE /contacts/{id}/dnc. Imports, PATCH and merges
	// never clear it (a merge keeps the strictest). Numbers on DNC lists are
	// suppressed by the compliance check whether or not this is set; the
	// check, not this flag, is what to ask before calling.
	DNC        bool      `json:"dnc"`
	Status     string    `json:"status"`
	MergedInto *int64    `json:"merged_into"`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// ContactInput is what a caller gives to create a contact. Values are raw:
// the store normalizes the phone with DefaultRegion (else Country, else the
// workspace's default region), validates the email and the rest.
type ContactInput struct {
	PhoneE164     string
	FirstName     string
	LastName      string
	Email         string
	Company       string
	City          string
	Country       string
	Timezone      string
	Tags          []string
	CustomFields  map[string]any
	AltPhones     []string
	AltEmails     []string
	DefaultRegion string
}

// ContactUpdate changes the fields that are non-nil. A pointer to "" clears
// an optional text field. CustomFields is merged key by key; a nil value in
// the map removes that key. Tags, AltPhones and AltEmails replace the lists.
type ContactUpdate struct {
	PhoneE164    *string
	FirstName    *string
	LastName     *string
	Email        *string
	Company      *string
	City         *string
	Country      *string
	Timezone     *string
	Tags         *[]string
	CustomFields map[string]any
	AltPhones    *[]string
	AltEmails    *[]string
	// DefaultRegion reads national phone forms in this update; not stored.
	DefaultRegion string
	// IfVersion, when non-zero, makes the update conditional: a contact whose
	// version differs answers EPreconditionFailed.
	IfVersion int64
}

// ContactFilter selects contacts for listing. Zero values mean "any".
type ContactFilter struct {
	Search        string
	Tag           string
	Status        string // default: active
	CreatedAfter  *time.Time
	CreatedBefore *time.Time
	DNC           *bool
	// SegmentID keeps the members of a segment; Rules the contacts a rule
	// tree matches, compiled as a dynamic segment's and an export's are.
	SegmentID int64
	Rules     *Rule
	Page      Page
}

// ContactService is the contacts half of the store.
//
// Every method acts inside the workspace of the Actor in ctx and answers
// ENotFound for ids of other workspaces exactly as for ids that do not exist.
type ContactService interface {
	// CreateContact validates and stores a new active contact.
	// Returns EInvalid/EInvalidPhone/EInvalidEmail for bad values and
	// EConflict (with ExistingID) when the phone is already live.
	CreateContact(ctx context.Context, in ContactInput) (*Contact, error)
	// FindContactByID returns a contact in any status.
	// Returns ENotFound if it does not exist in the caller's workspace.
	FindContactByID(ctx context.Context, id int64) (*Contact, error)
	// FindContacts lists contacts matching f, ordered by id.
	FindContacts(ctx context.Context, f ContactFilter) ([]*Contact, PageInfo, error)
	// UpdateContact applies upd and bumps the version. Only active contacts
	// can be updated (EConflict otherwise). Returns EPreconditionFailed when
	// IfVersion is stale, EConflict when the new phone is live elsewhere.
	UpdateContact(ctx context.Context, id int64, upd ContactUpdate) (*Contact, error)
	// DeleteContact marks an active contact deleted; it frees its phone.
	// Deleting a deleted contact is a no-op. Returns EConflict for merged or
	// erased contacts.
	DeleteContact(ctx context.Context, id int64, ifVersion int64) (*Contact, error)
	// RestoreContact makes a deleted contact active again. Returns EConflict
	// (with ExistingID) when its phone has since become live elsewhere, or when
	// it is merged or erased.
	RestoreContact(ctx context.Context, id int64) (*Contact, error)
}

// BatchResult is the outcome of one input of a bulk create: the new id, or
// the error that kept that one input out (the others still go in).
type BatchResult struct {
	ID  int64
	Err error
}
