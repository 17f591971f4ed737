package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// reportByLayout is the value of an <input type="datetime-local">.
const reportByLayout = "2006-01-02T15:04"

// callUpsView is the data of the call-up list.
type callUpsView struct {
	CallUps []*muster.CallUp
	CanCall bool // the actor may create call-ups
}

// pageCallUps lists the call-ups the actor may see, newest as the service
// orders them, each with how many members it targets.
func (s *Server) pageCallUps(w http.ResponseWriter, r *http.Request) {
	list, err := s.CallUps.FindCallUps(r.Context())
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	a := muster.ActorFrom(r.Context())
	s.render(w, r, http.StatusOK, "callups", &view{Title: "Call-ups", Nav: "callups",
		Data: callUpsView{CallUps: list, CanCall: a != nil && a.Role.Can(muster.PermCallUp)}})
}

// callUpForm is the form of a new call-up: the values as typed and an
// error per field (keyed as in muster.ErrorDetail: "filter.status" …).
type callUpForm struct {
	Title, Kind, Unit, Message, AssemblyPoint, ReportBy string
	Status, Qualification, Channel                      map[string]bool
	Drill                                               bool
	Zone                                                string // the zone report-by is read in
	Kinds                                               []muster.CallUpKind
	Statuses                                            []muster.MemberStatus
	Qualifications                                      []*muster.Qualification
	Channels                                            []muster.Channel
	Errors                                              map[string]string
	Error                                               string

	Available bool           // filter.available
	Templates []templateLink // to start from
	Esc       escalationForm // requirements and escalation (page_callup_escalation.go)
}

// newCallUpForm returns an empty form: kind exercise, active members, the
// actor's unit, report-by in two hours.
func (s *Server) newCallUpForm(r *http.Request) (*callUpForm, error) {
	quals, err := s.Qualifications.FindQualifications(r.Context())
	if err != nil {
		return nil, err
	}
	now := s.Now()
	f := &callUpForm{Kind: string(muster.CallUpExercise), Status: map[string]bool{string(muster.StatusActive): true},
		Qualification: map[string]bool{}, Channel: map[string]bool{}, Zone: now.Location().String(),
		ReportBy: now.Add(2 * time.Hour).Truncate(time.Minute).Format(reportByLayout),
		Kinds:    muster.CallUpKinds, Statuses: muster.MemberStatuses, Qualifications: quals,
		Channels: muster.Channels, Errors: map[string]string{}, Esc: newEscalationForm()}
	if a := muster.ActorFrom(r.Context()); a != nil {
		f.Unit = a.Unit
	}
	return f, nil
}

// readForm reads the posted fields into f.
func (f *callUpForm) readForm(r *http.Request) {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f.Title, f.Kind, f.Unit, f.Message = v("title"), v("kind"), v("unit"), v("message")
	f.AssemblyPoint, f.ReportBy, f.Drill = v("assembly_point"), v("report_by"), r.PostFormValue("drill") != ""
	f.Available = r.PostFormValue("available") != ""
	set := func(name string) map[string]bool {
		m := map[string]bool{}
		for _, x := range r.PostForm[name] {
			m[x] = true
		}
		return m
	}
	f.Status, f.Qualification, f.Channel = set("status"), set("qualification"), set("channel")
	f.Esc.read(r)
}

