package web

import (
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
)

// siteList is the body of GET /api/v1/exercises/{id}/sites.
type siteList struct {
	Sites []*muster.LodgingSite `json:"sites"`
}

// lodgingResult is the answer of an assignment: how many moved, and the
// sites after.
type lodgingResult struct {
	Assigned int                   `json:"assigned"`
	Sites    []*muster.LodgingSite `json:"sites"`
}

// mealList is the body of GET /api/v1/exercises/{id}/meals.
type mealList struct {
	Days []*muster.MealDay `json:"days"`
}

// kitList is the body of GET /api/v1/exercises/{id}/kit.
type kitList struct {
	Items []*muster.KitItem `json:"items"`
}

// kitReturned is the answer of a return of kit.
type kitReturned struct {
	Returned int `json:"returned"`
}

// apiListSites answers GET /api/v1/exercises/{id}/sites.
func (s *Server) apiListSites(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sites, err := s.Reception.LodgingSites(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, siteList{sites})
}

// apiCreateSite answers POST /api/v1/exercises/{id}/sites {"name","capacity"}
// with 201 and the site.
func (s *Server) apiCreateSite(w http.ResponseWriter, r *http.Request) {
	var site muster.LodgingSite
	id, err := s.exerciseInput(w, r, &struct {
		Name     *string `json:"name"`
		Capacity *int    `json:"capacity"`
	}{&site.Name, &site.Capacity})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Reception.CreateLodgingSite(r.Context(), id, &site); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/exercises/"+strconv.FormatInt(id, 10)+"/sites", site)
}

// apiAssignLodging answers POST /api/v1/exercises/{id}/lodging
// {"site","service_numbers"|"unit"}: all or none.
func (s *Server) apiAssignLodging(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Site           *int64   `json:"site"` // required: 0 frees the beds
		ServiceNumbers []string `json:"service_numbers"`
		Unit           string   `json:"unit"`
	}
	id, err := s.exerciseInput(w, r, &in)
	if err == nil && in.Site == nil {
		err = muster.FieldError("site", "required, a site's id or 0 for none")
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := s.Reception.AssignLodging(r.Context(), id, muster.LodgingInput{Site: *in.Site, ServiceNumbers: in.ServiceNumbers, Unit: in.Unit})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	sites, err := s.Reception.LodgingSites(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, lodgingResult{n, sites})
}

// apiMeals answers GET /api/v1/exercises/{id}/meals?format=json|csv: the
// meal counts per day; as CSV for the caterer, an attachment with the
// columns date,expected,breakfast,lunch,dinner,note.
func (s *Server) apiMeals(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseID(r)
	q := newQuery(r, "format")
	format := q.str("format")
	if format != "" && format != "json" && format != "csv" {
		q.bad("format", "must be json or csv")
	}
	if err == nil {
		err = q.err()
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	days, err := s.Reception.Meals(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if format != "csv" {
		writeJSON(w, http.StatusOK, mealList{days})
		return
	}
	rows := make([][]string, 0, len(days))
	for _, d := range days {
		rows = append(rows, []string{d.Date.String(), strconv.Itoa(d.Expected), strconv.Itoa(d.Breakfast), strconv.Itoa(d.Lunch),
			strconv.Itoa(d.Dinner), d.Note})
	}
	s.writeReportCSV(w, r, "meals-exercise-"+strconv.FormatInt(id, 10), []string{"date", "expected", "breakfast", "lunch", "dinner", "note"}, rows)
}

// apiAdjustMeals answers PUT /api/v1/exercises/{id}/meals/{date}
// {"breakfast","lunch","dinner","note"}: the day's extra portions, and the
// meal counts after.
func (s *Server) apiAdjustMeals(w http.ResponseWriter, r *http.Request) {
	var adj muster.MealAdjustment
	id, err := s.exerciseInput(w, r, &struct {
		Breakfast *int    `json:"breakfast"`
		Lunch     *int    `json:"lunch"`
		Dinner    *int    `json:"dinner"`
		Note      *string `json:"note"`
	}{&adj.Breakfast, &adj.Lunch, &adj.Dinner, &adj.Note})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if adj.Date, err = muster.ParseDate(r.PathValue("date")); err != nil {
		s.apiError(w, r, muster.FieldError("date", "must be a day of the exercise, YYYY-MM-DD"))
		return
	}
	if err := s.Reception.AdjustMeals(r.Context(), id, adj); err != nil {
		s.apiError(w, r, err)
		return
	}
	days, err := s.Reception.Meals(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mealList{days})
}

// apiListKit answers GET /api/v1/exercises/{id}/kit: the items with what
// was handed out, returned and is still to hand out.
func (s *Server) apiListKit(w http.ResponseWriter, r *http.Request) {
	id, err := exerciseQuery(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	rec, err := s.Reception.Reception(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, kitList{rec.Kit})
}

// apiCreateKitItem answers POST /api/v1/exercises/{id}/kit
// {"name","per_participant","item_type","armory"} with 201 and the item.
func (s *Server) apiCreateKitItem(w http.ResponseWriter, r *http.Request) {
	var k muster.KitItem
	id, err := s.exerciseInput(w, r, &struct {
		Name           *string `json:"name"`
		PerParticipant *int    `json:"per_participant"`
		ItemType       *string `json:"item_type"`
		Armory         *string `json:"armory"`
	}{&k.Name, &k.PerParticipant, &k.ItemType, &k.Armory})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Reception.CreateKitItem(r.Context(), id, &k); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/exercises/"+strconv.FormatInt(id, 10)+"/kit", k)
}

// apiHandOutKit answers POST /api/v1/exercises/{id}/kit/issues
// {"service_number","item","quantity","serial","lot"}: the participant's
// reception after.
func (s *Server) apiHandOutKit(w http.ResponseWriter, r *http.Request) {
	var in muster.KitInput
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Reception.HandOutKit(r.Context(), id, in); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.writeParticipantReception(w, r, id, in.ServiceNumber)
}

// apiReturnKit answers POST /api/v1/exercises/{id}/kit/returns
// {"service_number","item"}: how many items came back ("item" empty: all
// the participant holds).
func (s *Server) apiReturnKit(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ServiceNumber string `json:"service_number"`
		Item          string `json:"item"`
	}
	id, err := s.exerciseInput(w, r, &in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := s.Reception.ReturnKit(r.Context(), id, muster.KitInput{ServiceNumber: in.ServiceNumber, Item: in.Item})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, kitReturned{n})
}
