package contactd

import (
	"context"
	"encoding/json"
	"time"
)

// Segment types.
const (
	SegmentStatic  = "static"  // explicit members, added and removed by id
	SegmentDynamic = "dynamic" // whoever matches Rules now
)

// Segment audit actions.
const (
	ActionSegmentCreated       = "segment.created"
	ActionSegmentUpdated       = "segment.updated"
	ActionSegmentDeleted       = "segment.deleted"
	ActionSegmentMemberAdded   = "segment.member_added"
	ActionSegmentMemberRemoved = "segment.member_removed"
)

// EInvalidRule is the code of a rule tree that cannot be used; the error's
// Fields name the bad node ("rules.all[1].op").
const EInvalidRule = "invalid_rule"

// MaxSegmentBatch is how many contact ids one call may add to or remove from
// a static segment.
const MaxSegmentBatch = 10000

// Segment is a named set of contacts to call: a static one lists its members,
// a dynamic one selects whoever matches its rules at the time of asking.
// Only active contacts are ever members: deleted, merged and erased ones drop
// out (a static membership comes back if a deleted contact is restored).
type Segment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Rules       *Rule  `json:"rules"`
	// ContactCount is the number of active members when the segment was read.
	ContactCount int64     `json:"contact_count"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	WorkspaceID  int64     `json:"-"`
}

// SegmentInput creates a segment. Type defaults to dynamic when Rules are
// given, else static.
type SegmentInput struct {
	Name        string
	Description string
	Type        string
	Rules       *Rule
}

// SegmentUpdate changes the fields that are non-nil. Rules apply to dynamic
// segments only; a segment's type never changes.
type SegmentUpdate struct {
	Name        *string
	Description *string
	Rules       *Rule
}

// MembershipChange reports a bulk add to or removal from a static segment.
// Every id sent is accounted for: changed, unchanged, or refused with why.
type MembershipChange struct {
	// Changed counts the contacts added (or removed).
	Changed int64 `json:"changed"`
	// Unchanged counts the contacts that already were (or were not) members.
	Unchanged int64 `json:"unchanged"`
	// NotFound lists ids that are no contact of this workspace.
	NotFound []int64 `json:"not_found"`
	// NotActive lists contacts that are deleted, merged or erased: they are
	// not added, since they could not be called.
	NotActive []int64 `json:"not_active"`
	// ContactCount is the segment's member count afterwards.
	ContactCount int64 `json:"contact_count"`
}

// Rule is a node of a segment's rule tree: either a group (All or Any of
// its children) or a condition on one field (Field, Op, Value). See package
// rules for the fields and operators, and how a tree is checked and turned
// into SQL.
type Rule struct {
	All   []*Rule
	Any   []*Rule
	Field string
	Op    string
	Value any // string, json.Number, bool, or []any of those
}

// MarshalJSON writes the contract's form: {"all":[...]}, {"any":[...]} or
// {"field","op","value"}, keeping a false or zero value.
func (r *Rule) MarshalJSON() ([]byte, error) {
	switch {
	case r.All != nil:
		return json.Marshal(struct {
			All []*Rule `json:"all"`
		}{r.All})
	case r.Any != nil:
		return json.Marshal(struct {
			Any []*Rule `json:"any"`
		}{r.Any})
	}
	if r.Value == nil {
		return json.Marshal(struct {
			Field string `json:"field"`
			Op    string `json:"op"`
		}{r.Field, r.Op})
	}
	return json.Marshal(struct {
		Field string `json:"field"`
		Op    string `json:"op"`
		Value any    `json:"value"`
	}{r.Field, r.Op, r.Value})
}

// SegmentService manages segments. Every method acts in the actor's
// workspace and answers ENotFound for another workspace's segment exactly as
// for one that does not exist.
type SegmentService interface {
	// CreateSegment stores a segment. Returns EInvalid for a bad name or
	// type, EInvalidRule naming the bad node of its rules, EConflict when the
	// name is taken.
	CreateSegment(ctx context.Context, in SegmentInput) (*Segment, error)
	// FindSegmentByID returns a segment with its current ContactCount.
	FindSegmentByID(ctx context.Context, id int64) (*Segment, error)
	// FindSegments lists segments by id, each with its current count.
	FindSegments(ctx context.Context, p Page) ([]*Segment, PageInfo, error)
	// UpdateSegment changes a segment. Returns EInvalid when rules are given
	// for a static segment, EInvalidRule, EConflict for a taken name.
	UpdateSegment(ctx context.Context, id int64, upd SegmentUpdate) (*Segment, error)
	// DeleteSegment removes a segment and its memberships, never contacts.
	// Returns EConflict while other segments' rules refer to it.
	DeleteSegment(ctx context.Context, id int64) (*Segment, error)
	// AddSegmentMembers adds contacts to a static segment (EConflict for a
	// dynamic one). Unknown and inactive ids are reported, not added.
	AddSegmentMembers(ctx context.Context, id int64, contactIDs []int64) (*MembershipChange, error)
	// RemoveSegmentMembers removes contacts from a static segment.
	RemoveSegmentMembers(ctx context.Context, id int64, contactIDs []int64) (*MembershipChange, error)
	// FindSegmentMembers pages the active members by contact id. The total
	// stops counting at MaxListCount (TotalCapped); the segment's exact
	// count is its ContactCount.
	FindSegmentMembers(ctx context.Context, id int64, p Page) ([]*Contact, PageInfo, error)
	// ForEachSegmentMember calls fn for every active member in id order,
	// streaming.
	ForEachSegmentMember(ctx context.Context, segmentID int64, fn func(c *Contact) error) error
}
