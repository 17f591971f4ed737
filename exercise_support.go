package muster

import (
	"strings"
	"time"
)

// MaxSupportQuantity bounds a site's capacity, a kit quantity and a meal
// adjustment: no exercise of this force is larger.
const MaxSupportQuantity = 100000

// LodgingSite is where an exercise's participants sleep, e.g. "Barracks 2"
// with 120 beds. Occupied counts the participants assigned to it.
type LodgingSite struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Capacity int    `json:"capacity"`
	Occupied int    `json:"occupied"`
}

// Free returns how many beds are free.
func (s *LodgingSite) Free() int { return max(s.Capacity-s.Occupied, 0) }

// Validate checks the site's name and capacity.
func (s *LodgingSite) Validate() error {
	s.Name = strings.TrimSpace(s.Name)
	if p := lineProblem(s.Name, 200, true); p != "" {
		return fieldInvalid("name", p)
	}
	if s.Capacity < 1 || s.Capacity > MaxSupportQuantity {
		return fieldInvalid("capacity", "must be from 1 to 100000 beds")
	}
	return nil
}

// LodgingInput assigns participants to a site (0: to none): those with the
// service numbers, or every participant of a unit's subtree.
type LodgingInput struct {
	Site           int64    `json:"site"`
	ServiceNumbers []string `json:"service_numbers"`
	Unit           string   `json:"unit"`
}

// Validate checks that the input names participants one way.
func (in *LodgingInput) Validate() error {
	if (len(in.ServiceNumbers) == 0) == (in.Unit == "") {
		return fieldInvalid("service_numbers", "give either service_numbers or a unit")
	}
	if in.Site < 0 {
		return fieldInvalid("site", "must be a site's id, or 0 for none")
	}
	if in.Unit != "" && !ValidCode(in.Unit) {
		return fieldInvalid("unit", "must be a unit code")
	}
	return nil
}

// Meals are the meals of a day, as counts.
type Meals struct {
	Breakfast int `json:"breakfast"`
	Lunch     int `json:"lunch"`
	Dinner    int `json:"dinner"`
}

// MealDay is the meal counts of one day of an exercise: Expected
// participants eat each meal, plus the day's Extra portions. A participant
// is expected on a day when their attendance mark of the day says present;
// without a mark, when they have arrived on or before the day and not
// departed before it, or, not yet arrived, when they did not answer "no" to
// the call-up that summoned them.
type MealDay struct {
	Date     Date   `json:"date"`
	Expected int    `json:"expected"`
	Extra    Meals  `json:"extra"`
	Note     string `json:"note,omitempty"`
	Meals
}

// MealAdjustment sets a day's extra portions per meal, e.g. for a partner
// unit from outside muster; zero everywhere removes it.
type MealAdjustment struct {
	Date Date   `json:"date"`
	Note string `json:"note"`
	Meals
}

// Validate checks the adjustment's own fields.
func (a *MealAdjustment) Validate() error {
	a.Note = strings.TrimSpace(a.Note)
	if a.Date.IsZero() {
		return fieldInvalid("date", "required, a day of the exercise such as 2027-01-08")
	}
	for _, m := range []struct {
		field string
		n     int
	}{{"breakfast", a.Breakfast}, {"lunch", a.Lunch}, {"dinner", a.Dinner}} {
		if m.n < 0 || m.n > MaxSupportQuantity {
			return fieldInvalid(m.field, "extra portions must be from 0 to 100000")
		}
	}
	if p := lineProblem(a.Note, 500, false); p != "" {
		return fieldInvalid("note", p)
	}
	return nil
}

// KitItem is kit each participant of an exercise is to be handed, e.g. one
// sleeping bag. HandedOut and Returned total the quantities so far; ToHandOut
// is what the participants still need.
//
// ItemType links the item to the armory (an item type code; "" for plain
// kit): a serialised type is handed out one scanned serial per participant
// (PerParticipant 1) through the armory's ledger; a consumable type is
// issued from a lot of Armory's stock (the code of the armory's unit,
// required for a consumable, unused otherwise).
type KitItem struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	PerParticipant int    `json:"per_participant"`
	ItemType       string `json:"item_type,omitempty"`
	Armory         string `json:"armory,omitempty"`
	HandedOut      int    `json:"handed_out"`
	Returned       int    `json:"returned"`
	ToHandOut      int    `json:"to_hand_out"`
}