// callUp turns the form into a call-up, reading report-by in loc (or as
// RFC 3339), and notes a report-by that does not parse.
func (f *callUpForm) callUp(loc *time.Location) *muster.CallUp {
	c := &muster.CallUp{Title: f.Title, Kind: muster.CallUpKind(f.Kind), Unit: f.Unit, Message: f.Message,
		AssemblyPoint: f.AssemblyPoint, Drill: f.Drill}
	c.Filter.Available = f.Available
	for _, st := range muster.MemberStatuses {
		if f.Status[string(st)] {
			c.Filter.Status = append(c.Filter.Status, st)
		}
	}
	for _, q := range f.Qualifications {
		if f.Qualification[q.Code] {
			c.Filter.Qualifications = append(c.Filter.Qualifications, q.Code)
		}
	}
	for _, ch := range muster.Channels {
		if f.Channel[string(ch)] {
			c.Channels = append(c.Channels, ch)
		}
	}
	f.Esc.apply(c, f.Errors)
	if f.ReportBy != "" {
		t, err := time.ParseInLocation(reportByLayout, f.ReportBy, loc)
		if err != nil {
			t, err = time.Parse(time.RFC3339, f.ReportBy)
		}
		if err != nil {
			f.Errors["report_by"] = "must be a date and time, such as 2026-11-24T08:00"
		}
		c.ReportBy = t
	}
	return c
}

// addErrors puts err's details next to their fields, and the rest above
// the form.
func (f *callUpForm) addErrors(err error) {
	for _, d := range muster.ErrorDetails(err) {
		if d.Field != "" && f.Errors[d.Field] == "" {
			f.Errors[d.Field] = d.Message
		} else if d.Field == "" && f.Error == "" {
			f.Error = d.Message
		}
	}
	if len(f.Errors) == 0 && f.Error == "" {
		f.Error = muster.ErrorMessage(err)
	}
}

// mayCallUp returns EFORBIDDEN unless the actor may create call-ups.
func mayCallUp(r *http.Request) error {
	if a := muster.ActorFrom(r.Context()); a == nil || !a.Role.Can(muster.PermCallUp) {
		return muster.Errorf(muster.EFORBIDDEN, "Your role does not allow calling members up.")
	}
	return nil
}

// pageCallUpNew shows the form of a new call-up.
func (s *Server) pageCallUpNew(w http.ResponseWriter, r *http.Request) {
	if err := mayCallUp(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	f, err := s.newCallUpForm(r)
	if err == nil {
		f.Templates, err = s.templateLinks(r)
	}
	if name := r.URL.Query().Get("template"); err == nil && name != "" {
		err = s.fillFromTemplate(r, f, name)
	}
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderCallUpForm(w, r, http.StatusOK, f)
}

// pageCallUpCreate creates the call-up of the form and redirects to its
// board; invalid fields show the form again with each error next to its
// field.
func (s *Server) pageCallUpCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	if err := mayCallUp(r); err != nil {
		s.pageError(w, r, err)
		return
	}
	f, err := s.newCallUpForm(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	f.readForm(r)
	now := s.Now()
	c := f.callUp(now.Location())
	if err := c.Validate(now); err != nil {
		f.addErrors(err)
	}
	if len(f.Errors) > 0 || f.Error != "" {
		s.renderCallUpForm(w, r, http.StatusBadRequest, f)
		return
	}
	if err := s.CallUps.CreateCallUp(r.Context(), c); err != nil {
		switch muster.ErrorCode(err) {
		case muster.EINVALID, muster.EFORBIDDEN, muster.ENOTFOUND, muster.ECONFLICT:
			f.addErrors(err)
			if muster.ErrorCode(err) == muster.ENOTFOUND && len(f.Errors) == 0 {
				f.Errors["unit"], f.Error = muster.ErrorMessage(err), ""
			}
			s.renderCallUpForm(w, r, statusFor(err), f)
		default:
			s.pageError(w, r, err)
		}
		return
	}
	s.redirectWithFlash(w, r, "/callups/"+strconv.FormatInt(c.ID, 10),
		"Call-up created: "+strconv.Itoa(c.Targeted)+" members targeted.")
}

// renderCallUpForm renders the form of a new call-up.
func (s *Server) renderCallUpForm(w http.ResponseWriter, r *http.Request, status int, f *callUpForm) {
	s.render(w, r, status, "callup_new", &view{Title: "New call-up", Nav: "callups", Data: f})
}
