package web

import (
	"context"
	"net/http"

	"github.com/muster-force/muster"
)

// apiListItemTypes answers GET /api/v1/item-types {"item_types":[...]}.
func (s *Server) apiListItemTypes(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Armory.FindItemTypes(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		ItemTypes []*muster.ItemType `json:"item_types"`
	}{list})
}

// apiCreateItemType answers POST /api/v1/item-types {"code","name","kind"} with 201.
func (s *Server) apiCreateItemType(w http.ResponseWriter, r *http.Request) {
	var t muster.ItemType
	if err := s.apiInput(w, r, &t); err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.Armory.CreateItemType(r.Context(), &t); err != nil {
		s.apiError(w, r, err)
		return
	}
	created(w, "/api/v1/item-types", t)
}

// stockInput is the body of the stock movements; the armory is the path's.
type stockInput struct {
	Type          string `json:"type"`
	Lot           string `json:"lot"`
	Quantity      int64  `json:"quantity"`
	ServiceNumber string `json:"service_number"`
	ToArmory      string `json:"to_armory"`
	Note          string `json:"note"`
}

// apiArmoryStock answers GET /api/v1/armories/{unit}/stock {"stock":[...]}.
func (s *Server) apiArmoryStock(w http.ResponseWriter, r *http.Request) {
	if err := newQuery(r).err(); err != nil {
		s.apiError(w, r, err)
		return
	}
	list, err := s.Armory.FindStock(r.Context(), r.PathValue("unit"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Stock []*muster.Stock `json:"stock"`
	}{list})
}

// apiReceiveStock answers POST /api/v1/armories/{unit}/stock {"type","lot","quantity"}
// with 201 and the lot's stock after.
func (s *Server) apiReceiveStock(w http.ResponseWriter, r *http.Request) {
	s.moveStock(w, r, s.Armory.ReceiveStock, http.StatusCreated)
}

// apiIssueStock answers POST /api/v1/armories/{unit}/stock/issue
// {"type","lot","quantity","service_number"} with the lot's stock after.
func (s *Server) apiIssueStock(w http.ResponseWriter, r *http.Request) {
	s.moveStock(w, r, s.Armory.IssueStock, http.StatusOK)
}

// apiReturnStock answers POST /api/v1/armories/{unit}/stock/return
// {"type","lot","quantity","service_number"}: consumables a member gives back.
func (s *Server) apiReturnStock(w http.ResponseWriter, r *http.Request) {
	s.moveStock(w, r, s.Armory.ReturnStock, http.StatusOK)
}

// apiTransferStock answers POST /api/v1/armories/{unit}/stock/transfer
// {"type","lot","quantity","to_armory"} with the sending armory's stock after.
func (s *Server) apiTransferStock(w http.ResponseWriter, r *http.Request) {
	s.moveStock(w, r, s.Armory.TransferStock, http.StatusOK)
}

func (s *Server) moveStock(w http.ResponseWriter, r *http.Request, do func(context.Context, muster.StockMovement) (*muster.Stock, error), status int) {
	var in stockInput
	if err := s.apiInput(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	st, err := do(r.Context(), muster.StockMovement{Armory: r.PathValue("unit"), Type: in.Type, Lot: in.Lot, Quantity: in.Quantity,
		ServiceNumber: in.ServiceNumber, ToArmory: in.ToArmory, Note: in.Note})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, status, st)
}
