package notify_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
	"github.com/muster-force/muster/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var minsk = time.FixedZone("MSK", 3*3600)

func sampleDelivery() muster.Delivery {
	return muster.Delivery{ID: 42, CallUpID: 7, MemberID: 9, Channel: muster.ChannelEmail, Address: "piotr@example.org",
		Name: "Иванов Пётр", ServiceNumber: "G1", Title: "Учения «Осень»", Kind: muster.CallUpExercise,
		Message: "Прибыть с полной экипировкой.", AssemblyPoint: "Мозырь, арсенал",
		ReportBy: time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC), Token: "abcdefghijklmnopqrstuvwxyz",
		ResponseURL: "https://m.example/r/abcdefghijklmnopqrstuvwxyz", Attempts: 1}
}

func TestEmailOverSMTP(t *testing.T) {
	sink := startSMTP(t)
	e := &notify.Email{Addr: sink.Addr, From: mail.Address{Name: "Muster ТРО", Address: "muster@force.example"}, Location: minsk}
	d := sampleDelivery()
	id, err := e.Send(context.Background(), d)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	mails := sink.Mails(t)
	if len(mails) != 1 || mails[0].From != "muster@force.example" || len(mails[0].To) != 1 || mails[0].To[0] != d.Address {
		t.Fatalf("server got %+v", mails)
	}
	msg, err := mail.ReadMessage(strings.NewReader(mails[0].Raw))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, mails[0].Raw)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "Call-up: Учения «Осень»" {
		t.Errorf("subject %q (%v), raw %q", subject, err, msg.Header.Get("Subject"))
	}
	if got := msg.Header.Get("Message-ID"); got != id || !strings.HasSuffix(id, "@force.example>") {
		t.Errorf("Message-ID %q, Send returned %q", got, id)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || to[0].Name != d.Name || to[0].Address != d.Address {
		t.Errorf("To %v (%v)", to, err)
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{d.Message, "Assembly point: Мозырь, арсенал", "Report by: Tue 24 Nov 2026 08:00 MSK", d.ResponseURL, "Иванов Пётр (G1)"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}

	for _, tc := range []struct {
		addr      string
		permanent bool
	}{{"reject@example.org", true}, {"busy@example.org", false}, {"not an address", true}} {
		d.Address = tc.addr
		_, err := e.Send(context.Background(), d)
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("%s: err %v, permanent %v, want permanent %v", tc.addr, err, notify.IsPermanent(err), tc.permanent)
		}
	}
	if n := len(sink.Mails(t)); n != 1 {
		t.Errorf("server has %d messages after refusals, want 1", n)
	}
	// Nobody listening is temporary.
	dead := &notify.Email{Addr: "127.0.0.1:1", From: e.From}
	d.Address = "piotr@example.org"
	if _, err := dead.Send(context.Background(), d); err == nil || notify.IsPermanent(err) {
		t.Errorf("closed port: %v", err)
	}
}

func TestSMSGateway(t *testing.T) {
	g := startGateway(t)
	s := &notify.SMSGateway{URL: g.URL, Key: g.Key, Location: minsk}
	d := sampleDelivery()
	d.Channel, d.Address = muster.ChannelSMS, "+375291234567"
	id, err := s.Send(context.Background(), d)
	if err != nil || id != "gw-1" {
		t.Fatalf("send: %q, %v", id, err)
	}
	got := g.Requests()[0]
	if got.To != d.Address || got.Auth != "Bearer test-key" || got.IdempotencyKey != "muster-delivery-42" || !strings.Contains(got.Text, d.ResponseURL) {
		t.Fatalf("gateway got %+v", got)
	}
	for _, tc := range []struct {
		code      int
		permanent bool
	}{{503, false}, {429, false}, {408, false}, {400, true}, {404, true}} {
		g.FailNext(d.Address, tc.code)
		_, err := s.Send(context.Background(), d)
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("HTTP %d: err %v, permanent %v", tc.code, err, notify.IsPermanent(err))
		}
	}
	wrongKey := &notify.SMSGateway{URL: g.URL, Key: "nope"}
	if _, err := wrongKey.Send(context.Background(), d); !notify.IsPermanent(err) {
		t.Errorf("wrong key: %v, want permanent", err)
	}
	d.Address = "0291234567"
	if _, err := s.Send(context.Background(), d); !notify.IsPermanent(err) {
		t.Errorf("bad number: %v, want permanent", err)
	}
	g.Close()
	d.Address = "+375291234567"
	if _, err := s.Send(context.Background(), d); err == nil || notify.IsPermanent(err) {
		t.Errorf("gateway down: %v, want temporary", err)
	}
}

