package contactd

import "time"

// DNC channels: an entry suppresses calls (voice), texts (sms) or both.
const (
	ChannelVoice = "voice"
	ChannelSMS   = "sms"
	ChannelAll   = "all"
)

// DNC sources: where an entry came from.
const (
	DNCSourceManual   = "manual"   // an operator added it
	DNCSourceOptOut   = "opt_out"  // the person asked (POST /contacts/{id}/dnc)
	DNCSourceImport   = "import"   // a file loaded into the internal list
	DNCSourceRegistry = "registry" // a national registry extract
	DNCSourceAgent    = "agent"    // an AI agent heard "don't call me" on a call (CallID)
)

// DNC list kinds. Each workspace has one internal list, made on first use;
// registry lists hold national extracts and are replaced whole by each load.
const (
	DNCListInternal = "internal"
	DNCListRegistry = "registry"
	// InternalListName is the name of every workspace's internal list.
	InternalListName = "internal"
)

// Audit actions of the DNC list and of consent.
const (
	ActionDNCAdded         = "dnc.added"
	ActionDNCRemoved       = "dnc.removed"
	ActionDNCListCreated   = "dnc_list.created"
	ActionDNCImportCreated = "dnc_import.created"
	ActionDNCImportEnded   = "dnc_import.finished"
	ActionContactOptOut    = "contact.dnc_set"
	ActionContactOptIn     = "contact.dnc_cleared"
	ActionConsentRecorded  = "contact.consent_recorded"
)

// DNCList is a named list of DNC entries.
type DNCList struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Region limits a registry list to the numbers of one country (the US
	// registry covers US numbers); "" means every number.
	Region string `json:"region"`
	// MaxAgeDays is how old a registry extract may be before a check calls
	// it stale (the US requires 31); 0 means never.
	MaxAgeDays  int        `json:"max_age_days"`
	RefreshedAt *time.Time `json:"refreshed_at"` // when the current extract was loaded
	CreatedAt   time.Time  `json:"created_at"`
	Generation  int64      `json:"-"`
}

// Stale reports whether a registry list is too old to rely on at t.
func (l *DNCList) Stale(t time.Time) bool {
	if l.Kind != DNCListRegistry || l.MaxAgeDays <= 0 {
		return false
	}
	return l.RefreshedAt == nil || t.Sub(*l.RefreshedAt) > time.Duration(l.MaxAgeDays)*24*time.Hour
}

// DNCListInput creates a list.
type DNCListInput struct {
	Name       string
	Kind       string
	Region     string
	MaxAgeDays int
}

// DNCEntry is one suppressed number or range. Exactly one of PhoneE164 and
// Prefix is set.
type DNCEntry struct {
	ID          int64      `json:"id"`
	ListID      int64      `json:"list_id"`
	List        string     `json:"list"`
	PhoneE164   string     `json:"phone_e164,omitempty"`
	Prefix      string     `json:"prefix,omitempty"`
	Channel     string     `json:"channel"`
	Reason      string     `json:"reason"`
	Source      string     `json:"source"`
	CallID      string     `json:"call_id,omitempty"`
	ExpiresAt   *time.Time `json:"expires_at"`
	ImportID    *int64     `json:"import_id,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ActorKeyID  *int64     `json:"created_by_key_id"`
	WorkspaceID int64      `json:"-"`
}

// DNCEntryInput adds an entry. Phone is a number in any written form
// (normalized like contact phones, national forms read in DefaultRegion or
// the workspace's region); Prefix is a range in international form with at
// least the country code and two more digits ("+9199", never "+4").
type DNCEntryInput struct {
	Phone         string
	Prefix        string
	List          string // list name; "" = the internal list
	Channel       string // default all
	Reason        string
	Source        string // default manual
	CallID        string // required with source agent
	ExpiresAt     *time.Time
	DefaultRegion string
}

// DNCFilter selects entries.
type DNCFilter struct {
	List  string // list name
	Phone string // entries that suppress this number (exact or by prefix)
	Page  Page
}

// DNCImportOptions are what the operator chose for a DNC file.
type DNCImportOptions struct {
	List          string     `json:"list"`
	Channel       string     `json:"channel"`
	Reason        string     `json:"reason,omitempty"`
	Source        string     `json:"source"`
	ExpiresAt     *time.Time `json:"expires_at,omitempty"`
	DefaultRegion string     `json:"default_region,omitempty"`
	Column        string     `json:"column,omitempty"` // header of the number column
}

// DNCImport is a durable job loading a file of numbers into a list. Counts
// add up once it has ended: TotalRows = Added + Duplicates + Failed.
type DNCImport struct {
	ID            int64            `json:"id"`
	Status        string           `json:"status"`
	ListID        int64            `json:"list_id"`
	Filename      string           `json:"filename"`
	Options       DNCImportOptions `json:"options"`
	TotalRows     int64            `json:"total_rows"`
	ProcessedRows int64            `json:"processed_rows"`
	Added         int64            `json:"added"`
	Duplicates    int64            `json:"duplicates"`
	Failed        int64            `json:"failed"`
	Error         string           `json:"error,omitempty"`
	CreatedAt     time.Time        `json:"created_at"`
	StartedAt     *time.Time       `json:"started_at"`
	FinishedAt    *time.Time       `json:"finished_at"`

	WorkspaceID  int64 `json:"-"`
	FileID       int64 `json:"-"`
	CreatedByKey int64 `json:"-"`
}

// DNCRow is one row of a DNC file on its way into the store.
type DNCRow struct {
	Line   int
	Raw    []string
	Number string // as written
	Prefix bool
	Region string // region for a national form ("" = the import's)
}
