package web

import (
	"net/http"
	"net/url"

	"github.com/muster-force/muster"
)

// armoryView is the data of the armory page of a unit.
type armoryView struct {
	Unit     *muster.Unit
	Items    *muster.ItemPage
	Stock    []*muster.Stock
	Types    []*muster.ItemType
	CanWrite bool
}

// itemView is the data of an item's page.
type itemView struct {
	Item     *muster.Item
	Ledger   []*muster.LedgerEntry
	Kinds    []muster.MovementKind
	CanWrite bool
}

// itemMoveKinds are the movements the item page offers.
var itemMoveKinds = []muster.MovementKind{muster.MoveIssue, muster.MoveReturn, muster.MoveTransfer, muster.MoveRepairOut,
	muster.MoveRepairIn, muster.MoveLost, muster.MoveStolen, muster.MoveDestroyed, muster.MoveWriteOff}

// canMove reports whether the actor's role may move items.
func canMove(r *http.Request) bool {
	a := muster.ActorFrom(r.Context())
	return a != nil && a.Role.Can(muster.PermArmory)
}

// pageArmory shows a unit's armory: its items with status and holder,
// a page at a time, its consumables, and a form to receive an item.
func (s *Server) pageArmory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := s.Units.FindUnit(ctx, r.PathValue("code"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	page, err := s.Armory.FindItems(ctx, muster.ItemFilter{Armory: u.Code, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	stock, err := s.Armory.FindStock(ctx, u.Code)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	types, err := s.Armory.FindItemTypes(ctx)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "armory", &view{Title: "Armory " + u.Code, Nav: "units",
		Data: armoryView{Unit: u, Items: page, Stock: stock, Types: types, CanWrite: canMove(r)}})
}

// pageArmoryReceive receives a new item into the unit's armory and
// redirects back to the armory.
func (s *Server) pageArmoryReceive(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	code := r.PathValue("code")
	it := &muster.Item{Serial: r.PostFormValue("serial"), Type: r.PostFormValue("type"), Armory: code}
	err := s.Armory.CreateItem(r.Context(), it)
	s.armoryOutcome(w, r, "/units/"+url.PathEscape(code)+"/armory", err, "Item "+it.Serial+" received.", "The item was not received. ")
}

// pageItem shows an item, its ledger and the movement form.
func (s *Server) pageItem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	it, err := s.Armory.FindItem(ctx, r.PathValue("serial"))
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	ledger, err := s.Armory.ItemLedger(ctx, it.Serial)
	if err != nil {
		s.pageError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "item", &view{Title: it.TypeName + " " + it.Serial, Nav: "units",
		Data: itemView{Item: it, Ledger: ledger, Kinds: itemMoveKinds, CanWrite: canMove(r)}})
}

// pageItemMove applies the movement of the form and redirects back to the item.
func (s *Server) pageItemMove(w http.ResponseWriter, r *http.Request) {
	if err := s.parseForm(w, r); err != nil {
		s.pageError(w, r, err)
		return
	}
	serial := r.PathValue("serial")
	m := muster.Movement{Kind: muster.MovementKind(r.PostFormValue("kind")), Note: r.PostFormValue("note")}
	switch m.Kind {
	case muster.MoveIssue:
		m.ServiceNumber = r.PostFormValue("service_number")
	case muster.MoveTransfer:
		m.ToArmory = r.PostFormValue("to_armory")
	}
	_, err := s.Armory.MoveItem(r.Context(), serial, m)
	s.armoryOutcome(w, r, "/items/"+url.PathEscape(serial), err, "Item "+serial+": "+string(m.Kind)+" recorded.", "Nothing was recorded. ")
}

// armoryOutcome redirects to back with a flash saying what happened; a
// refusal the person can correct (bad field, wrong state) goes back too,
// anything else is an error page.
func (s *Server) armoryOutcome(w http.ResponseWriter, r *http.Request, back string, err error, done, refused string) {
	switch muster.ErrorCode(err) {
	case "":
		s.redirectWithFlash(w, r, back, done)
	case muster.EINVALID, muster.EUNPROCESSABLE, muster.ECONFLICT:
		s.redirectWithFlash(w, r, back, refused+muster.ErrorMessage(err))
	default:
		s.pageError(w, r, err)
	}
}
