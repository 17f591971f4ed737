package notify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/notify"
)

// TestStaffTexts words the largest digest a commander can get (every line
// and expiry the summary holds) and an escalation: each SMS is one
// segment with its link, and the digest's e-mail stays short.
func TestStaffTexts(t *testing.T) {
	day, _ := muster.ParseDate("2026-11-23")
	s := &muster.DigestSummary{Day: day, Unit: "GOM", Reminders: 4321, MoreLines: 57}
	for i := range muster.DigestLines {
		s.Lines = append(s.Lines, muster.DigestLine{Unit: fmt.Sprintf("GOM-MOZ-%d", i), Qualification: "RIF", Count: 100 - i, First: day.AddDays(i)})
	}
	for i := range muster.DigestSoonest {
		s.Soonest = append(s.Soonest, muster.ExpiryReminder{ServiceNumber: fmt.Sprintf("G%d", i), Name: "Ковалёв Александр",
			Unit: "GOM-MOZ-1", Qualification: "MED", ExpiresOn: day.AddDays(i)})
	}
	link := "https://muster.example.org/"
	digest := muster.Delivery{Purpose: muster.PurposeDigest, Name: "Комбриг", Digest: s, ResponseURL: link}
	escalated := muster.Delivery{Purpose: muster.PurposeEscalated, Name: "Комбриг", ResponseURL: link + "armory-checks/12",
		Escalation: &muster.CheckEscalation{Check: 12, Unit: "GOM-MOZ", Deadline: time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC), Escalated: 4}}

	if got, want := notify.SMSText(digest, nil), "muster: qualifications expiring in GOM: 4321. "+link; got != want {
		t.Errorf("digest SMS %q, want %q", got, want)
	}
	if got, want := notify.SMSText(escalated, nil), "muster: armory check 12 of GOM-MOZ closed, 4 discrepancies escalated. "+link+"armory-checks/12"; got != want {
		t.Errorf("escalation SMS %q, want %q", got, want)
	}
	for _, d := range []muster.Delivery{digest, escalated} {
		if n := notify.Segments(notify.SMSText(d, nil)); n != 1 {
			t.Errorf("%s SMS in %d segments", d.Purpose, n)
		}
	}
	body := notify.EmailBody(digest, nil)
	for _, want := range []string{"4321 qualifications held by members of GOM", "GOM-MOZ-19", "… and 57 more lines.", "2026-11-27  G4 Ковалёв Александр (GOM-MOZ-1), MED", link} {
		if !strings.Contains(body, want) {
			t.Errorf("digest e-mail lacks %q:\n%s", want, body)
		}
	}
	if len(body) > 4096 {
		t.Errorf("the largest digest e-mail is %d bytes", len(body))
	}
	if got := notify.EmailSubject(escalated); got != "Armory check 12 of GOM-MOZ: 4 discrepancies escalated" {
		t.Errorf("escalation subject %q", got)
	}
	if body := notify.EmailBody(escalated, nil); !strings.Contains(body, "2026-11-26 09:30 UTC, with 4 discrepancies still open") || !strings.Contains(body, link+"armory-checks/12") {
		t.Errorf("escalation e-mail:\n%s", body)
	}
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err) // Debian's tzdata, which postgresql depends on
	}
	if body := notify.EmailBody(escalated, minsk); !strings.Contains(body, "2026-11-26 12:30 +03, with 4 discrepancies") {
		t.Errorf("escalation e-mail in Minsk:\n%s", body)
	}
}
