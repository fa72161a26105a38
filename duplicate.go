package contactd

import (
	"context"
	"time"
)

// Why a duplicate group matched, strongest first. Exact matches are one
// person beyond doubt; name matches are similar names (see README.md) that
// also share a company, a work email domain or a city.
const (
	MatchEmail       = "email"        // same address, case and Gmail dots/+tags folded
	MatchPhone       = "phone"        // a number one holds as primary or alternate, the other too
	MatchNameCompany = "name_company" // similar names, same company
	MatchNameDomain  = "name_domain"  // similar names, same email domain (free mail excluded)
	MatchNameCity    = "name_city"    // similar names, same city
	// MatchName filters every kind of name match.
	MatchName = "name"
)

// Merge audit actions. Their details name ids and fields, never values: the
// values a merge overruled live in the merge record, which erasure scrubs.
const (
	ActionContactMerged      = "contact.merged"       // on the primary
	ActionContactMergedInto  = "contact.merged_into"  // on each secondary
	ActionContactUnmerged    = "contact.unmerged"     // on the primary
	ActionContactMergeUndone = "contact.merge_undone" // on each restored secondary
	ActionDuplicateDismissed = "duplicates.dismissed" // on each contact of a dismissal
)

// Limits of one request.
const (
	MaxMergeSecondaries = 100 // secondary_ids of one merge
	MaxDismissContacts  = 100 // contact_ids of one dismissal
)

// DuplicateGroup is a set of live contacts that may be one person. Groups
// are transitive: A~B and B~C make one group {A, B, C}.
type DuplicateGroup struct {
	// Match, Key and Confidence describe the group's strongest link.
	Match      string  `json:"match"`
	Key        string  `json:"key"`
	Confidence float64 `json:"confidence"`
	// SuggestedPrimaryID is the most complete contact, then the oldest.
	SuggestedPrimaryID int64           `json:"suggested_primary_id"`
	ContactIDs         []int64         `json:"contact_ids"`
	Contacts           []*Contact      `json:"contacts"`
	Links              []DuplicateLink `json:"links"`
}

// DuplicateLink is one reason inside a group: the contacts that share Key.
type DuplicateLink struct {
	Match      string  `json:"match"`
	Key        string  `json:"key"`
	Confidence float64 `json:"confidence"`
	ContactIDs []int64 `json:"contact_ids"`
}

// DuplicateFilter selects duplicate groups. Match is one of the Match*
// values, MatchName for every name match, or "" for all.
type DuplicateFilter struct {
	Match string
	Page  Page
}

// Merge is the record of one merge, kept so that it can be undone.
type Merge struct {
	ID           int64      `json:"id"`
	PrimaryID    int64      `json:"primary_id"`
	SecondaryIDs []int64    `json:"secondary_ids"`
	CreatedAt    time.Time  `json:"created_at"`
	UndoneAt     *time.Time `json:"undone_at"`
}

// Unmerge is the outcome of undoing a merge.
type Unmerge struct {
	MergeID  int64      `json:"merge_id"`
	Primary  *Contact   `json:"primary"`
	Restored []*Contact `json:"restored"`
}

// DuplicateService finds and resolves duplicate contacts. Every method acts
// in the workspace of the Actor in ctx; other workspaces' ids answer
// ENotFound exactly as missing ones.
type DuplicateService interface {
	// FindDuplicateGroups lists the groups of live contacts that may be one
	// person, strongest match first, then by lowest contact id, so pages are
	// stable while nothing changes. Returns EInvalid for an unknown match.
	FindDuplicateGroups(ctx context.Context, f DuplicateFilter) ([]*DuplicateGroup, PageInfo, error)
	// DismissDuplicates records that no two of ids are the same person, so
	// their links no longer group them. Returns EInvalid for fewer than two
	// or more than MaxDismissContacts ids, ENotFound naming an unknown id.
	DismissDuplicates(ctx context.Context, ids []int64) (pairs int, err error)
	// MergeContacts folds secondaries into primary and answers the primary.
	// Nothing is lost (see the README's "Merging"). Returns EInvalid for an
	// empty, oversized or repeating list or a primary among secondaries,
	// ENotFound naming an unknown id, EConflict naming a contact that is not
	// active (merged, deleted, erased). Nothing is written on error.
	MergeContacts(ctx context.Context, primary int64, secondaries []int64) (*Contact, error)
	// UnmergeContact undoes a merge: of the primary id, its latest merge; of
	// a merged contact, the merge that took it. Returns ENotFound when there
	// is no such merge, EConflict when a later merge must be undone first,
	// a contact was erased, or a restored phone is live elsewhere.
	UnmergeContact(ctx context.Context, id int64) (*Unmerge, error)
}
