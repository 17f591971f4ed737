package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/muster-force/muster"
)

// memberForm is the edit form of a member: the values as typed, and an
// error per field (keyed by the field's name, as in muster.ErrorDetail).
type memberForm struct {
	ServiceNumber  string
	FamilyName     string
	GivenName      string
	BirthDate      string
	Unit           string
	Position       string
	Status         string
	Phone          string
	Email          string
	Employer       string
	Qualifications string // CODE or CODE:YYYY-MM-DD joined by "; ", as in the CSV
	Statuses       []muster.MemberStatus
	Errors         map[string]string
	Error          string // a problem not tied to one field
}

// formOf fills the form from a member.
func formOf(m *muster.Member) *memberForm {
	quals := make([]string, len(m.Qualifications))
	for i, q := range m.Qualifications {
		quals[i] = q.Code
		if !q.Expires.IsZero() {
			quals[i] += ":" + q.Expires.String()
		}
	}
	return &memberForm{ServiceNumber: m.ServiceNumber, FamilyName: m.FamilyName, GivenName: m.GivenName,
		BirthDate: m.BirthDate.String(), Unit: m.Unit, Position: m.Position, Status: string(m.Status),
		Phone: m.Phone, Email: m.Email, Employer: m.Employer, Qualifications: strings.Join(quals, "; "),
		Statuses: muster.MemberStatuses, Errors: map[string]string{}}
}

// readForm reads the posted fields into f, trimmed. A field missing from
// the form (not merely empty) keeps its value.
func (f *memberForm) readForm(r *http.Request) {
	for name, dst := range map[string]*string{"family_name": &f.FamilyName, "given_name": &f.GivenName,
		"birth_date": &f.BirthDate, "unit": &f.Unit, "position": &f.Position, "status": &f.Status,
		"phone": &f.Phone, "email": &f.Email, "employer": &f.Employer, "qualifications": &f.Qualifications} {
		if v, ok := r.PostForm[name]; ok && len(v) > 0 {
			*dst = strings.TrimSpace(v[0])
		}
	}
	f.Phone = strings.ReplaceAll(f.Phone, " ", "")
}

// update turns the form into a member update, noting the fields that do
// not parse.
func (f *memberForm) update() muster.MemberUpdate {
	upd := muster.MemberUpdate{FamilyName: &f.FamilyName, GivenName: &f.GivenName, Unit: &f.Unit,
		Position: &f.Position, Phone: &f.Phone, Email: &f.Email, Employer: &f.Employer}
	st := muster.MemberStatus(f.Status)
	upd.Status = &st
	if d, err := muster.ParseDate(f.BirthDate); err != nil {
		f.Errors["birth_date"] = muster.DateProblem(f.BirthDate)
	} else {
		upd.BirthDate = &d
	}
	qs, msg := parseQualifications(f.Qualifications)
	if msg != "" {
		f.Errors["qualifications"] = msg
	} else {
		upd.Qualifications = &qs
	}
	return upd
}

// addErrors puts err's details next to their fields, and the rest above
// the form.
func (f *memberForm) addErrors(err error) {
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

// parseQualifications reads "RIF:2027-06-30; MED" (also split by commas or
// line breaks), or returns a message saying what is wrong.
func parseQualifications(s string) ([]muster.MemberQualification, string) {
	out := []muster.MemberQualification{}
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
		code, date, hasDate := strings.Cut(strings.TrimSpace(item), ":")
		q := muster.MemberQualification{Code: strings.TrimSpace(code)}
		if q.Code == "" {
			continue
		}
		if hasDate {
			date = strings.TrimSpace(date)
			d, err := muster.ParseDate(date)
			if err != nil {
				return nil, q.Code + ": the expiry is " + muster.DateProblem(date)
			}
			q.Expires = d
		}
		out = append(out, q)
	}
	return out, ""
}

// pageMemberEdit shows the edit form of a member.
func (s *Server) pageMemberEdit(w http.ResponseWriter, r *http.Request) {
	if a := muster.ActorFrom(r.Context()); a == nil || !a.Role.Can(muster.PermWriteRoster) {
		s.pageError(w, r, muster.Errorf(muster.EFORBIDDEN, "Your role does not allow changing the roster."))
		return
	}
	m, err := s.Members.FindMember(r.Context(), r.PathValue("service_number"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderMemberForm(w, r, http.StatusOK, formOf(m))
}

// pageMemberSave saves the edit form. Invalid fields show the form again
// with each error next to its field and the values as typed; a saved
// member redirects to the member's page with a flash message.
func (s *Server) pageMemberSave(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	ctx := r.Context()
	before, err := s.Members.FindMember(ctx, r.PathValue("service_number"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	f := formOf(before)
	f.readForm(r)
	upd := f.update()
	after := *before
	upd.Apply(&after)
	if err := after.Validate(s.today()); err != nil {
		f.addErrors(err)
	}
	if len(f.Errors) > 0 {
		s.renderMemberForm(w, r, http.StatusBadRequest, f)
		return
	}
	if _, err := s.Members.UpdateMember(ctx, before.ServiceNumber, upd); err != nil {
		switch muster.ErrorCode(err) {
		case muster.EINVALID, muster.EFORBIDDEN, muster.ECONFLICT:
			f.addErrors(err)
			s.renderMemberForm(w, r, statusFor(err), f)
		default:
			s.pageError(w, r, err)
		}
		return
	}
	s.redirectWithFlash(w, r, "/members/"+url.PathEscape(before.ServiceNumber), "Saved.")
}

// renderMemberForm renders the edit form.
func (s *Server) renderMemberForm(w http.ResponseWriter, r *http.Request, status int, f *memberForm) {
	s.render(w, r, status, "member_edit", &view{Title: "Edit " + f.ServiceNumber, Nav: "members", Data: f})
}
