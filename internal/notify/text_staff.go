package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/muster-force/muster"
)

// The texts of messages to staff users (muster.DeliveryPurpose.Staff): a
// commander's daily digest of expiring qualifications, and an armory check
// closed with discrepancies escalated. What they tell was recorded when
// they were queued (Delivery.Digest, Delivery.Escalation); the link opens
// the staff page (Delivery.Page). They go by e-mail or SMS only.

// staffSubject is the e-mail's subject.
func staffSubject(d muster.Delivery) string {
	switch {
	case d.Digest != nil:
		return fmt.Sprintf("Qualifications expiring in %s: %d", d.Digest.Unit, d.Digest.Reminders)
	case d.Escalation != nil:
		return fmt.Sprintf("Armory check %d of %s: %d discrepancies escalated", d.Escalation.Check, d.Escalation.Unit, d.Escalation.Escalated)
	}
	return d.Title
}

// staffEmailBody is the e-mail's plain-text body, bounded in size: a
// digest lists at most muster.DigestLines counts and muster.DigestSoonest
// members.
func staffEmailBody(d muster.Delivery, loc *time.Location) string {
	var b strings.Builder
	switch {
	case d.Digest != nil:
		s := d.Digest
		fmt.Fprintf(&b, "Today's reminders (%s): %d qualifications held by members of %s expire soon.\n\n", s.Day, s.Reminders, s.Unit)
		b.WriteString("By unit and qualification (soonest expiry):\n")
		for _, l := range s.Lines {
			fmt.Fprintf(&b, "  %-16s %-10s %5d  (%s)\n", l.Unit, l.Qualification, l.Count, l.First)
		}
		if s.MoreLines > 0 {
			fmt.Fprintf(&b, "  … and %d more lines.\n", s.MoreLines)
		}
		if len(s.Soonest) > 0 {
			b.WriteString("\nExpiring first:\n")
			for _, r := range s.Soonest {
				fmt.Fprintf(&b, "  %s  %s %s (%s), %s\n", r.ExpiresOn, r.ServiceNumber, r.Name, r.Unit, r.Qualification)
			}
		}
		fmt.Fprintf(&b, "\nThe whole digest is on your dashboard:\n%s\n", d.ResponseURL)
	case d.Escalation != nil:
		e := d.Escalation
		fmt.Fprintf(&b, "Armory check %d of %s closed at its deadline, %s, with %d discrepancies still open: they are escalated to you.\n\n",
			e.Check, e.Unit, reportBy(e.Deadline, loc, "2006-01-02 15:04 MST"), e.Escalated)
		fmt.Fprintf(&b, "Review and resolve them:\n%s\n", d.ResponseURL)
	}
	fmt.Fprintf(&b, "\nThis message is for %s.\n", d.Name)
	return b.String()
}

// staffSMS is the SMS: one segment with a short unit code and link.
func staffSMS(d muster.Delivery) string {
	switch {
	case d.Digest != nil:
		return fmt.Sprintf("muster: qualifications expiring in %s: %d. %s", d.Digest.Unit, d.Digest.Reminders, d.ResponseURL)
	case d.Escalation != nil:
		return fmt.Sprintf("muster: armory check %d of %s closed, %d discrepancies escalated. %s", d.Escalation.Check, d.Escalation.Unit,
			d.Escalation.Escalated, d.ResponseURL)
	}
	return d.Title + " " + d.ResponseURL
}
