package muster

import (
	"context"
	"strings"
)

// ItemKind tells serialised items, accounted one by one (a rifle, a radio),
// from consumables, counted by lot (ammunition, rations).
type ItemKind string

// The item kinds.
const (
	Serialised ItemKind = "serialised"
	Consumable ItemKind = "consumable"
)

// ItemType is one kind of equipment in the force's catalogue, such as
// "AK-74M" (serialised) or "5.45x39" (consumable).
type ItemType struct {
	Code string   `json:"code"`
	Name string   `json:"name"`
	Kind ItemKind `json:"kind"`
}

// Validate checks the item type's fields.
func (t *ItemType) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	name := lineProblem(t.Name, 200, true)
	switch {
	case !ValidCode(t.Code):
		return invalidField("code", "required, 1–32 letters, digits, '.', '_' or '-'")
	case name != "":
		return invalidField("name", name)
	case t.Kind != Serialised && t.Kind != Consumable:
		return invalidField("kind", "must be serialised or consumable")
	}
	return nil
}

// ItemStatus is where a serialised item stands after its last movement.
type ItemStatus string

// The item statuses.
const (
	InStore    ItemStatus = "in_store"
	Issued     ItemStatus = "issued"
	InRepair   ItemStatus = "in_repair"
	Lost       ItemStatus = "lost"
	Stolen     ItemStatus = "stolen"
	Destroyed  ItemStatus = "destroyed"
	WrittenOff ItemStatus = "written_off"
)

// Item is one serialised item. Armory is the code of the unit whose armory
// accounts for it; Holder is the service number of the member it is issued
// to ("" unless Status is Issued). Status, Armory and Holder are derived
// from the ledger.
type Item struct {
	Serial     string     `json:"serial"`
	Type       string     `json:"type"`
	TypeName   string     `json:"type_name"`
	Armory     string     `json:"armory"`
	Status     ItemStatus `json:"status"`
	Holder     string     `json:"holder"`
	HolderName string     `json:"holder_name"`
}

// ValidSerial reports whether s is a well-formed serial number: 1–32
// letters, digits, '-', '.', '/' or '_', starting with a letter or digit.
func ValidSerial(s string) bool { return validKey(s, "-./_") }

// Validate checks a new item's fields.
func (it *Item) Validate() error {
	it.Serial = strings.TrimSpace(it.Serial)
	switch {
	case !ValidSerial(it.Serial):
		return invalidField("serial", "required, 1–32 letters, digits, '-', '.', '/' or '_'")
	case !ValidCode(it.Type):
		return invalidField("type", "required, an item type code")
	case !ValidCode(it.Armory):
		return invalidField("armory", "required, the code of the armory's unit")
	}
	return nil
}

// ItemFilter selects items: those of an armory (its unit's code) or those a
// member holds, in serial order after Cursor.
type ItemFilter struct {
	Armory string
	Holder string
	Status ItemStatus // "" for any
	Limit  int        // 0 for the default of 100
	Cursor string     // the last serial of the previous page
}

// ItemPage is one page of items in serial order.
type ItemPage struct {
	Items      []*Item `json:"items"`
	NextCursor string  `json:"next_cursor"`
}

// Stock is the quantity of one consumable type and lot in an armory.
type Stock struct {
	Armory   string `json:"armory"`
	Type     string `json:"type"`
	Lot      string `json:"lot"`
	Quantity int64  `json:"quantity"`
}

// StockMovement receives consumables into an armory, issues them from it
// to a member (ServiceNumber), takes them back from a member, or transfers
// them to another armory (ToArmory).
type StockMovement struct {
	Armory        string `json:"armory"`
	Type          string `json:"type"`
	Lot           string `json:"lot"`
	Quantity      int64  `json:"quantity"`
	ServiceNumber string `json:"service_number"`
	ToArmory      string `json:"to_armory"`
	Note          string `json:"note"`
}

