package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/contactd/contactd"
	"github.com/contactd/contactd/rules"
)

const (
	maxSegmentNameLen = 200
	maxSegmentDescLen = 2000
	// maxSegmentNesting bounds how deep segments conditions may reach
	// through the rules of other dynamic segments.
	maxSegmentNesting = 5
)

// queryer is what reads need: the read pool, or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const segmentColumns = `id, workspace_id, name, description, type, rules, created_at, updated_at`

func scanSegment(row scanner) (*contactd.Segment, error) {
	var s contactd.Segment
	var raw []byte
	var created, updated scanTime
	if err := row.Scan(&s.ID, &s.WorkspaceID, &s.Name, &s.Description, &s.Type, &raw, &created, &updated); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = created.T, updated.T
	if len(raw) > 0 {
		r, err := rules.Parse(raw, "rules")
		if err != nil {
			return nil, fmt.Errorf("segment %d: stored rules: %w", s.ID, err)
		}
		s.Rules = r
	}
	return &s, nil
}

func findSegment(ctx context.Context, q queryer, ws, id int64, lock string) (*contactd.Segment, error) {
	s, err := scanSegment(q.QueryRowContext(ctx, `SELECT `+segmentColumns+` FROM segments WHERE workspace_id = $1 AND id = $2`+lock, ws, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, contactd.Errorf(contactd.ENotFound, "segment %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("find segment: %w", err)
	}
	return s, nil
}

// cleanSegment checks name and description; fields name the request's keys.
func cleanSegment(fe *fieldErrors, name, desc *string) {
	if name != nil {
		*name = cleanText(fe, "name", *name, maxSegmentNameLen)
		if *name == "" {
			fe.add("name", "required", "a segment needs a name")
		}
	}
	if desc != nil {
		*desc = cleanMultiline(fe, "description", *desc, maxSegmentDescLen)
	}
}

// CreateSegment stores a new segment. Type defaults to dynamic when rules
// are given, else static. Returns EInvalid for a bad name, description or
// type, or rules on a static segment; EInvalidRule naming the bad node of
// the rules (including a segments condition naming a segment the workspace
// does not have); EConflict when the name is taken.
func (db *DB) CreateSegment(ctx context.Context, in contactd.SegmentInput) (*contactd.Segment, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	var fe fieldErrors
	cleanSegment(&fe, &in.Name, &in.Description)
	if in.Type == "" {
		in.Type = contactd.SegmentStatic
		if in.Rules != nil {
			in.Type = contactd.SegmentDynamic
		}
	}
	switch {
	case in.Type != contactd.SegmentStatic && in.Type != contactd.SegmentDynamic:
		fe.add("type", "invalid", "type must be static or dynamic")
	case in.Type == contactd.SegmentStatic && in.Rules != nil:
		fe.add("rules", "invalid", "a static segment has no rules: its members are added by id; use type dynamic for rules")
	case in.Type == contactd.SegmentDynamic && in.Rules == nil:
		fe.add("rules", "required", `a dynamic segment needs rules, such as {"all":[{"field":"city","op":"eq","value":"Pune"}]}`)
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	if in.Rules != nil {
		if err := rules.Check(in.Rules, "rules"); err != nil {
			return nil, err
		}
	}
	var id int64
	err = db.inTx(ctx, func(tx *Tx) error {
		if in.Rules != nil {
			if err := db.checkSegmentRules(ctx, tx, actor.WorkspaceID, 0, in.Rules, tx.now); err != nil {
				return err
			}
		}
		var rulesArg any
		if in.Rules != nil {
			rulesArg = jsonArg(in.Rules)
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO segments (workspace_id, name, description, type, rules, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			actor.WorkspaceID, in.Name, in.Description, in.Type, rulesArg, timeArg(tx.now)).Scan(&id)
		if db.dialect.isUniqueViolation(err) {
			return segmentNameTaken(in.Name)
		}
		if err != nil {
			return fmt.Errorf("insert segment: %w", err)
		}
		return tx.audit(ctx, contactd.ActionSegmentCreated, 0, map[string]any{"segment_id": id, "type": in.Type})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSegmentByID(ctx, id)
}

func segmentNameTaken(name string) error {
	return &contactd.Error{Code: contactd.EConflict, Message: fmt.Sprintf("a segment named %q already exists; choose another name", name),
		Fields: []contactd.FieldError{{Field: "name", Code: "duplicate_name", Message: "already used by another segment"}}}
}

// checkSegmentRules checks that r can run in workspace ws: every segment it
// names exists there, and none leads back to self (the segment being
// saved, 0 for a new one), however deep.
func (db *DB) checkSegmentRules(ctx context.Context, q queryer, ws, self int64, r *contactd.Rule, now time.Time) error {
	t := &ruleTarget{db: db, ctx: ctx, q: q, ws: ws, w: &where{}, now: now, self: self}
	_, err := rules.Compile(r, t)
	return err
}

func invalidRule(field, format string, args ...any) *contactd.Error {
	msg := fmt.Sprintf(format, args...)
	return &contactd.Error{Code: contactd.EInvalidRule, Message: field + ": " + msg,
		Fields: []contactd.FieldError{{Field: field, Code: contactd.EInvalidRule, Message: msg}}}
}

// FindSegmentByID returns a segment with its current contact count.
// Returns ENotFound if it is not a segment of the actor's workspace.
func (db *DB) FindSegmentByID(ctx context.Context, id int64) (*contactd.Segment, error) {
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, err
	}
	s, err := findSegment(ctx, db.read, actor.WorkspaceID, id, "")
	if err != nil {
		return nil, err
	}
	if s.ContactCount, err = db.countSegment(ctx, db.read, s); err != nil {
		return nil, err
	}
	return s, nil
}

// FindSegments lists the workspace's segments by id, each with its current
// contact count.
func (db *DB) FindSegments(ctx context.Context, p contactd.Page) ([]*contactd.Segment, contactd.PageInfo, error) {
	var info contactd.PageInfo
	actor, err := actorFrom(ctx)
	if err != nil {
		return nil, info, err
	}
	if p.PerPage <= 0 || p.PerPage > contactd.MaxPerPage || p.Page < 1 {
		return nil, info, contactd.Errorf(contactd.EInvalidPagination, "page must be at least 1 and per_page between 1 and %d", contactd.MaxPerPage)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM segments WHERE workspace_id = $1`, actor.WorkspaceID).Scan(&info.Total); err != nil {
		return nil, info, fmt.Errorf("count segments: %w", err)
	}
	w := &where{}
	w.add("workspace_id = $%d", actor.WorkspaceID)
	offset := p.Offset()
	if p.AfterID > 0 {
		w.add("id > $%d", p.AfterID)
		offset = 0
	}
	rows, err := db.read.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM segments WHERE %s ORDER BY id LIMIT %d OFFSET %d`,
		segmentColumns, w.sql(), p.PerPage+1, offset), w.args...)
	if err != nil {
		return nil, info, fmt.Errorf("find segments: %w", err)
	}
	out := []*contactd.Segment{}
	for rows.Next() {
		s, err := scanSegment(rows)
		if err != nil {
			rows.Close()
			return nil, info, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, info, fmt.Errorf("find segments: %w", err)
	}
	if len(out) > p.PerPage {
		out = out[:p.PerPage]
		info.NextAfterID = out[len(out)-1].ID
	}
	for _, s := range out {
		if s.ContactCount, err = db.countSegment(ctx, db.read, s); err != nil {
			return nil, info, err
		}
	}
	return out, info, nil
}

// UpdateSegment changes a segment's name, description or (for a dynamic
// segment) rules. Returns ENotFound, EInvalid for bad values or rules given
// to a static segment, EInvalidRule (also for rules that would lead back to
// this segment), EConflict for a taken name. An update that changes
// nothing writes nothing.
func (db *DB) UpdateSegment(ctx context.Context, id int64, upd contactd.SegmentUpdate) (*contactd.Segment, error) {
	if _, err := actorFrom(ctx); err != nil {
		return nil, err
	}
	var fe fieldErrors
	cleanSegment(&fe, upd.Name, upd.Description)
	if err := fe.err(); err != nil {
		return nil, err
	}
	if upd.Rules != nil {
		if err := rules.Check(upd.Rules, "rules"); err != nil {
			return nil, err
		}
	}
	err := db.inTx(ctx, func(tx *Tx) error {
		s, err := findSegment(ctx, tx, tx.actor.WorkspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		var changed []string
		if upd.Name != nil && *upd.Name != s.Name {
			s.Name, changed = *upd.Name, append(changed, "name")
		}
		if upd.Description != nil && *upd.Description != s.Description {
			s.Description, changed = *upd.Description, append(changed, "description")
		}
		if upd.Rules != nil {
			if s.Type != contactd.SegmentDynamic {
				return contactd.ValidationError([]contactd.FieldError{{Field: "rules", Code: "invalid", Message: "a static segment has no rules: its members are added by id"}})
			}
			if err := db.checkSegmentRules(ctx, tx, tx.actor.WorkspaceID, id, upd.Rules, tx.now); err != nil {
				return err
			}
			if jsonArg(upd.Rules) != jsonArg(s.Rules) {
				s.Rules, changed = upd.Rules, append(changed, "rules")
			}
		}
		if len(changed) == 0 {
			return nil
		}
		var rulesArg any
		if s.Rules != nil {
			rulesArg = jsonArg(s.Rules)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE segments SET name = $1, description = $2, rules = $3, updated_at = $4
			WHERE workspace_id = $5 AND id = $6`,
			s.Name, s.Description, rulesArg, timeArg(tx.now), tx.actor.WorkspaceID, id)
		if db.dialect.isUniqueViolation(err) {
			return segmentNameTaken(s.Name)
		}
		if err != nil {
			return fmt.Errorf("update segment: %w", err)
		}
		return tx.audit(ctx, contactd.ActionSegmentUpdated, 0, map[string]any{"segment_id": id, "fields": changed})
	})
	if err != nil {
		return nil, err
	}
	return db.FindSegmentByID(ctx, id)
}

// DeleteSegment removes a segment and its memberships; contacts stay as
// they are. Returns ENotFound, and EConflict while the rules of other
// segments refer to it (change those first). The segment is returned as it
// was, with its count just before.
func (db *DB) DeleteSegment(ctx context.Context, id int64) (*contactd.Segment, error) {
	var out *contactd.Segment
	err := db.inTx(ctx, func(tx *Tx) error {
		s, err := findSegment(ctx, tx, tx.actor.WorkspaceID, id, db.dialect.forUpdate())
		if err != nil {
			return err
		}
		users, err := segmentUsers(ctx, tx, tx.actor.WorkspaceID, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			names := make([]string, len(users))
			for i, u := range users {
				names[i] = fmt.Sprintf("%d (%s)", u.ID, u.Name)
			}
			return contactd.Errorf(contactd.EConflict, "segment %d is used by the rules of segment %s; change those rules first", id, strings.Join(names, ", "))
		}
		if s.ContactCount, err = db.countSegment(ctx, tx, s); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segment_members WHERE workspace_id = $1 AND segment_id = $2`, tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("delete segment members: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM segments WHERE workspace_id = $1 AND id = $2`, tx.actor.WorkspaceID, id); err != nil {
			return fmt.Errorf("delete segment: %w", err)
		}
		out = s
		return tx.audit(ctx, contactd.ActionSegmentDeleted, 0, map[string]any{"segment_id": id, "type": s.Type, "contact_count": s.ContactCount})
	})
	return out, err
}

// segmentUsers lists the dynamic segments whose rules name segment id.
func segmentUsers(ctx context.Context, q queryer, ws, id int64) ([]*contactd.Segment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+segmentColumns+` FROM segments WHERE workspace_id = $1 AND type = $2 AND id <> $3 ORDER BY id`,
		ws, contactd.SegmentDynamic, id)
	if err != nil {
		return nil, fmt.Errorf("find segment users: %w", err)
	}
	defer rows.Close()
	var out []*contactd.Segment
	for rows.Next() {
		s, err := scanSegment(rows)
		if err != nil {
			return nil, err
		}
		for _, ref := range rules.SegmentRefs(s.Rules) {
			if ref == id {
				out = append(out, s)
				break
			}
		}
	}
	return out, rows.Err()
}

// selection is a set of contacts as SQL: a FROM clause naming contacts c,
// the conditions, and the column that orders the set by contact id.
type selection struct {
	from, order string
	w           *where
	// pageFrom, when set, replaces from in SQLite's export pages (see
	// exportSelection).
	pageFrom string
}

// segmentSelection is the active members of s. A static segment is walked
// from its membership rows, in contact id order; a dynamic one is its rules.
// walk compiles the rules for a page in id order rather than for a count
// (see ruleTarget.walk).
func (db *DB) segmentSelection(ctx context.Context, q queryer, s *contactd.Segment, now time.Time, walk bool) (*selection, error) {
	return db.segmentPage(ctx, q, s, now, walk, 0, 0)
}

// segmentPage is segmentSelection for a page whose walk starts past the
// contact id after (0 for the first page) and ends at upTo (0 for none);
// the caller still says c.id > after and c.id <= upTo itself.
func (db *DB) segmentPage(ctx context.Context, q queryer, s *contactd.Segment, now time.Time, walk bool, after, upTo int64) (*selection, error) {
	w := &where{}
	if s.Type == contactd.SegmentStatic {
		// CROSS JOIN makes SQLite, which has no statistics, walk the
		// segment's rows and look each contact up, the right order at any
		// size; PostgreSQL reads it as a plain join and plans it freely.
		w.add("m.workspace_id = $%d", s.WorkspaceID)
		w.add("m.segment_id = $%d", s.ID)
		w.add("c.workspace_id = m.workspace_id AND c.id = m.contact_id AND c.status = $%d", contactd.StatusActive)
		return &selection{from: "segment_members m CROSS JOIN contacts c", order: "m.contact_id", w: w}, nil
	}
	w.add("c.workspace_id = $%d", s.WorkspaceID)
	w.add("c.status = $%d", contactd.StatusActive)
	t := &ruleTarget{db: db, ctx: ctx, q: q, ws: s.WorkspaceID, w: w, now: now, self: s.ID, walk: walk, after: after, upTo: upTo}
	cond, err := rules.Compile(s.Rules, t)
	if err != nil {
		return nil, err
	}
	w.conds = append(w.conds, cond)
	return &selection{from: "contacts c", order: "c.id", w: w}, nil
}

// ruleTarget compiles rules for this store's engine (rules.Target). It is
// the engine seam of rule SQL: JSON access and ASCII folding differ between
// SQLite and PostgreSQL; everything else is shared.
type ruleTarget struct {
	db  *DB
	ctx context.Context
	q   queryer // reads the segments that conditions name
	ws  int64
	w   *where
	now time.Time
	// self is the segment whose rules these are (0 for none): a condition
	// that leads back to it would never end.
	self  int64
	depth int
	// path names the rules in errors ("rules" when unset).
	path string
	// walk writes membership of tags and static segments as a test of each
	// contact (EXISTS), for a page that walks contacts in id order and
	// stops after a few matches. Otherwise it is a set the contacts are
	// looked up from (IN), which serves counts and full reads: SQLite then
	// drives the query from the tag's or segment's own rows.
	walk bool
	// after is where the contacts the query reads start: past the id after
	// (0 for the first), a walk's cursor or a part of a count. Membership
	// tests and sets say it too (contact_id > after): PostgreSQL turns a
	// test into a merge join with the tag's or segment's rows and would
	// read those from the first one on every page (a page deep into a
	// million-member segment then cost 70 ms instead of 2), and a set
	// would be read whole for each part of a count.
	after int64
	// upTo is the last id the query may reach (0 for none), said in
	// membership tests and sets too, so that a planner that reads a tag's
	// rows as a set reads only those up to it (see manyInWindow).
	upTo int64
}

// pastCursor bounds a membership subquery or set to the ids the query
// reads (see after and upTo).
func (t *ruleTarget) pastCursor() string { return t.idRange("contact_id") }

// idRange is the conditions that col lies past after and up to upTo.
func (t *ruleTarget) idRange(col string) string {
	out := ""
	if t.after > 0 {
		out += " AND " + col + " > " + t.Arg(t.after)
	}
	if t.upTo > 0 {
		out += " AND " + col + " <= " + t.Arg(t.upTo)
	}
	return out
}

func (t *ruleTarget) invalid(format string, args ...any) error {
	path := t.path
	if path == "" {
		path = "rules"
	}
	return invalidRule(path, format, args...)
}

func (t *ruleTarget) postgres() bool { return t.db.dialect.name() == Postgres }

func (t *ruleTarget) Arg(v any) string {
	t.w.args = append(t.w.args, v)
	return fmt.Sprintf("$%d", len(t.w.args))
}

func (t *ruleTarget) Time(at time.Time) string { return t.Arg(timeArg(at)) }

func (t *ruleTarget) Now() time.Time { return t.now }

// Column maps a rules field to its column; rules only passes known fields.
func (t *ruleTarget) Column(field string) string { return "c." + field }

// Fold lower-cases ASCII only on both engines: SQLite's lower() does no
// more, and PostgreSQL's does no more under the C collation, which also
// makes it compare in byte order as SQLite does.
func (t *ruleTarget) Fold(expr string) string {
	if t.postgres() {
		return "lower((" + expr + `) COLLATE "C")`
	}
	return "lower(" + expr + ")"
}

func (t *ruleTarget) CustomText(name string) string {
	if t.postgres() {
		return "(c.custom_fields ->> " + t.Arg(name) + "::text)"
	}
	p := t.Arg(`$."` + name + `"`)
	return fmt.Sprintf(`(CASE json_type(c.custom_fields, %[1]s) WHEN 'text' THEN json_extract(c.custom_fields, %[1]s) WHEN 'null' THEN NULL ELSE c.custom_fields -> %[1]s END)`, p)
}

func (t *ruleTarget) CustomNumber(name string) string {
	if t.postgres() {
		p := t.Arg(name)
		return fmt.Sprintf(`(CASE jsonb_typeof(c.custom_fields -> %[1]s::text)
			WHEN 'number' THEN (c.custom_fields ->> %[1]s::text)::numeric
			WHEN 'string' THEN CASE WHEN (c.custom_fields ->> %[1]s::text) ~ '^-?[0-9]+(\.[0-9]+)?$' THEN (c.custom_fields ->> %[1]s::text)::numeric END END)`, p)
	}
	p := t.Arg(`$."` + name + `"`)
	// The text case accepts what the PostgreSQL pattern does: an optional
	// minus, digits, and at most one dot followed by digits.
	v := fmt.Sprintf("json_extract(c.custom_fields, %s)", p)
	d := fmt.Sprintf("(CASE WHEN substr(%[1]s, 1, 1) = '-' THEN substr(%[1]s, 2) ELSE %[1]s END)", v)
	return fmt.Sprintf(`(CASE json_type(c.custom_fields, %[1]s)
		WHEN 'integer' THEN %[2]s WHEN 'real' THEN %[2]s
		WHEN 'text' THEN CASE WHEN %[3]s GLOB '[0-9]*' AND %[3]s NOT GLOB '*[^0-9.]*' AND %[3]s NOT GLOB '*.*.*' AND %[3]s NOT GLOB '*.'
			THEN CAST(%[2]s AS REAL) END END)`, p, v, d)
}

// HasTag reads contact_tags, as a set to look contacts up from or, for a
// walk and for "has not", as a test of each contact.
func (t *ruleTarget) HasTag(tags []string, want bool) string {
	ws := t.Arg(t.ws)
	tagCond := ""
	if len(tags) > 0 {
		marks := make([]string, len(tags))
		for i, tag := range tags {
			marks[i] = t.Arg(tag)
		}
		tagCond = " AND tag IN (" + strings.Join(marks, ", ") + ")"
	}
	switch {
	case want && !t.walk:
		return "c.id IN (SELECT contact_id FROM contact_tags WHERE workspace_id = " + ws + tagCond + t.pastCursor() + ")"
	case want:
		return "EXISTS (SELECT 1 FROM contact_tags WHERE workspace_id = " + ws + " AND contact_id = c.id" + tagCond + t.pastCursor() + ")"
	}
	return "NOT EXISTS (SELECT 1 FROM contact_tags WHERE workspace_id = " + ws + " AND contact_id = c.id" + tagCond + t.pastCursor() + ")"
}

// InSegment is membership of a static segment's rows, or a dynamic
// segment's own rules, compiled in place.
func (t *ruleTarget) InSegment(id int64, want bool) (string, error) {
	if id == t.self && t.self != 0 {
		return "", t.invalid("segments: segment %d refers back to itself", id)
	}
	s, err := findSegment(t.ctx, t.q, t.ws, id, "")
	if err != nil {
		if contactd.ErrorCode(err) == contactd.ENotFound {
			return "", t.invalid("segments: segment %d not found in this workspace", id)
		}
		return "", err
	}
	if s.Type == contactd.SegmentStatic {
		ws, seg := t.Arg(t.ws), t.Arg(id)
		switch {
		case want && !t.walk:
			return "c.id IN (SELECT contact_id FROM segment_members WHERE workspace_id = " + ws + " AND segment_id = " + seg + t.pastCursor() + ")", nil
		case want:
			return "EXISTS (SELECT 1 FROM segment_members WHERE workspace_id = " + ws + " AND segment_id = " + seg + " AND contact_id = c.id" + t.pastCursor() + ")", nil
		}
		return "NOT EXISTS (SELECT 1 FROM segment_members WHERE workspace_id = " + ws + " AND segment_id = " + seg + " AND contact_id = c.id" + t.pastCursor() + ")", nil
	}
	if t.depth >= maxSegmentNesting {
		return "", t.invalid("segments conditions nest more than %d segments deep", maxSegmentNesting)
	}
	t.depth++
	cond, err := rules.Compile(s.Rules, t)
	t.depth--
	if err != nil {
		return "", err
	}
	if want {
		return cond, nil
	}
	return "NOT COALESCE(" + cond + ", FALSE)", nil
}
