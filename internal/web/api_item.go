package web

import (
	"net/http"
	"net/url"

	"github.com/muster-force/muster"
)

// apiItem is an item as the API shows it: holder is null unless issued.
type apiItem struct {
	Serial     string            `json:"serial"`
	Type       string            `json:"type"`
	TypeName   string            `json:"type_name"`
	Armory     string            `json:"armory"`
	Status     muster.ItemStatus `json:"status"`
	Holder     *string           `json:"holder"`
	HolderName *string           `json:"holder_name"`
}

func toAPIItem(it *muster.Item) apiItem {
	out := apiItem{Serial: it.Serial, Type: it.Type, TypeName: it.TypeName, Armory: it.Armory, Status: it.Status}
	if it.Holder != "" {
		out.Holder, out.HolderName = &it.Holder, &it.HolderName
	}
	return out
}

// itemList is the body of the item lists; next_cursor is null on the last
// page, as for members.
type itemList struct {
	Items      []apiItem `json:"items"`
	NextCursor *string   `json:"next_cursor"`
}

func toItemList(p *muster.ItemPage) itemList {
	out := itemList{Items: make([]apiItem, len(p.Items))}
	for i, it := range p.Items {
		out.Items[i] = toAPIItem(it)
	}
	if p.NextCursor != "" {
		out.NextCursor = &p.NextCursor
	}
	return out
}

// apiCreateItem answers POST /api/v1/items with 201: the item received
// into its armory.
func (s *Server) apiCreateItem(w http.ResponseWriter, r *http.Request) {
	var it muster.Item
	var in struct {
		Serial string `json:"serial"`
		Type   string `json:"type"`
		Armory string `json:"armory"`
	}
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	it.Serial, it.Type, it.Armory = in.Serial, in.Type, in.Armory
	if err := s.Armory.CreateItem(r.Context(), &it); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/items/"+url.PathEscape(it.Serial), toAPIItem(&it))
}

// apiGetItem answers GET /api/v1/items/{serial}.
func (s *Server) apiGetItem(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	it, err := s.Armory.FindItem(r.Context(), r.PathValue("serial"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIItem(it))
}

// apiIssueItem answers POST /api/v1/items/{serial}/issue {"service_number"}.
func (s *Server) apiIssueItem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ServiceNumber string `json:"service_number"`
		Note          string `json:"note"`
	}
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.moveItem(w, r, muster.Movement{Kind: muster.MoveIssue, ServiceNumber: in.ServiceNumber, Note: in.Note})
}

// apiReturnItem answers POST /api/v1/items/{serial}/return {}.
func (s *Server) apiReturnItem(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Note string `json:"note"`
	}
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.moveItem(w, r, muster.Movement{Kind: muster.MoveReturn, Note: in.Note})
}

// apiMoveItem answers POST /api/v1/items/{serial}/movements: any movement
// of muster.Movement's kinds.
func (s *Server) apiMoveItem(w http.ResponseWriter, r *http.Request) {
	var m muster.Movement
	if err := s.apiInput(w, r, &m); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.moveItem(w, r, m)
}

// moveItem applies m to the item of the path and answers the item after.
func (s *Server) moveItem(w http.ResponseWriter, r *http.Request, m muster.Movement) {
	it, err := s.Armory.MoveItem(r.Context(), r.PathValue("serial"), m)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIItem(it))
}

// apiItemLedger answers GET /api/v1/items/{serial}/ledger {"entries":[...]}.
func (s *Server) apiItemLedger(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Armory.ItemLedger(r.Context(), r.PathValue("serial"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Entries []*muster.LedgerEntry `json:"entries"`
	}{list})
}

// apiMemberItems answers GET /api/v1/members/{service_number}/items: the
// items the member holds.
func (s *Server) apiMemberItems(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "limit", "cursor")
	f := muster.ItemFilter{Holder: r.PathValue("service_number"), Limit: q.int("limit", 100, 1, 1000), Cursor: q.str("cursor")}
	s.writeItems(w, r, q, f)
}

// apiArmoryItems answers GET /api/v1/armories/{unit}/items: the items the
// unit's armory accounts for, in store or out, by serial.
func (s *Server) apiArmoryItems(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r, "status", "limit", "cursor")
	f := muster.ItemFilter{Armory: r.PathValue("unit"), Status: muster.ItemStatus(q.str("status")),
		Limit: q.int("limit", 100, 1, 1000), Cursor: q.str("cursor")}
	s.writeItems(w, r, q, f)
}

func (s *Server) writeItems(w http.ResponseWriter, r *http.Request, q *query, f muster.ItemFilter) {
	if err := q.err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	page, err := s.Armory.FindItems(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toItemList(page))
}
