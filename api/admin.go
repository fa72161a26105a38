package api

import (
	"net/http"
	"strconv"

	"github.com/contactd/contactd"
)

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.store.FindAPIKeys(r.Context())
	if err != nil {
		return err
	}
	if keys == nil {
		keys = []*contactd.APIKey{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": keys})
	return nil
}

type apiKeyCreate struct {
	Name      string  `json:"name"`
	Role      string  `json:"role"`
	ExpiresAt *string `json:"expires_at"` // parsed here, so a bad time is a field error
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	var req apiKeyCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	role, ok := contactd.ParseRole(req.Role)
	if !ok {
		return contactd.ValidationError([]contactd.FieldError{{Field: "role", Code: "invalid", Message: "role must be read, write or admin"}})
	}
	expires, err := parseTimeField("expires_at", req.ExpiresAt)
	if err != nil {
		return err
	}
	actor, _ := contactd.ActorFrom(r.Context())
	k, err := s.store.CreateAPIKey(r.Context(), actor.WorkspaceID, req.Name, role, expires)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/api_keys/"+strconv.FormatInt(k.ID, 10))
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	k, err := s.store.RevokeAPIKey(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
	return nil
}

// workspaceView is a workspace with its calling rules.
type workspaceView struct {
	*contactd.Workspace
	*contactd.ComplianceSettings
}

func (s *Server) getWorkspace(w http.ResponseWriter, r *http.Request) error {
	actor, _ := contactd.ActorFrom(r.Context())
	ws, err := s.store.FindWorkspaceByID(r.Context(), actor.WorkspaceID)
	if err != nil {
		return err
	}
	settings, err := s.store.FindComplianceSettings(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, workspaceView{ws, settings})
	return nil
}

type callingWindowPatch struct {
	Start *string   `json:"start"`
	End   *string   `json:"end"`
	Days  *[]string `json:"days"`
}

type workspacePatch struct {
	Name           *string             `json:"name"`
	DefaultRegion  *string             `json:"default_region"`
	CallingWindow  *callingWindowPatch `json:"calling_window"`
	RequireConsent *bool               `json:"require_consent"`
}

func (s *Server) patchWorkspace(w http.ResponseWriter, r *http.Request) error {
	var req workspacePatch
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	cu := contactd.ComplianceSettingsUpdate{RequireConsent: req.RequireConsent}
	if cw := req.CallingWindow; cw != nil {
		cu.Start, cu.End, cu.Days = cw.Start, cw.End, cw.Days
	}
	ws, settings, err := s.store.UpdateWorkspaceSettings(r.Context(), contactd.WorkspaceUpdate{Name: req.Name, DefaultRegion: req.DefaultRegion}, cu)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, workspaceView{ws, settings})
	return nil
}

func (s *Server) listAuditEvents(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	contactID, err := queryID(r, "contact_id")
	if err != nil {
		return err
	}
	action, err := queryText(r, "action", 100)
	if err != nil {
		return err
	}
	events, info, err := s.store.FindAuditEvents(r.Context(), contactd.AuditFilter{ContactID: contactID, Action: action, Page: page})
	if err != nil {
		return err
	}
	if events == nil {
		events = []*contactd.AuditEvent{}
	}
	writeJSON(w, http.StatusOK, newList(events, page, info))
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check failed", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	s.metrics.ServeHTTP(w, r)
	return nil
}
