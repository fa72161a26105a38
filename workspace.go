package contactd

import (
	"context"
	"time"
)

// Workspace is a tenant. Nothing crosses a workspace boundary: every row of
// every table carries its workspace_id and every query filters by it.
type Workspace struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	DefaultRegion string    `json:"default_region"`
	CreatedAt     time.Time `json:"created_at"`
}

// Role is what an API key may do.
type Role string

const (
	RoleRead  Role = "read"  // GET only
	RoleWrite Role = "write" // everything but admin actions
	RoleAdmin Role = "admin" // also hard delete, key management, settings
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, bool) {
	switch Role(s) {
	case RoleRead, RoleWrite, RoleAdmin:
		return Role(s), true
	}
	return "", false
}

// Allows reports whether a key with role r may act as need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() }

func (r Role) rank() int {
	switch r {
	case RoleRead:
		return 1
	case RoleWrite:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// APIKey is a stored key. The secret itself is never stored, only its hash;
// Secret is set once, in the answer that creates the key.
type APIKey struct {
	ID          int64      `json:"id"`
	WorkspaceID int64      `json:"workspace_id"`
	Name        string     `json:"name"`
	Role        Role       `json:"role"`
	Prefix      string     `json:"prefix"` // first characters, to tell keys apart in a list
	CreatedAt   time.Time  `json:"created_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	RevokedAt   *time.Time `json:"revoked_at"`
	Secret      string     `json:"key,omitempty"`
}

// Actor is who makes a request: a key in a workspace. It travels in the
// context so the store can scope every query and attribute every change.
type Actor struct {
	WorkspaceID int64
	KeyID       int64 // 0 for the command line
	Role        Role
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx; ok is false when there is none.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok && a.WorkspaceID > 0
}

// WorkspaceService manages tenants and their keys.
type WorkspaceService interface {
	// CreateWorkspace adds a tenant. Returns EConflict if the name is taken.
	CreateWorkspace(ctx context.Context, name, defaultRegion string) (*Workspace, error)
	FindWorkspaceByName(ctx context.Context, name string) (*Workspace, error)
	// CreateAPIKey makes a key for ws; the returned key's Secret is the only
	// copy of the secret that will ever exist.
	CreateAPIKey(ctx context.Context, ws int64, name string, role Role, expiresAt *time.Time) (*APIKey, error)
	// Authenticate finds the live key for secret. Returns EUnauthorized for
	// unknown, revoked and expired keys alike.
	Authenticate(ctx context.Context, secret string) (*APIKey, error)
	FindAPIKeys(ctx context.Context) ([]*APIKey, error)
	// RevokeAPIKey stops a key of the actor's workspace from working.
	// Returns ENotFound for unknown ids and EConflict for the caller's own key.
	RevokeAPIKey(ctx context.Context, id int64) (*APIKey, error)
}

// WorkspaceUpdate changes the settings that are non-nil.
type WorkspaceUpdate struct {
	Name          *string
	DefaultRegion *string
}