func TestSMSText(t *testing.T) {
	d := sampleDelivery()
	d.ResponseURL = "https://m.tdf.by/r/abcdefghijklmnopqrstuvwxyz"
	d.Title, d.Message, d.AssemblyPoint = "Exercise Autumn", "Report with full kit.", "Mozyr armoury"
	if s := notify.SMSText(d, minsk); notify.Segments(s) != 1 || !strings.Contains(s, d.Message) || !strings.Contains(s, "by 24.11 08:00") {
		t.Errorf("short Latin notice: %q", s)
	}
	d.Message = strings.Repeat("Bring water and food for two days. ", 10)
	if s := notify.SMSText(d, minsk); notify.Segments(s) != 1 || !strings.Contains(s, "...") || !strings.HasSuffix(s, d.ResponseURL) {
		t.Errorf("long Latin notice, cut: %q (%d SMS)", s, notify.Segments(s))
	}
	// Cyrillic: 70 characters to an SMS; the link and the time come first.
	d.Title, d.Message, d.AssemblyPoint = "Сбор", "Прибыть с полной экипировкой и запасом воды.", "Мозырь, арсенал"
	s := notify.SMSText(d, minsk)
	if notify.Segments(s) != 1 || !strings.HasSuffix(s, d.ResponseURL) || !strings.Contains(s, "08:00") {
		t.Errorf("Cyrillic notice: %q (%d SMS)", s, notify.Segments(s))
	}
	d.Title = strings.Repeat("Очень длинное название ", 5)
	if s := notify.SMSText(d, minsk); !strings.Contains(s, d.Message) || !strings.Contains(s, d.ResponseURL) {
		t.Errorf("too long for one SMS: the whole notice, in parts: %q", s)
	}
	for _, tc := range []struct {
		text string
		want int
	}{{strings.Repeat("a", 160), 1}, {strings.Repeat("a", 161), 2}, {strings.Repeat("€", 80), 1}, {strings.Repeat("€", 81), 2},
		{strings.Repeat("я", 70), 1}, {strings.Repeat("я", 71), 2}, {strings.Repeat("я", 134), 2}, {strings.Repeat("я", 135), 3}} {
		if got := notify.Segments(tc.text); got != tc.want {
			t.Errorf("Segments(%d × %q) = %d, want %d", len([]rune(tc.text)), []rune(tc.text)[0], got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	b := notify.Backoff{Base: time.Second, Max: time.Minute}
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 7: time.Minute, 40: time.Minute} {
		lo, hi := b.Delay(attempt, func() float64 { return 0 }), b.Delay(attempt, func() float64 { return 0.999999 })
		if lo != want/2 || hi <= lo || hi > want {
			t.Errorf("attempt %d: delay from %s to %s, want from %s up to %s", attempt, lo, hi, want/2, want)
		}
	}
	if !notify.IsPermanent(errors.Join(errors.New("x"), notify.Permanent(errors.New("y")))) || notify.IsPermanent(errors.New("z")) {
		t.Error("IsPermanent")
	}
}

// TestPurposeWording: each purpose says in the subject, the body's first
// line and the SMS what is asked; a notice has no lead.
func TestPurposeWording(t *testing.T) {
	d := sampleDelivery()
	d.ResponseURL = "https://m.tdf.by/r/abc"
	for purpose, want := range map[muster.DeliveryPurpose][3]string{
		muster.PurposeNotice:   {"Call-up: ", d.Title, d.Title},
		muster.PurposeReminder: {"Reminder, call-up: ", "You have not answered", "REMINDER " + d.Title},
		muster.PurposeSelected: {"Report, call-up: ", "You answered yes and are selected", "REPORT " + d.Title},
		muster.PurposeStandby:  {"Stand by, call-up: ", "You answered yes; you are not selected", "STAND BY " + d.Title},
	} {
		d.Purpose = purpose
		if s := notify.EmailSubject(d); !strings.HasPrefix(s, want[0]) {
			t.Errorf("%s: subject %q", purpose, s)
		}
		if s := notify.EmailBody(d, minsk); !strings.HasPrefix(s, want[1]) {
			t.Errorf("%s: body %q", purpose, s)
		}
		if s := notify.SMSText(d, minsk); !strings.HasPrefix(s, want[2]) {
			t.Errorf("%s: SMS %q", purpose, s)
		}
	}
}
