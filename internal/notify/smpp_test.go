package notify_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/notify/smpptest"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// newSMPP returns an SMPP channel to the simulator, started and closed
// when the test ends, with short pauses so that tests run fast; configure
// changes it before it starts.
func newSMPP(t *testing.T, c *smpptest.SMSC, db *sqldb.DB, configure ...func(*notify.SMPP)) *notify.SMPP {
	t.Helper()
	s := &notify.SMPP{Addr: c.Addr, SystemID: "muster", Password: "secret", Source: "MUSTER", Window: 4,
		Timeout: 5 * time.Second, ThrottlePause: 20 * time.Millisecond,
		Reconnect: notify.Backoff{Base: 20 * time.Millisecond, Max: 200 * time.Millisecond},
		Receipts:  db, Replies: db, Logger: quiet}
	for _, f := range configure {
		f(s)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// notice is a delivery to send straight through a channel.
func notice(id int64, to, title, message string) muster.Delivery {
	return muster.Delivery{ID: id, Channel: muster.ChannelSMS, Address: to, Title: title, Message: message,
		ReportBy: sqldbtest.Now.Add(3 * time.Hour), ResponseURL: "https://m.example/r/abc"}
}

// TestSMPPSendsLatin sends a notice in the GSM alphabet: one submit_sm,
// GSM 7-bit, no UDH, a receipt requested, the text exactly as SMSText
// makes it; Send returns the SMSC's message_id.
func TestSMPPSendsLatin(t *testing.T) {
	t.Parallel()
	c := smpptest.Start(t)
	s := newSMPP(t, c, sqldbtest.Open(t, "sqlite"))
	d := notice(7, "+375291112233", "Flood", "Sandbags at the depot, bring {boots} and 5€.")
	id, err := s.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	c.Sync(t)
	got := c.Events("submit")
	if len(got) != 1 {
		t.Fatalf("%d submit_sm, want 1: %+v", len(got), got)
	}
	want := notify.SMSText(d, nil)
	if e := got[0]; e.To != "375291112233" || e.DataCoding != 0 || e.UDH != "" || e.Text != want ||
		e.RegisteredDelivery != 1 || e.Source != "MUSTER" || e.MessageID != id || id == "" {
		t.Errorf("submit_sm %+v (Send returned %q), want the text %q", e, id, want)
	}
}

// TestSMPPSendsCyrillicInParts sends a notice too long for one SMS in
// Cyrillic: UCS-2 parts of at most 67 UTF-16 units under one UDH
// reference that reassemble, in order, to the exact text.
func TestSMPPSendsCyrillicInParts(t *testing.T) {
	t.Parallel()
	c := smpptest.Start(t)
	s := newSMPP(t, c, sqldbtest.Open(t, "sqlite"))
	d := notice(300, "+375291112233", "Учения «Осень» — сбор личного состава второй роты на полигоне у Мозыря",
		strings.Repeat("Прибыть с полной экипировкой и сухим пайком на двое суток. ", 4))
	want := notify.SMSText(d, nil)
	if notify.Segments(want) < 3 {
		t.Fatalf("the test text takes %d SMS; it should take several", notify.Segments(want))
	}
	id, err := s.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	c.Sync(t)
	got := c.Events("submit")
	if len(got) != notify.Segments(want) {
		t.Fatalf("%d parts, want %d", len(got), notify.Segments(want))
	}
	if id != got[0].MessageID {
		t.Errorf("Send returned %q, want the first part's message_id %q", id, got[0].MessageID)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].UDH < got[j].UDH })
	var text strings.Builder
	for i, e := range got {
		udh, err := hex.DecodeString(e.UDH)
		// IEI 0 (concatenation, 8-bit reference), its length, the reference 300 % 256, the count, the number.
		if err != nil || len(udh) != 5 || udh[0] != 0 || udh[1] != 3 || udh[2] != 300%256 ||
			int(udh[3]) != len(got) || int(udh[4]) != i+1 {
			t.Errorf("part %d: UDH %q", i+1, e.UDH)
		}
		if n := len(utf16.Encode([]rune(e.Text))); e.DataCoding != 8 || e.EsmClass&0x40 == 0 || n > 67 {
			t.Errorf("part %d: data_coding %d, esm_class %#x, %d UTF-16 units", i+1, e.DataCoding, e.EsmClass, n)
		}
		text.WriteString(e.Text)
	}
	if text.String() != want {
		t.Errorf("reassembled\n%q\nwant\n%q", text.String(), want)
	}
}

