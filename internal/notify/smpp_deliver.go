package notify

import (
	"context"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/smsreply"
)

// smppRXPAppn is the ESME's permanent refusal of a deliver_sm: the SMSC
// should not deliver it again.
const smppRXPAppn uint32 = 0x00000065

// deliver handles a deliver_sm from the SMSC: a delivery receipt or a
// member's reply. It answers deliver_sm_resp once the receipt or answer
// is stored, with ESME_RX_T_APPN when it could not be (so the SMSC
// delivers it again); it returns the sending of the reply to a member.
func (s *SMPP) deliver(conn *smppConn, p smppPDU) (after func()) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status, from, reply := smppOK, "", ""
	m, err := decodeShortMessage(p.Body)
	switch {
	case err != nil:
		s.Logger.Warn("smpp: deliver_sm not understood", "err", err)
		status = smppRXPAppn
	case m.EsmClass&smppEsmTypeMask == smppEsmReceipt:
		status = s.receipt(ctx, smppText(m), m.Source)
	default:
		from = m.Source
		if reply, err = smsreply.Reply(ctx, s.Replies, from, smppText(m)); err != nil {
			s.Logger.Error("smpp: store a member's reply", "err", err)
			status = smppRXTAppn
		}
	}
	if conn.write(smppPDU{ID: smppDeliverSM | smppResponse, Status: status, Seq: p.Seq, Body: []byte{0}}) != nil || reply == "" {
		return nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.submit(ctx, "+"+strings.TrimPrefix(from, "+"), reply, byte(rand.N(256)), 0); err != nil {
			s.Logger.Warn("smpp: send the reply to a member", "err", err)
		}
	}
}

// receipt applies a delivery receipt for a message to the number to
// and returns the deliver_sm_resp status: ESME_RX_T_APPN when it names no
// sent delivery (it may have overtaken MarkSent) or could not be stored,
// so the SMSC tries again. A receipt that names no sent delivery is
// offered to the unknown deliveries to the number (AdoptReceipt): it is
// the receipt of a message whose submit_sm_resp was lost.
func (s *SMPP) receipt(ctx context.Context, text, to string) uint32 {
	r, ok := parseReceipt(text)
	if !ok {
		s.Logger.Warn("smpp: delivery receipt not understood", "text", text)
		return smppOK
	}
	if s.isLater(r.ID) {
		return smppOK
	}
	var err error
	delivered := r.Stat == "DELIVRD"
	switch r.Stat {
	case "DELIVRD":
		err = s.Receipts.MarkDelivered(ctx, muster.ChannelSMS, r.ID)
	case "UNDELIV", "REJECTD", "EXPIRED", "DELETED":
		err = s.Receipts.MarkUndelivered(ctx, muster.ChannelSMS, r.ID, "SMS centre receipt: stat:"+r.Stat+" err:"+r.Err)
	default: // ACCEPTD, ENROUTE, UNKNOWN: not final
		return smppOK
	}
	if muster.ErrorCode(err) == muster.ENOTFOUND && to != "" {
		err = s.Receipts.AdoptReceipt(ctx, muster.ChannelSMS, r.ID, "+"+strings.TrimPrefix(to, "+"), delivered)
	}
	switch muster.ErrorCode(err) {
	case "":
		return smppOK
	case muster.ENOTFOUND:
		s.Logger.Info("smpp: receipt for no sent delivery; the SMS centre will retry", "message_id", r.ID)
		return smppRXTAppn
	default:
		s.Logger.Error("smpp: apply a delivery receipt", "message_id", r.ID, "err", err)
		return smppRXTAppn
	}
}
