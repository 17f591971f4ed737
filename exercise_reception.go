package muster

import (
	"context"
	"time"
)

// Arrival is a participant's arrival at an exercise's reception and, once
// they leave, their departure. Already is set when the request changed
// nothing (a second scan), and Message says what happened in words, e.g.
// "G1 already arrived at 2027-01-08 07:42 UTC".
type Arrival struct {
	ServiceNumber string    `json:"service_number"`
	Name          string    `json:"name"`
	Unit          string    `json:"unit"`
	ArrivedAt     time.Time `json:"arrived_at"`
	ArrivedBy     string    `json:"arrived_by"`
	DepartedAt    time.Time `json:"departed_at,omitzero"`
	DepartedBy    string    `json:"departed_by,omitempty"`
	// CallUp is the summoning call-up the arrival checked the member in
	// on (0: the participant was added by hand).
	CallUp  int64  `json:"callup,omitempty"`
	Already bool   `json:"already"`
	Message string `json:"message"`
}

// ArrivalInput names the participant arriving or departing. CallUp, when
// not 0, is the call-up of the notice scanned at the desk: the participant
// must have been summoned by it.
type ArrivalInput struct {
	ServiceNumber string `json:"service_number"`
	CallUp        int64  `json:"-"`
}

// Reception is what a commander sees at a glance of an exercise's
// reception: per unit of the participants, and in total, who has arrived
// and where they sleep; the lodging sites with their occupancy; the kit
// still to hand out.
type Reception struct {
	Exercise int64            `json:"exercise"`
	Units    []*UnitReception `json:"units"`
	Total    UnitReception    `json:"total"`
	Sites    []*LodgingSite   `json:"sites"`
	Kit      []*KitItem       `json:"kit"`
}

// UnitReception counts the participants of one unit: Expected are those
// neither arrived nor departed; Lodged maps a site's name to how many of the
// unit sleep there; KitToHandOut maps a kit item's name to the quantity
// still to hand out to the unit's participants (present or not).
type UnitReception struct {
	Unit         string         `json:"unit"`
	Participants int            `json:"participants"`
	Arrived      int            `json:"arrived"` // arrived and not departed
	NotArrived   int            `json:"not_arrived"`
	Departed     int            `json:"departed"`
	Lodged       map[string]int `json:"lodged"`
	Unlodged     int            `json:"unlodged"` // arrived, without a site
	KitToHandOut map[string]int `json:"kit_to_hand_out"`
}

// ParticipantReception is one participant's reception: arrival, site,
// kit and notes.
type ParticipantReception struct {
	Participant *Participant       `json:"participant"`
	Arrival     *Arrival           `json:"arrival"` // nil before arrival
	Site        *LodgingSite       `json:"site"`    // nil without one
	Kit         []*KitHolding      `json:"kit"`
	Notes       []*ParticipantNote `json:"notes"`
}

// ReceptionService receives an exercise's participants and supports them:
// the arrival desk, lodging, meals, kit and notes. Every method checks the
// actor in ctx against the exercise's unit subtree. Reading needs
// PermReadRoster. What is done at the desk for one participant (arrival,
// departure, lodging assignment, kit handed out or returned, notes) needs
// PermCheckIn, as a check-in does; setting the exercise up (lodging sites,
// kit items, meal adjustments) needs PermCallUp, as planning does. Every
// write is audited and happens in one transaction, all or nothing.
//
// Errors: EINVALID for bad fields (named in the details); ENOTFOUND for an
// unknown exercise, site or kit item; EFORBIDDEN outside the actor's
// subtree or role; EUNPROCESSABLE for a member who does not take part, with
// a detail per member in bulk; ECONFLICT for lodging over a site's
// capacity, a departure before arrival, more kit than an item's quantity
// per participant, or a notice of another call-up.
type ReceptionService interface {
	// Arrive records the participant's arrival (the first stands; a second
	// reports Already) and checks the member in on the call-up that
	// summoned them. Arriving after a departure records a return.
	Arrive(ctx context.Context, id int64, in ArrivalInput) (*Arrival, error)
	// Depart records the participant's departure and frees their bed.
	Depart(ctx context.Context, id int64, in ArrivalInput) (*Arrival, error)

	CreateLodgingSite(ctx context.Context, id int64, s *LodgingSite) error
	LodgingSites(ctx context.Context, id int64) ([]*LodgingSite, error)
	// AssignLodging moves the participants of the input to its site, all
	// or none, and returns how many moved.
	AssignLodging(ctx context.Context, id int64, in LodgingInput) (int, error)

	// Meals returns the meal counts of every day of the exercise.
	Meals(ctx context.Context, id int64) ([]*MealDay, error)
	// AdjustMeals sets a day's extra portions.
	AdjustMeals(ctx context.Context, id int64, adj MealAdjustment) error

	CreateKitItem(ctx context.Context, id int64, k *KitItem) error
	// HandOutKit records kit handed to a participant.
	HandOutKit(ctx context.Context, id int64, in KitInput) error
	// ReturnKit records the kit a participant gave back (one item, or all
	// with in.Item "") and returns how many items came back.
	ReturnKit(ctx context.Context, id int64, in KitInput) (int, error)

	AddNote(ctx context.Context, id int64, serviceNumber string, n *ParticipantNote) error

	Reception(ctx context.Context, id int64) (*Reception, error)
	ParticipantReception(ctx context.Context, id int64, serviceNumber string) (*ParticipantReception, error)
}