// TestSMPPRetriesThrottled: a part the SMSC refuses with ESME_RTHROTTLED
// is submitted again within the same Send, and sent once.
func TestSMPPRetriesThrottled(t *testing.T) {
	t.Parallel()
	c := smpptest.Start(t)
	s := newSMPP(t, c, sqldbtest.Open(t, "sqlite"))
	c.Command(t, map[string]any{"cmd": "throttle", "n": 2})
	if _, err := s.Send(context.Background(), notice(8, "+375291112233", "Flood", "Report now.")); err != nil {
		t.Fatal(err)
	}
	c.Sync(t)
	if th, sub := c.Events("throttled"), c.Events("submit"); len(th) != 2 || len(sub) != 1 {
		t.Errorf("%d throttled and %d accepted submit_sm, want 2 and 1", len(th), len(sub))
	}
}

// TestSMPPRefusals: a bad password is a clear error at Start; a number
// that is not E.164 is refused for good before anything is sent, and one
// the SMSC refuses as a bad destination is refused for good.
func TestSMPPRefusals(t *testing.T) {
	t.Parallel()
	c := smpptest.Start(t)
	db := sqldbtest.Open(t, "sqlite")
	bad := &notify.SMPP{Addr: c.Addr, SystemID: "muster", Password: "wrong", Receipts: db, Replies: db, Logger: quiet}
	err := bad.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), "ESME_RINVPASWD (invalid password)") || !strings.Contains(err.Error(), `refused the bind as "muster"`) {
		t.Errorf("Start with a bad password: %v", err)
	}
	s := newSMPP(t, c, db)
	if _, err := s.Send(context.Background(), notice(9, "0291112233", "Flood", "Now.")); !notify.IsPermanent(err) {
		t.Errorf("a number without a country code: %v, want a permanent error", err)
	}
	_, err = s.Send(context.Background(), notice(10, "+999123456789", "Flood", "Now."))
	if !notify.IsPermanent(err) || !strings.Contains(err.Error(), "ESME_RINVDSTADR (invalid destination address)") {
		t.Errorf("a number the SMSC refuses: %v, want a permanent ESME_RINVDSTADR", err)
	}
	c.Sync(t)
	if n, refused := len(c.Events("submit")), len(c.Events("refused")); n != 0 || refused != 1 {
		t.Errorf("%d submit_sm taken and %d refused, want 0 and 1", n, refused)
	}
}

// TestSMPPKeepAlive: a link that stops answering (open, but hung) is
// found by enquire_link and replaced by a new bind, over which sending
// goes on.
func TestSMPPKeepAlive(t *testing.T) {
	t.Parallel()
	c := smpptest.Start(t)
	s := newSMPP(t, c, sqldbtest.Open(t, "sqlite"), func(s *notify.SMPP) {
		s.EnquireLink, s.Timeout = 50*time.Millisecond, 300*time.Millisecond
	})
	c.Command(t, map[string]any{"cmd": "silence"})
	smpptest.WaitFor(t, "a new bind after the link hung", func() bool { return len(c.Events("bind")) == 2 })
	if _, err := s.Send(context.Background(), notice(10, "+375291112233", "Flood", "Report now.")); err != nil {
		t.Fatal(err)
	}
	c.Sync(t)
	if n := len(c.Events("submit")); n != 1 {
		t.Errorf("%d submit_sm after the new bind, want 1", n)
	}
}

