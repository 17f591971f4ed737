package notify_test

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/sqldb"
	"github.com/muster-force/muster/internal/sqldbtest"
)

// TestExpiryRemindersSent runs a day's expiry reminders and lets the
// dispatcher send them to a real SMTP server and an SMS gateway: G1
// (phone and e-mail) gets one SMS, B1 (e-mail only) one e-mail, each with
// the reminder's own wording and no response link.
func TestExpiryRemindersSent(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sink := startSMTP(t)
		g := startGateway(t)
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		today := muster.DateOf(sqldbtest.Now)
		for sn, upd := range map[string]muster.MemberUpdate{
			"G1": {Email: ptr("g1@example.org"), Qualifications: &[]muster.MemberQualification{{Code: "RIF", Expires: today.AddDays(10)}}},
			"B1": {Email: ptr("b1@example.org"), Qualifications: &[]muster.MemberQualification{{Code: "MED", Expires: today.AddDays(45)}}},
		} {
			if _, err := db.UpdateMember(ctx, sn, upd); err != nil {
				t.Fatal(err)
			}
		}
		run, err := db.RunExpiryReminders(ctx, sqldbtest.Now, muster.ExpiryOptions{Channels: []muster.Channel{muster.ChannelSMS, muster.ChannelEmail}})
		if err != nil || run.Deliveries != 2 {
			t.Fatalf("run = %+v, %v; want 2 deliveries", run, err)
		}
		start(t, dispatcher(db, &clock{t: sqldbtest.Now}, channels(g, sink)...))
		deadline := time.Now().Add(30 * time.Second)
		for len(g.Requests()) < 1 || len(sink.Mails(t)) < 1 {
			if time.Now().After(deadline) {
				t.Fatalf("after 30 s: %d SMS and %d e-mails, want 1 each", len(g.Requests()), len(sink.Mails(t)))
			}
			time.Sleep(20 * time.Millisecond)
		}
		sms := g.Requests()[0]
		if want := "REMINDER: your qualification Rifleman (RIF) expires on 03.12.2026. Renew it before then."; sms.To != "+375291234567" || sms.Text != want {
			t.Errorf("SMS to %s: %q, want to G1: %q", sms.To, sms.Text, want)
		}
		mails := sink.Mails(t)
		if len(mails) != 1 || len(mails[0].To) != 1 || mails[0].To[0] != "b1@example.org" {
			t.Fatalf("mails %+v, want one to b1@example.org", mails)
		}
		msg, err := mail.ReadMessage(strings.NewReader(mails[0].Raw))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subject != "Qualification expires 7 Jan 2027: Combat medic" {
			t.Errorf("subject %q (%v)", subject, err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatal(err)
		}
		text := string(body)
		for _, want := range []string{"Your qualification Combat medic (MED) expires on 7 Jan 2027.", "Шевчук Анна (B1)"} {
			if !strings.Contains(text, want) {
				t.Errorf("body lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "/r/") {
			t.Errorf("body has a response link:\n%s", text)
		}
	})
}

func ptr[T any](v T) *T { return &v }
