package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/smsreply"
)

// SMSHooks configures the webhooks of the HTTP SMS gateway (see
// notify.SMSGateway): POST /sms/receipt and POST /sms/inbound.
type SMSHooks struct {
	// Key is the key shared with the gateway (MUSTER_SMS_KEY): its
	// requests carry "Authorization: Bearer KEY". While it is empty the
	// webhooks refuse every request.
	Key string
	// Receipts applies the gateway's delivery receipts; *sqldb.DB is one.
	Receipts SMSReceipts
}

// SMSReceipts applies a provider's delivery receipts to the deliveries it
// accepted under providerID. Errors: ENOTFOUND when no sent delivery of
// the channel has the id (a receipt may overtake MarkSent: the gateway
// should retry), EINVALID for an empty id.
type SMSReceipts interface {
	MarkDelivered(ctx context.Context, ch muster.Channel, providerID string) error
	MarkUndelivered(ctx context.Context, ch muster.Channel, providerID, reason string) error
}

// smsReceipt is the body of POST /sms/receipt. ID is a string or a number,
// as the gateway gave it when it took the message.
type smsReceipt struct {
	ID     json.RawMessage `json:"id"`
	Status string          `json:"status"` // delivered or failed
	Reason string          `json:"reason"` // optional, for failed
}

// smsInbound is the body of POST /sms/inbound.
type smsInbound struct {
	From string `json:"from"` // E.164, the "+" optional
	Text string `json:"text"`
}

// smsReply is the answer to an inbound SMS: the text the gateway sends
// back to the member at once, "" for none.
type smsReply struct {
	Reply string `json:"reply"`
}

// smsAuthorized checks the gateway's key, in constant time, under the
// client address's failure limit (shared with the answer page's); it
// answers 401 or 429 and returns false when the request may not go on.
func (s *Server) smsAuthorized(w http.ResponseWriter, r *http.Request) bool {
	addr, now := s.clientAddr(r), s.Now()
	if !s.answerFailures.allow(addr, now) {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
		s.apiError(w, r, errTooManyFailures)
		return false
	}
	key, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok || s.SMS.Key == "" || subtle.ConstantTimeCompare([]byte(key), []byte(s.SMS.Key)) != 1 {
		s.answerFailures.fail(addr, now)
		s.apiError(w, r, muster.Errorf(muster.EUNAUTHORIZED, "The SMS gateway's key is required: Authorization: Bearer KEY."))
		return false
	}
	return true
}

// smsReceipt answers POST /sms/receipt {"id","status":"delivered|failed"}:
// the delivery the gateway took under id is delivered (the member counts
// as reached) or failed. 200 {"status"} once stored; 404 when no sent
// delivery has the id, so the gateway retries a receipt that overtook
// muster's own record of the sending.
func (s *Server) smsReceipt(w http.ResponseWriter, r *http.Request) {
	if !s.smsAuthorized(w, r) {
		return
	}
	var in smsReceipt
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	var id string
	if json.Unmarshal(in.ID, &id) != nil {
		id = string(in.ID) // a numeric id, as notify.SMSGateway keeps it
	}
	if id == "" || id == "null" {
		s.apiError(w, r, muster.FieldError("id", "required, the gateway's message id"))
		return
	}
	var err error
	switch {
	case s.SMS.Receipts == nil:
		err = muster.Errorf(muster.EINTERNAL, "sms receipt: no receipt store configured")
	case in.Status == "delivered":
		err = s.SMS.Receipts.MarkDelivered(r.Context(), muster.ChannelSMS, id)
	case in.Status == "failed":
		err = s.SMS.Receipts.MarkUndelivered(r.Context(), muster.ChannelSMS, id, in.Reason)
	default:
		err = muster.FieldError("status", "must be delivered or failed")
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": in.Status})
}

// smsInboundReply answers POST /sms/inbound {"from","text"}: a member's
// reply ("1", "2 45", "3 night shift", …) becomes their answer to the most
// recent open call-up that targets them, stored before the 200. The body
// is always {"reply"} with the text for the gateway to send back at once:
// "" for a stored answer, whose confirmation SMS is a delivery queued with
// the answer (sent by the dispatcher through the gateway like a notice,
// so it survives a crash and is never sent for a drill), the usage for a
// reply not understood, or smsreply.Stranger. Only a failure of muster
// itself is not 200, so that the gateway retries.
func (s *Server) smsInboundReply(w http.ResponseWriter, r *http.Request) {
	if !s.smsAuthorized(w, r) {
		return
	}
	var in smsInbound
	if err := decodeJSON(w, r, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	reply, err := smsreply.Reply(r.Context(), s.CallUps, in.From, in.Text)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, smsReply{reply})
}