// TestSMPPReceiptsAndReplies dispatches a call-up over SMPP: the SMSC's
// receipts mark each delivery delivered (some overtake MarkSent and are
// taken when the SMSC delivers them again); a member's reply "2 45" is
// stored as a late answer with ETA 45 and confirmed by SMS, the
// confirmation a delivery that the dispatcher sends.
func TestSMPPReceiptsAndReplies(t *testing.T) {
	t.Parallel()
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		c := smpptest.Start(t)
		call := callUp(t, db, 3, false, muster.ChannelSMS)
		clk := &clock{t: sqldbtest.Now}
		start(t, dispatcher(db, clk, newSMPP(t, c, db)))
		s := waitIdle(t, db, call.ID, nil)
		if s[muster.ChannelSMS][muster.DeliverySent]+s[muster.ChannelSMS][muster.DeliveryDelivered] != 4 {
			t.Fatalf("statuses %v, want 4 SMS sent", s)
		}
		smpptest.WaitFor(t, "receipts to mark the 4 deliveries delivered", func() bool {
			return statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliveryDelivered] == 4
		})
		if r, err := db.Readiness(sqldbtest.System(), call.ID, "", 0); err != nil || r.Delivered != 4 {
			t.Errorf("readiness %+v, %v: want 4 reached", r, err)
		}
		c.Sync(t)
		once(t, "SMS to", sentOverSMPP(c), phones(3))

		c.Command(t, map[string]any{"cmd": "mo", "from": "375291234567", "text": "2 45"}) // G1
		smpptest.WaitFor(t, "the reply's deliver_sm_resp", func() bool { return len(c.Events("mo")) > 0 })
		if st := c.Events("mo")[0].Status; st != 0 {
			t.Fatalf("deliver_sm_resp status %#x for the reply", st)
		}
		var token string
		db.Notices(sqldbtest.System(), call.ID, "https://m.example", func(n muster.Notice) error {
			if n.ServiceNumber == "G1" {
				token = strings.TrimPrefix(n.ResponseURL, "https://m.example/r/")
			}
			return nil
		})
		page, err := db.AnswerPage(context.Background(), token)
		if err != nil || page.Last == nil || page.Last.Answer != muster.AnswerLate || page.Last.ETAMinutes != 45 || page.Last.Via != "sms" {
			t.Fatalf("G1's answer after the reply: %+v, %v", page, err)
		}
		want := fmt.Sprintf("Answer recorded for %s: coming late, 45 min.", call.Title)
		smpptest.WaitFor(t, "the confirmation SMS", func() bool { return len(c.Messages()) == 5 })
		if e := c.Messages()[4]; e.To != "375291234567" || e.Text != want {
			t.Errorf("confirmation %+v, want %q to G1", e, want)
		}

		// A reply in Cyrillic comes in UCS-2.
		c.Command(t, map[string]any{"cmd": "mo", "from": "375291234567", "text": "нет, ночная смена"})
		smpptest.WaitFor(t, "the second reply's deliver_sm_resp", func() bool { return len(c.Events("mo")) > 1 })
		page, err = db.AnswerPage(context.Background(), token)
		if err != nil || page.Last == nil || page.Last.Answer != muster.AnswerNo || page.Last.Reason != "ночная смена" {
			t.Fatalf("G1's answer after the Cyrillic reply: %+v, %v", page.Last, err)
		}
	})
}

// TestSMPPReconnects drops the connection mid-call-up: the client binds
// again and the dispatcher sends every delivery exactly once, the
// receipts of the first connection arriving over the second.
func TestSMPPReconnects(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t, "sqlite")
	c := smpptest.Start(t)
	const n = 12
	call := callUp(t, db, n, false, muster.ChannelSMS)
	c.Command(t, map[string]any{"cmd": "drop_after", "n": 4})
	clk := &clock{t: sqldbtest.Now}
	s := newSMPP(t, c, db)
	d := dispatcher(db, clk, s)
	start(t, d)
	// Retries come due as the clock moves, but only while nothing is being
	// sent: a send outlasting its lease would be claimed twice.
	waitIdle(t, db, call.ID, func() {
		if statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliverySending] == 0 {
			clk.Advance(time.Second)
		}
	})
	smpptest.WaitFor(t, "receipts for every delivery", func() bool {
		return statuses(t, db, call.ID)[muster.ChannelSMS][muster.DeliveryDelivered] == n+1
	})
	c.Sync(t)
	once(t, "SMS to", sentOverSMPP(c), phones(n))
	if binds, drops := len(c.Events("bind")), len(c.Events("drop")); binds < 2 || drops != 1 {
		t.Errorf("%d binds and %d drops, want a bind again after the drop", binds, drops)
	}
}

// sentOverSMPP lists the numbers of the whole texts the SMSC took.
func sentOverSMPP(c *smpptest.SMSC) []string {
	var list []string
	for _, m := range c.Messages() {
		list = append(list, "+"+m.To)
	}
	return list
}
