package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

// Send submits the delivery's SMS with a delivery receipt requested and
// returns the first part's message_id.
func (s *SMPP) Send(ctx context.Context, d muster.Delivery) (string, error) {
	if !muster.ValidPhone(d.Address) {
		return "", Permanent(fmt.Errorf("sms: %q is not an E.164 phone number", d.Address))
	}
	return s.submit(ctx, d.Address, SMSText(d, s.Location), byte(d.ID), smppReceiptWanted)
}

// submit sends text to the E.164 number in parts and returns the first
// part's message_id. Its error is Unknown only when the last part went
// out unanswered: the SMSC may then hold the whole text.
func (s *SMPP) submit(ctx context.Context, to, text string, ref, receipt byte) (string, error) {
	parts, err := smppParts(text, ref)
	if err != nil {
		return "", Permanent(err)
	}
	srcTON, srcNPI := byte(0), byte(0)
	switch {
	case strings.HasPrefix(s.Source, "+"):
		srcTON, srcNPI = 1, 1 // international, ISDN
	case s.Source != "":
		srcTON = 5 // alphanumeric
	}
	var first string
	for i, p := range parts {
		m := smppShortMessage{SourceTON: srcTON, SourceNPI: srcNPI, Source: strings.TrimPrefix(s.Source, "+"),
			DestTON: 1, DestNPI: 1, Dest: strings.TrimPrefix(to, "+"),
			EsmClass: p.EsmClass, RegisteredDelivery: receipt, DataCoding: p.DataCoding, Message: p.Message}
		id, err := s.submitPart(ctx, m)
		var unknown *UnknownError
		if err != nil && i < len(parts)-1 && errors.As(err, &unknown) {
			// The parts after it were not sent: the member has no whole
			// text, whatever became of this part, so it is sent again.
			err = unknown.Err
		}
		if err != nil {
			if i > 0 || len(parts) > 1 {
				err = fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
			return "", err
		}
		if i == 0 {
			first = id
		} else {
			s.rememberLater(id)
		}
	}
	return first, nil
}

// submitPart submits one part at the configured rate, again after a
// pause while the SMSC throttles, and returns its message_id.
func (s *SMPP) submitPart(ctx context.Context, m smppShortMessage) (string, error) {
	for {
		if err := s.limiter.Wait(ctx); err != nil {
			return "", fmt.Errorf("smpp: %w", err)
		}
		conn, err := s.session(ctx)
		if err != nil {
			return "", err
		}
		resp, err := conn.request(ctx, smppSubmitSM, m.encode())
		if err != nil {
			return "", err
		}
		switch resp.Status {
		case smppOK:
			f := &smppFields{b: resp.Body}
			return f.cstring(), nil
		case smppRThrottled, smppRMsgQFul:
			pause(ctx, s.ThrottlePause)
			if ctx.Err() != nil {
				return "", &smppStatusError{Command: "submit_sm", Status: resp.Status}
			}
		case smppRInvDstAdr, smppRInvDstTON, smppRInvDstNPI, smppRInvMsgLen, smppRInvDCS, smppRInvEsmClass:
			return "", Permanent(&smppStatusError{Command: "submit_sm", Status: resp.Status})
		default:
			return "", &smppStatusError{Command: "submit_sm", Status: resp.Status}
		}
	}
}

// rememberLater keeps the message id of a part after the first, whose
// receipt changes nothing.
func (s *SMPP) rememberLater(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.laterList) >= maxLaterParts {
		delete(s.later, s.laterList[0])
		s.laterList = s.laterList[1:]
	}
	s.later[id] = true
	s.laterList = append(s.laterList, id)
}

func (s *SMPP) isLater(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.later[id]
}