// Validate checks the movement's fields; issue tells whether it names a
// member (an issue or a return).
func (m *StockMovement) Validate(issue bool) error {
	m.Lot, m.Note = strings.TrimSpace(m.Lot), strings.TrimSpace(m.Note)
	note := lineProblem(m.Note, 500, false)
	switch {
	case !ValidCode(m.Armory):
		return invalidField("armory", "required, the code of the armory's unit")
	case !ValidCode(m.Type):
		return invalidField("type", "required, an item type code")
	case !validKey(m.Lot, "-./_"):
		return invalidField("lot", "required, 1–32 letters, digits, '-', '.', '/' or '_'")
	case m.Quantity <= 0 || m.Quantity > 1e9:
		return invalidField("quantity", "must be a whole number from 1 to 1000000000")
	case issue && !ValidServiceNumber(m.ServiceNumber):
		return invalidField("service_number", "required, a service number")
	case m.ToArmory != "" && (!ValidCode(m.ToArmory) || m.ToArmory == m.Armory):
		return invalidField("to_armory", "the code of another armory's unit")
	case note != "":
		return invalidField("note", note)
	}
	return nil
}

// invalidField returns an EUNPROCESSABLE error naming the field.
func invalidField(field, msg string) error {
	return &Error{Code: EUNPROCESSABLE, Message: field + ": " + msg, Details: []ErrorDetail{{Field: field, Message: msg}}}
}

// ArmoryService keeps the armory: item types, items, stock and the ledger
// of their movements. Reads need roster.read and writes armory.write, both
// within the actor's unit subtree: moving an item needs the item's armory
// in scope (for a transfer, both armories), issuing needs the member too.
//
// Errors: ENOTFOUND for an unknown serial, member or armory; ECONFLICT for
// a duplicate serial or type, or a movement the item's status does not
// allow (issuing an item that is out, returning one in store); EFORBIDDEN
// outside the actor's role or subtree; EUNPROCESSABLE naming a bad field.
type ArmoryService interface {
	FindItemTypes(ctx context.Context) ([]*ItemType, error)
	// CreateItemType adds a type to the catalogue (catalogue.write).
	CreateItemType(ctx context.Context, t *ItemType) error
	// CreateItem receives a new serialised item into an armory (the
	// ledger's receive entry) and fills in its derived fields.
	CreateItem(ctx context.Context, it *Item) error
	FindItem(ctx context.Context, serial string) (*Item, error)
	// FindItems returns a page of an armory's items or a member's.
	FindItems(ctx context.Context, f ItemFilter) (*ItemPage, error)
	// CreateItems receives many new items in one transaction, all or none.
	CreateItems(ctx context.Context, items []*Item) error
	// MoveItem applies one movement to an item and returns the item after.
	MoveItem(ctx context.Context, serial string, m Movement) (*Item, error)
	// MoveItems applies movements in order in one transaction, all or none.
	MoveItems(ctx context.Context, moves []ItemMove) error
	// ItemLedger returns the item's ledger entries, oldest first.
	ItemLedger(ctx context.Context, serial string) ([]*LedgerEntry, error)
	// ReceiveStock adds consumables to an armory; IssueStock hands them
	// to a member. Both return the stock after.
	ReceiveStock(ctx context.Context, m StockMovement) (*Stock, error)
	IssueStock(ctx context.Context, m StockMovement) (*Stock, error)
	// ReturnStock takes consumables back from a member (in scope) into
	// the armory; TransferStock moves them to ToArmory, both armories in
	// scope, more than the armory holds being ECONFLICT. Each returns the
	// armory's stock of the lot after.
	ReturnStock(ctx context.Context, m StockMovement) (*Stock, error)
	TransferStock(ctx context.Context, m StockMovement) (*Stock, error)
	// FindStock returns an armory's consumables with a quantity on hand.
	FindStock(ctx context.Context, armory string) ([]*Stock, error)
	// VerifyLedger walks the whole ledger (audit.read, and an actor who
	// sees the whole force) and reports the first entry that is not as it
	// was written, if any.
	VerifyLedger(ctx context.Context) (*LedgerCheck, error)
}
