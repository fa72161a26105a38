package contactd

import "time"

// Reasons a compliance check suppresses a contact or number. Every reason
// that applies is reported, not just the first.
const (
	ReasonDNC             = "dnc"                    // a number is on a DNC list (any of the contact's numbers)
	ReasonOptedOut        = "opted_out"              // the person opted out, or revoked consent for the channel
	ReasonNoConsent       = "no_consent"             // the workspace requires consent and none is granted
	ReasonInvalidPhone    = "invalid_phone"          // no valid number to call
	ReasonOutsideWindow   = "outside_calling_window" // local time outside the calling window somewhere the number may be
	ReasonTimezoneUnknown = "timezone_unknown"       // no time zone is known for the number
	ReasonStaleRegistry   = "stale_registry"         // a registry list covering the number is older than its maximum age
	ReasonErased          = "erased"                 // the person was erased (GDPR)
	ReasonNotFound        = "not_found"              // no such contact in the workspace
	ReasonDeleted         = "deleted"                // the contact is deleted
	ReasonMerged          = "merged"                 // the contact was merged; check its primary
)

// Reasons lists every reason in the order results report them.
var Reasons = []string{ReasonErased, ReasonNotFound, ReasonDeleted, ReasonMerged, ReasonInvalidPhone,
	ReasonDNC, ReasonOptedOut, ReasonNoConsent, ReasonStaleRegistry, ReasonTimezoneUnknown, ReasonOutsideWindow}

// EErased is the code of a create or import refused because the person was
// erased at their request: contactd never takes them in again.
const EErased = "erased"

// CallingWindow is when calls may be placed, in the local time of the
// person called: Start <= local time < End ("HH:MM"), on Days ("mon".."sun";
// empty = every day).
type CallingWindow struct {
	Start string   `json:"start"`
	End   string   `json:"end"`
	Days  []string `json:"days"`
}

// ComplianceSettings are a workspace's calling rules.
type ComplianceSettings struct {
	CallingWindow CallingWindow `json:"calling_window"`
	// RequireConsent makes contacts without a granted consent for the
	// channel uncallable (no_consent).
	RequireConsent bool `json:"require_consent"`
}

// ComplianceSettingsUpdate changes the settings that are non-nil.
type ComplianceSettingsUpdate struct {
	Start          *string
	End            *string
	Days           *[]string
	RequireConsent *bool
}

// ComplianceCheck asks whether contacts or numbers may be called at At.
// Exactly one of SegmentID, ContactIDs and Phones is set.
type ComplianceCheck struct {
	SegmentID     int64
	ContactIDs    []int64
	Phones        []string
	At            time.Time
	Channel       string // voice (default) or sms
	DefaultRegion string // for national forms in Phones
}

// Suppressed is one contact or number that may not be called, with every
// reason that applies.
type Suppressed struct {
	ContactID *int64   `json:"contact_id"`
	PhoneE164 string   `json:"phone_e164"`
	Input     string   `json:"input,omitempty"` // the phone as sent (phones checks)
	Reasons   []string `json:"reasons"`
}

// CheckSummary counts a check's outcome. ByReason counts each reason once
// per suppressed contact, so its values may add up to more than Suppressed.
type CheckSummary struct {
	Total      int64            `json:"total"`
	Callable   int64            `json:"callable"`
	Suppressed int64            `json:"suppressed"`
	ByReason   map[string]int64 `json:"by_reason"`
}

// Consent statuses and channels.
const (
	ConsentGranted = "granted"
	ConsentRevoked = "revoked"
	ChannelEmail   = "email"
)

// Consent is one consent or opt-out record. Records are history: a new one
// supersedes, never overwrites; the latest per channel counts.
type Consent struct {
	ID         int64     `json:"id"`
	ContactID  int64     `json:"contact_id"`
	Channel    string    `json:"channel"`
	Status     string    `json:"status"`
	Source     string    `json:"source"`
	CapturedAt time.Time `json:"captured_at"`
	Proof      string    `json:"proof"`
	CreatedAt  time.Time `json:"created_at"`
}

// ConsentInput records consent. CapturedAt defaults to now.
type ConsentInput struct {
	Channel    string
	Status     string
	Source     string
	CapturedAt *time.Time
	Proof      string
}

// OptOutInput is POST /contacts/{id}/dnc: the person asked not to be
// contacted. Every number of the contact goes on the internal list.
type OptOutInput struct {
	Channel string // default all
	Reason  string
	Source  string // opt_out (default), manual or agent
	CallID  string // required with source agent
}
