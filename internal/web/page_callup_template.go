package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// callUpFields returns the call-up's fields as a template holds them: the
// fields of muster.CallUpRequest, report_by left out, taken from the call-up's
// JSON, so that a field added to both carries over.
func callUpFields(c *muster.CallUp) (json.RawMessage, error) {
	var known, all map[string]json.RawMessage
	b, err := json.Marshal(muster.CallUpRequest{})
	if err == nil {
		err = json.Unmarshal(b, &known)
	}
	if err == nil {
		b, err = json.Marshal(c)
	}
	if err == nil {
		err = json.Unmarshal(b, &all)
	}
	if err != nil {
		return nil, err
	}
	fields := map[string]json.RawMessage{}
	for k := range known {
		if v, ok := all[k]; ok && k != "report_by" {
			fields[k] = v
		}
	}
	return json.Marshal(fields)
}

// pageCallUpSaveTemplate saves the call-up as a template named in the
// form, with its report-within time, and redirects back to the call-up;
// a bad name or time, or a name taken, is said there. An actor who may not
// save templates gets 403, as from every other form.
func (s *Server) pageCallUpSaveTemplate(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	id, err := callUpID(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	c, err := s.CallUps.FindCallUp(r.Context(), id)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	back := "/callups/" + strconv.FormatInt(id, 10)
	fields, err := callUpFields(c)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	t, err := s.template(name, r.PostFormValue("report_within"), fields)
	if err == nil {
		err = s.Templates.CreateCallUpTemplate(r.Context(), t)
	}
	switch muster.ErrorCode(err) {
	case "":
		s.redirectWithFlash(w, r, back, "Saved as template "+name+".")
	case muster.EINVALID, muster.ECONFLICT:
		s.redirectWithFlash(w, r, back, "The template was not saved. "+muster.ErrorMessage(err))
	default:
		s.pageError(w, r, err)
	}
}

// fillFromTemplate fills the new call-up form from the template: its
// fields, requirements and escalation included, and report-by now plus
// its report-within time.
func (s *Server) fillFromTemplate(r *http.Request, f *callUpForm, name string) error {
	t, err := s.Templates.FindCallUpTemplate(r.Context(), name)
	if err != nil {
		return err
	}
	in, err := s.callUpOf(t, nil)
	if err != nil {
		return err
	}
	c, err := in.CallUp()
	if err != nil {
		return err
	}
	f.Title, f.Kind, f.Unit, f.Message, f.AssemblyPoint, f.Drill = c.Title, string(c.Kind), c.Unit, c.Message, c.AssemblyPoint, c.Drill
	f.Available = c.Filter.Available
	f.ReportBy = c.ReportBy.In(s.Now().Location()).Format(reportByLayout)
	f.Status, f.Qualification, f.Channel = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, st := range c.Filter.Status {
		f.Status[string(st)] = true
	}
	if len(c.Filter.Status) == 0 {
		f.Status[string(muster.StatusActive)] = true
	}
	for _, q := range c.Filter.Qualifications {
		f.Qualification[q] = true
	}
	for _, ch := range c.Channels {
		f.Channel[string(ch)] = true
	}
	f.Esc.fill(c)
	return nil
}

// templateLinks returns the templates the actor sees as links to the new
// call-up form.
func (s *Server) templateLinks(r *http.Request) ([]templateLink, error) {
	list, err := s.Templates.FindCallUpTemplates(r.Context())
	if err != nil {
		return nil, err
	}
	links := make([]templateLink, len(list))
	for i, t := range list {
		links[i] = templateLink{Name: t.Name, Unit: t.Unit, Href: "/callups/new?" + url.Values{"template": {t.Name}}.Encode()}
	}
	return links, nil
}

// templateLink is a template offered on the new call-up form.
type templateLink struct{ Name, Unit, Href string }
