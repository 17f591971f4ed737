package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/muster-force/muster"
)

// participantView is the data of a participant's reception page.
type participantView struct {
	Exercise *muster.Exercise
	P        *muster.ParticipantReception
	Sites    []*muster.LodgingSite
	CanDesk  bool
	// CanArmory may hand out and take back armory kit (armory.write).
	CanArmory bool
	Error     string
}

// pageParticipantReception answers GET
// /exercises/{id}/reception/{service_number}: the participant's arrival,
// bed, kit (due, handed out, returned) and notes, with the desk's forms.
func (s *Server) pageParticipantReception(w http.ResponseWriter, r *http.Request) {
	v, err := s.participantView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.renderParticipant(w, r, http.StatusOK, v)
}

func (s *Server) renderParticipant(w http.ResponseWriter, r *http.Request, status int, v *participantView) {
	s.render(w, r, status, "exercise_participant", &view{Title: v.P.Participant.Name + " · " + v.Exercise.Title, Nav: "exercises", Data: v})
}

func (s *Server) participantView(r *http.Request) (*participantView, error) {
	ctx := r.Context()
	id, err := exerciseID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.Exercises.FindExercise(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := s.Reception.ParticipantReception(ctx, id, r.PathValue("service_number"))
	if muster.ErrorCode(err) == muster.EUNPROCESSABLE {
		return nil, muster.Errorf(muster.ENOTFOUND, "%s", muster.ErrorMessage(err))
	} else if err != nil {
		return nil, err
	}
	sites, err := s.Reception.LodgingSites(ctx, id)
	if err != nil {
		return nil, err
	}
	a := muster.ActorFrom(ctx)
	return &participantView{Exercise: e, P: p, Sites: sites, CanDesk: a != nil && a.Role.Can(muster.PermCheckIn),
		CanArmory: a != nil && a.Role.Can(muster.PermArmory)}, nil
}

// pageParticipantReceptionSave answers POST
// /exercises/{id}/reception/{service_number}, the page's forms told apart
// by "do": issue (item, quantity; serial or lot for armory kit), return (item, "" for all), note (text)
// and lodging (site, 0 for none).
func (s *Server) pageParticipantReceptionSave(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.participantView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	ctx, id, sn := r.Context(), v.Exercise.ID, v.P.Participant.ServiceNumber
	form := &query{values: r.PostForm}
	var msg string
	switch form.str("do") {
	case "issue":
		in := muster.KitInput{ServiceNumber: sn, Item: form.str("item"), Quantity: form.int("quantity", 0, 0, 100),
			Serial: form.str("serial"), Lot: form.str("lot")}
		if err = form.err(); err == nil {
			err = s.Reception.HandOutKit(ctx, id, in)
		}
		msg = "Handed out: " + in.Item + "."
	case "return":
		var n int
		n, err = s.Reception.ReturnKit(ctx, id, muster.KitInput{ServiceNumber: sn, Item: form.str("item")})
		msg = fmt.Sprintf("%d kit items returned.", n)
	case "note":
		err = s.Reception.AddNote(ctx, id, sn, &muster.ParticipantNote{Text: form.str("text")})
		msg = "Note added."
	case "lodging":
		site := int64(form.int("site", 0, 0, 1<<31-1))
		if err = form.err(); err == nil {
			_, err = s.Reception.AssignLodging(ctx, id, muster.LodgingInput{Site: site, ServiceNumbers: []string{sn}})
		}
		msg = "Lodging saved."
	default:
		err = muster.FieldError("do", "must be issue, return, note or lodging")
	}
	if err != nil {
		switch muster.ErrorCode(err) {
		case muster.EINVALID, muster.EUNPROCESSABLE, muster.ECONFLICT, muster.ENOTFOUND:
			v.Error = muster.ErrorMessage(err)
			s.renderParticipant(w, r, statusFor(err), v)
		default:
			s.pageError(w, r, err)
		}
		return
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d/reception/%s", id, url.PathEscape(sn)), msg)
}