// Validate checks the item's name and quantity.
func (k *KitItem) Validate() error {
	k.Name = strings.TrimSpace(k.Name)
	if p := lineProblem(k.Name, 100, true); p != "" {
		return fieldInvalid("name", p)
	}
	if k.PerParticipant < 1 || k.PerParticipant > 100 {
		return fieldInvalid("per_participant", "must be from 1 to 100")
	}
	k.ItemType, k.Armory = strings.TrimSpace(k.ItemType), strings.TrimSpace(k.Armory)
	if k.ItemType != "" && !ValidCode(k.ItemType) {
		return fieldInvalid("item_type", "an item type code, or empty for plain kit")
	}
	if k.Armory != "" && (k.ItemType == "" || !ValidCode(k.Armory)) {
		return fieldInvalid("armory", "the code of the armory's unit, only with a consumable item_type")
	}
	return nil
}

// KitInput hands kit to a participant or takes it back: Quantity of the
// item (0 when handing out: all the participant still needs; ignored when
// returning, as all of it comes back). Item "" returns every item. Serial
// is the scanned serial of an item linked to a serialised armory type, Lot
// the stock lot of one linked to a consumable type (hand-out only).
type KitInput struct {
	ServiceNumber string `json:"service_number"`
	Item          string `json:"item"`
	Quantity      int    `json:"quantity"`
	Serial        string `json:"serial"`
	Lot           string `json:"lot"`
}

// Validate checks the input's own fields.
func (in *KitInput) Validate() error {
	in.ServiceNumber, in.Item = strings.TrimSpace(in.ServiceNumber), strings.TrimSpace(in.Item)
	if in.ServiceNumber == "" {
		return fieldInvalid("service_number", "required")
	}
	if in.Quantity < 0 || in.Quantity > 100 {
		return fieldInvalid("quantity", "must be from 1 to 100, or 0 for all that is due")
	}
	in.Serial, in.Lot = strings.TrimSpace(in.Serial), strings.TrimSpace(in.Lot)
	if in.Serial != "" && in.Lot != "" {
		return fieldInvalid("serial", "give a serial (serialised kit) or a lot (consumable kit), not both")
	}
	return nil
}

// KitHolding is a participant's position on one kit item: how many are
// due, handed out, and whether they came back; for armory kit, the item
// type, whether it is serialised, and the serial or lot handed out.
type KitHolding struct {
	Item       string    `json:"item"`
	ItemType   string    `json:"item_type,omitempty"`
	Serialised bool      `json:"serialised,omitempty"`
	Serial     string    `json:"serial,omitempty"`
	Lot        string    `json:"lot,omitempty"`
	Due        int       `json:"due"`
	HandedOut  int       `json:"handed_out"`
	IssuedBy   string    `json:"issued_by,omitempty"`
	IssuedAt   time.Time `json:"issued_at,omitzero"`
	ReturnedBy string    `json:"returned_by,omitempty"`
	ReturnedAt time.Time `json:"returned_at,omitzero"`
}

// Outstanding is how many the participant holds and must return.
func (h *KitHolding) Outstanding() int {
	if !h.ReturnedAt.IsZero() {
		return 0
	}
	return h.HandedOut
}

// ToHandOut is how many the participant is still to be handed.
func (h *KitHolding) ToHandOut() int { return max(h.Due-h.HandedOut, 0) }

// ParticipantNote is a free-text note about a participant, kept as written.
type ParticipantNote struct {
	ID        int64     `json:"id"`
	Text      string    `json:"text"`
	WrittenBy string    `json:"written_by"`
	WrittenAt time.Time `json:"written_at"`
}

// Validate checks the note's text.
func (n *ParticipantNote) Validate() error {
	n.Text = strings.TrimSpace(n.Text)
	if p := textProblem(n.Text, 2000, true); p != "" {
		return fieldInvalid("text", p)
	}
	return nil
}

// fieldInvalid returns an EINVALID error about one field.
func fieldInvalid(field, msg string) error {
	return &Error{Code: EINVALID, Message: field + ": " + msg, Details: []ErrorDetail{{Field: field, Message: msg}}}
}
