package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/muster-force/muster"
)

// receptionView is the data of an exercise's reception page.
type receptionView struct {
	Exercise  *muster.Exercise
	Reception *muster.Reception
	Meals     []*muster.MealDay
	CanPlan   bool // may set up sites, kit and meals
	CanDesk   bool // may record arrivals, lodging and kit
	Error     string
	Problems  []muster.ErrorDetail
}

// pageReception answers GET /exercises/{id}/reception: at a glance per
// unit who has arrived, where they sleep and what kit they still need,
// the meal counts per day, and the forms that set these up.
// ?participant=SN opens that participant's page.
func (s *Server) pageReception(w http.ResponseWriter, r *http.Request) {
	v, err := s.receptionView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	if sn := strings.TrimSpace(r.URL.Query().Get("participant")); sn != "" {
		http.Redirect(w, r, fmt.Sprintf("/exercises/%d/reception/%s", v.Exercise.ID, url.PathEscape(sn)), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "exercise_reception", &view{Title: "Reception · " + v.Exercise.Title, Nav: "exercises", Data: v})
}

func (s *Server) receptionView(r *http.Request) (*receptionView, error) {
	ctx := r.Context()
	id, err := exerciseID(r)
	if err != nil {
		return nil, err
	}
	e, err := s.Exercises.FindExercise(ctx, id)
	if err != nil {
		return nil, err
	}
	rec, err := s.Reception.Reception(ctx, id)
	if err != nil {
		return nil, err
	}
	meals, err := s.Reception.Meals(ctx, id)
	if err != nil {
		return nil, err
	}
	a := muster.ActorFrom(ctx)
	return &receptionView{Exercise: e, Reception: rec, Meals: meals, CanPlan: mayCallUp(r) == nil,
		CanDesk: a != nil && a.Role.Can(muster.PermCheckIn)}, nil
}

// pageReceptionSave answers POST /exercises/{id}/reception, the page's
// forms, told apart by their "do" field: site (name, capacity), lodging
// (site, unit or service_numbers), meals (date, breakfast, lunch, dinner,
// note) and kit (name, per_participant).
func (s *Server) pageReceptionSave(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	v, err := s.receptionView(r)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	ctx, id := r.Context(), v.Exercise.ID
	form := &query{values: r.PostForm}
	var msg string
	switch form.str("do") {
	case "site":
		site := muster.LodgingSite{Name: form.str("name"), Capacity: form.int("capacity", 0, 0, muster.MaxSupportQuantity)}
		if err = form.err(); err == nil {
			err = s.Reception.CreateLodgingSite(ctx, id, &site)
		}
		msg = fmt.Sprintf("Site %s added with %d beds.", site.Name, site.Capacity)
	case "lodging":
		in := muster.LodgingInput{Site: int64(form.int("site", 0, 0, 1<<31-1)), Unit: strings.ToUpper(form.str("unit")),
			ServiceNumbers: strings.Fields(strings.ReplaceAll(form.str("service_numbers"), ",", " "))}
		var n int
		if err = form.err(); err == nil {
			n, err = s.Reception.AssignLodging(ctx, id, in)
		}
		msg = fmt.Sprintf("%d participants moved.", n)
	case "meals":
		adj := muster.MealAdjustment{Note: form.str("note"), Meals: muster.Meals{Breakfast: form.int("breakfast", 0, 0, muster.MaxSupportQuantity),
			Lunch: form.int("lunch", 0, 0, muster.MaxSupportQuantity), Dinner: form.int("dinner", 0, 0, muster.MaxSupportQuantity)}}
		adj.Date, err = muster.ParseDate(form.str("date"))
		if err != nil {
			form.bad("date", "must be a day of the exercise, YYYY-MM-DD")
		}
		if err = form.err(); err == nil {
			err = s.Reception.AdjustMeals(ctx, id, adj)
		}
		msg = fmt.Sprintf("Extra portions of %s saved.", adj.Date)
	case "kit":
		k := muster.KitItem{Name: form.str("name"), PerParticipant: form.int("per_participant", 1, 0, 100)}
		if err = form.err(); err == nil {
			err = s.Reception.CreateKitItem(ctx, id, &k)
		}
		msg = fmt.Sprintf("Kit item %s added, %d per participant.", k.Name, k.PerParticipant)
	default:
		err = muster.FieldError("do", "must be site, lodging, meals or kit")
	}
	if err != nil {
		s.receptionFailed(w, r, v, err)
		return
	}
	s.redirectWithFlash(w, r, fmt.Sprintf("/exercises/%d/reception", id), msg)
}

// receptionFailed shows the reception page with the problem of a change,
// or the error page for a fault of muster's own or a refusal.
func (s *Server) receptionFailed(w http.ResponseWriter, r *http.Request, v *receptionView, err error) {
	switch muster.ErrorCode(err) {
	case muster.EINVALID, muster.EUNPROCESSABLE, muster.ECONFLICT, muster.ENOTFOUND:
	default:
		s.pageError(w, r, err)
		return
	}
	v.Error, v.Problems = muster.ErrorMessage(err), muster.ErrorDetails(err)
	s.render(w, r, statusFor(err), "exercise_reception", &view{Title: "Reception · " + v.Exercise.Title, Nav: "exercises", Data: v})
}
