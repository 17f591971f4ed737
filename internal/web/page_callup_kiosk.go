package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// kioskView is the data of the check-in kiosk.
type kioskView struct {
	CallUp *muster.CallUp
	Error  string
	Input  string // as typed, after an error
}

// responseLink finds the token of a scanned response link or QR text:
// ".../r/TOKEN", with or without scheme and host.
var responseLink = regexp.MustCompile(`(?i)(?:^|/)r/([a-z0-9]{1,64})/?(?:[?#].*)?$`)

// pageCallUpKiosk shows the check-in kiosk of a call-up: one big field for
// a service number or a scanned response link.
func (s *Server) pageCallUpKiosk(w http.ResponseWriter, r *http.Request) {
	c, err := s.kioskCallUp(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "callup_kiosk", &view{Title: "Check-in · " + c.Title, Nav: "callups",
		Data: kioskView{CallUp: c}})
}

// pageCallUpCheckIn checks in the member of the kiosk's field and shows
// the kiosk again (post/redirect/get) with who was checked in, or the
// kiosk with the problem.
func (s *Server) pageCallUpCheckIn(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	ctx := r.Context()
	c, err := s.kioskCallUp(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	input := strings.TrimSpace(r.PostFormValue("code"))
	v := kioskView{CallUp: c, Input: input}
	sn, name, err := s.kioskMember(r, c, input)
	if err == nil {
		err = s.CallUps.CheckIn(ctx, c.ID, sn)
	}
	if err != nil {
		switch muster.ErrorCode(err) {
		case muster.EINVALID, muster.ENOTFOUND, muster.ECONFLICT, muster.EUNAUTHORIZED, muster.EFORBIDDEN:
			v.Error = muster.ErrorMessage(err)
			status := statusFor(err)
			if status == http.StatusUnauthorized {
				status = http.StatusNotFound // a bad scanned link, not a bad session
			}
			s.render(w, r, status, "callup_kiosk", &view{Title: "Check-in · " + c.Title, Nav: "callups", Data: v})
		default:
			s.pageError(w, r, err)
		}
		return
	}
	if name == "" {
		if m, err := s.Members.FindMember(ctx, sn); err == nil {
			name = m.FamilyName + " " + m.GivenName
		}
	}
	msg := "Checked in: " + sn
	if name != "" {
		msg += " — " + name
	}
	s.redirectWithFlash(w, r, "/callups/"+strconv.FormatInt(c.ID, 10)+"/kiosk", msg)
}

// kioskCallUp returns the call-up of the path, when the actor may check
// members in.
func (s *Server) kioskCallUp(r *http.Request) (*muster.CallUp, error) {
	if a := muster.ActorFrom(r.Context()); a == nil || !a.Role.Can(muster.PermCheckIn) {
		return nil, muster.Errorf(muster.EFORBIDDEN, "Your role does not allow checking members in.")
	}
	id, err := callUpID(r)
	if err != nil {
		return nil, err
	}
	return s.CallUps.FindCallUp(r.Context(), id)
}

// kioskMember returns the service number of the input: a service number
// as it is, or the member of a scanned response link, which must be for
// this call-up.
func (s *Server) kioskMember(r *http.Request, c *muster.CallUp, input string) (sn, name string, err error) {
	sn, name, callUp, err := s.scannedMember(r, input)
	if err == nil && callUp != 0 && callUp != c.ID {
		return "", "", muster.Errorf(muster.ECONFLICT, "This notice is for another call-up.")
	}
	return sn, name, err
}

// scannedMember returns the service number of what was typed or scanned at
// a desk: a service number as it is (callUp 0), or the member and call-up
// of a scanned response link.
func (s *Server) scannedMember(r *http.Request, input string) (sn, name string, callUp int64, err error) {
	if input == "" {
		return "", "", 0, muster.Errorf(muster.EINVALID, "Type a service number or scan a notice.")
	}
	m := responseLink.FindStringSubmatch(input)
	if m == nil {
		if len(input) > 64 || strings.ContainsAny(input, "/ ") {
			return "", "", 0, muster.Errorf(muster.EINVALID, "That is neither a service number nor a response link.")
		}
		return input, "", 0, nil
	}
	// Tokens are lowercase; a kiosk keyboard may have capitalised one.
	p, err := s.CallUps.AnswerPage(r.Context(), strings.ToLower(m[1]))
	if err != nil {
		if code := muster.ErrorCode(err); code == muster.EUNAUTHORIZED || code == muster.ENOTFOUND {
			return "", "", 0, muster.Errorf(muster.ENOTFOUND, "This response link is not valid.")
		}
		return "", "", 0, err
	}
	if p.CallUp == nil {
		return "", "", 0, muster.Errorf(muster.ENOTFOUND, "This response link is not valid.")
	}
	return p.ServiceNumber, p.Name, p.CallUp.ID, nil
}
