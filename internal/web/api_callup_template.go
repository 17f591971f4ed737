package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// templateInput is the body of POST /api/v1/callup-templates; PUT takes
// it without the name, which is in the path.
type templateInput struct {
	Name         string          `json:"name"`
	ReportWithin string          `json:"report_within"` // a Go duration, such as "6h" or "90m"
	CallUp       json.RawMessage `json:"callup"`
}

// templateReplaceInput is the body of PUT /api/v1/callup-templates/{name}.
type templateReplaceInput struct {
	ReportWithin string          `json:"report_within"`
	CallUp       json.RawMessage `json:"callup"`
}

// templateList is the body of GET /api/v1/callup-templates.
type templateList struct {
	Templates []*muster.CallUpTemplate `json:"templates"`
}

// template checks the input as a call-up created now and returns the
// template: its call-up fields must make a valid call-up (report_by
// aside), so that a template never fails only when it is used.
func (s *Server) template(name, within string, fields json.RawMessage) (*muster.CallUpTemplate, error) {
	d, err := time.ParseDuration(strings.TrimSpace(within))
	if err != nil || d < muster.MinReportWithin || d > muster.MaxReportWithin {
		return nil, muster.FieldError("report_within", "required, a duration from 1m to 720h, such as 6h or 90m")
	}
	var probe map[string]json.RawMessage
	if len(fields) == 0 || json.Unmarshal(fields, &probe) != nil || probe == nil {
		return nil, muster.FieldError("callup", "required, a JSON object of call-up fields (the body of POST /api/v1/callups without report_by)")
	}
	if _, ok := probe["report_by"]; ok {
		return nil, muster.FieldError("callup.report_by", "a template has no report-by time; report_within sets it when a call-up is created")
	}
	var in muster.CallUpRequest
	if err := jsonbody.Decode(fields, &in); err != nil {
		return nil, prefixFields(err, "callup.")
	}
	c, err := in.CallUp()
	if err != nil {
		return nil, prefixFields(err, "callup.")
	}
	now := s.Now()
	c.ReportBy = now.Add(d)
	if err := c.Validate(now); err != nil {
		return nil, prefixFields(err, "callup.")
	}
	compact, err := json.Marshal(probe) // one line, keys sorted
	if err != nil {
		return nil, err
	}
	return &muster.CallUpTemplate{Name: name, Unit: in.Unit, ReportWithin: d, CallUp: compact}, nil
}

// prefixFields returns err with each detail's field, and the message,
// named under prefix ("callup.title").
func prefixFields(err error, prefix string) error {
	var e *muster.Error
	if !errors.As(err, &e) {
		return err
	}
	out := &muster.Error{Code: e.Code, Message: e.Message}
	for _, d := range e.Details {
		if d.Field != "" {
			d.Field = prefix + d.Field
		}
		out.Details = append(out.Details, d)
	}
	if len(out.Details) > 0 && out.Details[0].Field != "" {
		out.Message = "invalid call-up fields: " + out.Details[0].String()
	}
	return out
}

// apiListTemplates answers GET /api/v1/callup-templates.
func (s *Server) apiListTemplates(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Templates.FindCallUpTemplates(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, templateList{list})
}

// apiCreateTemplate answers POST /api/v1/callup-templates with 201.
func (s *Server) apiCreateTemplate(w http.ResponseWriter, r *http.Request) {
	var in templateInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	t, err := s.template(in.Name, in.ReportWithin, in.CallUp)
	if err == nil {
		err = s.Templates.CreateCallUpTemplate(r.Context(), t)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/callup-templates/"+t.Name, t)
}

// apiGetTemplate answers GET /api/v1/callup-templates/{name}.
func (s *Server) apiGetTemplate(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	t, err := s.Templates.FindCallUpTemplate(r.Context(), r.PathValue("name"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// apiReplaceTemplate answers PUT /api/v1/callup-templates/{name}: the
// template's report-within time and call-up fields are replaced.
func (s *Server) apiReplaceTemplate(w http.ResponseWriter, r *http.Request) {
	var in templateReplaceInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	t, err := s.template(r.PathValue("name"), in.ReportWithin, in.CallUp)
	if err == nil {
		err = s.Templates.ReplaceCallUpTemplate(r.Context(), t)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// apiDeleteTemplate answers DELETE /api/v1/callup-templates/{name} with 204.
func (s *Server) apiDeleteTemplate(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Templates.DeleteCallUpTemplate(r.Context(), r.PathValue("name")); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiCallUpFromTemplate answers POST /api/v1/callup-templates/{name}/callups
// like POST /api/v1/callups: the template's fields, overridden by those of
// the body (optional; any call-up field), with report_by now plus the
// template's report_within unless the body gives one.
func (s *Server) apiCallUpFromTemplate(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	overrides := map[string]json.RawMessage{}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &overrides); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	t, err := s.Templates.FindCallUpTemplate(r.Context(), r.PathValue("name"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	in, err := s.callUpOf(t, overrides)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.createCallUp(w, r, in)
}

// callUpOf merges the template's call-up fields with the overrides into
// the input of a new call-up (see CallUpTemplate.Request).
func (s *Server) callUpOf(t *muster.CallUpTemplate, overrides map[string]json.RawMessage) (*muster.CallUpRequest, error) {
	body, err := t.Request(overrides, s.Now())
	if err != nil {
		return nil, err
	}
	var in muster.CallUpRequest
	if err := jsonbody.Decode(body, &in); err != nil {
		return nil, err
	}
	return &in, nil
}
