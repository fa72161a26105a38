package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/contactd/contactd"
)

// contactView is a contact as the API shows it. timezone falls back to the
// number's own zone when the number lies in exactly one.
func contactView(c *contactd.Contact) *contactd.Contact {
	v := *c
	if v.Timezone == "" && len(v.PhoneTimezones) == 1 && v.PhoneTimezones[0] != "Etc/Unknown" {
		v.Timezone = v.PhoneTimezones[0]
	}
	return &v
}

func writeContact(w http.ResponseWriter, status int, c *contactd.Contact) {
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, status, contactView(c))
}

// contactCreate is the body of POST /contacts.
type contactCreate struct {
	PhoneE164     string         `json:"phone_e164"`
	FirstName     string         `json:"first_name"`
	LastName      string         `json:"last_name"`
	Email         string         `json:"email"`
	Company       string         `json:"company"`
	City          string         `json:"city"`
	Country       string         `json:"country"`
	Timezone      string         `json:"timezone"`
	Tags          []string       `json:"tags"`
	CustomFields  map[string]any `json:"custom_fields"`
	AltPhones     []string       `json:"alt_phones"`
	AltEmails     []string       `json:"alt_emails"`
	DefaultRegion string         `json:"default_region"`
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request) error {
	var req contactCreate
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	region := req.DefaultRegion
	if q := r.URL.Query().Get("default_region"); q != "" {
		region = q
	}
	c, err := s.store.CreateContact(r.Context(), contactd.ContactInput{
		PhoneE164: req.PhoneE164, FirstName: req.FirstName, LastName: req.LastName, Email: req.Email,
		Company: req.Company, City: req.City, Country: req.Country, Timezone: req.Timezone,
		Tags: req.Tags, CustomFields: req.CustomFields, AltPhones: req.AltPhones, AltEmails: req.AltEmails,
		DefaultRegion: region,
	})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/contacts/"+strconv.FormatInt(c.ID, 10))
	writeContact(w, http.StatusCreated, c)
	return nil
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.FindContactByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

// maxRulesQuery bounds a rule tree sent in the query string; a URL that
// long is past what proxies pass on reliably.
const maxRulesQuery = 4096

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request) error {
	page, err := pageParams(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := contactd.ContactFilter{Status: q.Get("status"), Page: page}
	if f.Search, err = queryText(r, "search", 200); err != nil {
		return err
	}
	if f.Tag, err = queryText(r, "tag", 100); err != nil {
		return err
	}
	if f.CreatedAfter, err = queryTime(r, "created_after"); err != nil {
		return err
	}
	if f.CreatedBefore, err = queryTime(r, "created_before"); err != nil {
		return err
	}
	if f.DNC, err = queryBool(r, "dnc"); err != nil {
		return err
	}
	if f.SegmentID, err = queryID(r, "segment_id"); err != nil {
		return err
	}
	if raw := q.Get("rules"); raw != "" {
		if len(raw) > maxRulesQuery {
			return contactd.ValidationError([]contactd.FieldError{{Field: "rules", Code: "too_long", Message: fmt.Sprintf("at most %d bytes; save a long rule tree as a dynamic segment and filter by segment_id", maxRulesQuery)}})
		}
		if f.Rules, err = parseRules(json.RawMessage(raw), "rules"); err != nil {
			return err
		}
	}
	list, info, err := s.store.FindContacts(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]*contactd.Contact, len(list))
	for i, c := range list {
		views[i] = contactView(c)
	}
	writeJSON(w, http.StatusOK, newList(views, page, info))
	return nil
}

// contactPatch is the body of PATCH /contacts/{id}: only the fields sent
// change; null clears an optional field.
type contactPatch struct {
	PhoneE164     optional[string]   `json:"phone_e164"`
	FirstName     optional[string]   `json:"first_name"`
	LastName      optional[string]   `json:"last_name"`
	Email         optional[string]   `json:"email"`
	Company       optional[string]   `json:"company"`
	City          optional[string]   `json:"city"`
	Country       optional[string]   `json:"country"`
	Timezone      optional[string]   `json:"timezone"`
	Tags          optional[[]string] `json:"tags"`
	CustomFields  map[string]any     `json:"custom_fields"`
	AltPhones     optional[[]string] `json:"alt_phones"`
	AltEmails     optional[[]string] `json:"alt_emails"`
	DefaultRegion string             `json:"default_region"`
	Version       *int64             `json:"version"`
}

func (s *Server) patchContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	want, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req contactPatch
	if err := s.decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Version != nil {
		v := *req.Version
		if v <= 0 {
			return contactd.ValidationError([]contactd.FieldError{{Field: "version", Code: "invalid", Message: "must be a positive integer"}})
		}
		if want != 0 && want != v {
			return contactd.Errorf(contactd.EBadRequest, "If-Match says version %d but the body says %d; send one", want, v)
		}
		want = v
	}
	region := req.DefaultRegion
	if q := r.URL.Query().Get("default_region"); q != "" {
		region = q
	}
	c, err := s.store.UpdateContact(r.Context(), id, contactd.ContactUpdate{
		PhoneE164: req.PhoneE164.ptr(), FirstName: req.FirstName.ptr(), LastName: req.LastName.ptr(),
		Email: req.Email.ptr(), Company: req.Company.ptr(), City: req.City.ptr(), Country: req.Country.ptr(),
		Timezone: req.Timezone.ptr(), Tags: req.Tags.ptr(), CustomFields: req.CustomFields,
		AltPhones: req.AltPhones.ptr(), AltEmails: req.AltEmails.ptr(),
		DefaultRegion: region, IfVersion: want,
	})
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

func (s *Server) deleteContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	want, err := ifMatch(r)
	if err != nil {
		return err
	}
	c, err := s.store.DeleteContact(r.Context(), id, want)
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}

func (s *Server) restoreContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.RestoreContact(r.Context(), id)
	if err != nil {
		return err
	}
	writeContact(w, http.StatusOK, c)
	return nil
}
