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

// TestDigestSentOncePerDay runs the expiry reminders on two days with the
// dispatcher sending to a real SMTP server: the GOM commander, who has an
// e-mail address, receives the day's digest once, though the day is run
// twice, and the next day's once more; the BRE commander, without contact
// data, gets none, and nothing fails.
func TestDigestSentOncePerDay(t *testing.T) {
	sqldbtest.Each(t, func(t *testing.T, db *sqldb.DB) {
		sink := startSMTP(t)
		g := startGateway(t)
		sqldbtest.Seed(t, db)
		ctx := sqldbtest.System()
		today := muster.DateOf(sqldbtest.Now)
		expire := func(sn, code string, days int) {
			t.Helper()
			q := []muster.MemberQualification{{Code: code, Expires: today.AddDays(days)}}
			if _, err := db.UpdateMember(ctx, sn, muster.MemberUpdate{Qualifications: &q}); err != nil {
				t.Fatal(err)
			}
		}
		expire("G1", "RIF", 10)
		for _, u := range []*muster.User{{Login: "cmd-gom", Name: "Комбриг Гомель", Role: muster.RoleCommander, Unit: "GOM"},
			{Login: "cmd-bre", Name: "Комбриг Брест", Role: muster.RoleCommander, Unit: "BRE"}} {
			if err := db.CreateUser(ctx, u, "correct horse battery staple"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.SetUserContact(ctx, "cmd-gom", muster.UserContact{Email: "gom@example.org"}); err != nil {
			t.Fatal(err)
		}
		o := muster.ExpiryOptions{Channels: []muster.Channel{muster.ChannelSMS, muster.ChannelEmail}}
		clk := &clock{t: sqldbtest.Now}
		stop := start(t, dispatcher(db, clk, channels(g, sink)...))
		// digests waits up to wait for want digests, and returns those sent.
		digests := func(want int, wait time.Duration) []sunkMail {
			t.Helper()
			deadline := time.Now().Add(wait)
			for {
				var got []sunkMail
				for _, m := range sink.Mails(t) {
					if len(m.To) == 1 && m.To[0] == "gom@example.org" {
						got = append(got, m)
					}
				}
				if len(got) >= want || time.Now().After(deadline) {
					return got
				}
				time.Sleep(20 * time.Millisecond)
			}
		}

		for _, at := range []time.Time{sqldbtest.Now, sqldbtest.Now.Add(3 * time.Hour)} {
			if _, err := db.RunExpiryReminders(ctx, at, o); err != nil {
				t.Fatal(err)
			}
		}
		got := digests(1, 30*time.Second)
		if len(got) != 1 {
			t.Fatalf("%d digests on the first day, want 1", len(got))
		}
		msg, err := mail.ReadMessage(strings.NewReader(got[0].Raw))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subject != "Qualifications expiring in GOM: 1" {
			t.Errorf("subject %q (%v)", subject, err)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"1 qualifications held by members of GOM expire soon", "GOM-MOZ-1", "RIF", "2026-12-03  G1",
			"https://m.example/\n", "This message is for Комбриг Гомель."} {
			if !strings.Contains(strings.ReplaceAll(string(body), "\r\n", "\n"), want) {
				t.Errorf("digest lacks %q:\n%s", want, body)
			}
		}

		// The next day, a new reminder: one digest more.
		expire("G2", "MED", 20)
		// Stopped first, the dispatcher finishes marking what it sent: a
		// claim a day later would take a send not yet marked for one whose
		// lease ran out, and send it again (at least once, by design).
		stop()
		clk.Advance(24 * time.Hour)
		stop = start(t, dispatcher(db, clk, channels(g, sink)...))
		if _, err := db.RunExpiryReminders(ctx, sqldbtest.Now.Add(24*time.Hour), o); err != nil {
			t.Fatal(err)
		}
		if got := digests(2, 30*time.Second); len(got) != 2 {
			t.Fatalf("%d digests after the second day, want 2", len(got))
		}
		stop() // lets every send under way finish: no third digest is on its way
		if got := digests(3, 0); len(got) != 2 || !strings.Contains(got[1].Raw, "G2") || strings.Contains(got[1].Raw, "G1 ") {
			t.Fatalf("%d digests in all, want 2, the second of G2 alone:\n%s", len(got), got[len(got)-1].Raw)
		}
	})
}
