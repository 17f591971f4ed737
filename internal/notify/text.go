package notify

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/muster-force/muster"
)

// The texts of notices. They are English for now; the member's language
// comes with localisation.

// reportBy formats the report-by time in loc.
func reportBy(t time.Time, loc *time.Location, layout string) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(layout)
}

// smsLead and emailLead head a delivery's SMS and e-mail subject by its
// purpose; leads says in the e-mail's first line what is asked.
var (
	smsLead = map[muster.DeliveryPurpose]string{
		muster.PurposeReminder: "REMINDER ", muster.PurposeSelected: "REPORT ", muster.PurposeStandby: "STAND BY ",
	}
	emailLead = map[muster.DeliveryPurpose]string{
		muster.PurposeReminder: "Reminder, call-up: ", muster.PurposeSelected: "Report, call-up: ", muster.PurposeStandby: "Stand by, call-up: ",
	}
	leads = map[muster.DeliveryPurpose]string{
		muster.PurposeReminder: "You have not answered this call-up yet.\n\n",
		muster.PurposeSelected: "You answered yes and are selected: report as below.\n\n",
		muster.PurposeStandby:  "You answered yes; you are not selected to report now. Stand by: you may still be called.\n\n",
	}
)

// EmailSubject returns the subject of the delivery's e-mail.
func EmailSubject(d muster.Delivery) string {
	if d.Purpose.Staff() {
		return staffSubject(d)
	}
	if d.Purpose.Armory() {
		return d.Title
	}
	if d.Purpose == muster.PurposeExpiry {
		return expirySubject(d)
	}
	if lead, ok := emailLead[d.Purpose]; ok {
		return lead + d.Title
	}
	return "Call-up: " + d.Title
}

// EmailBody returns the plain-text body of the delivery's e-mail.
func EmailBody(d muster.Delivery, loc *time.Location) string {
	if d.Purpose.Staff() {
		return staffEmailBody(d, loc)
	}
	if d.Purpose.Armory() {
		return armoryEmailBody(d)
	}
	if d.Purpose == muster.PurposeExpiry {
		return expiryBody(d)
	}
	var b strings.Builder
	b.WriteString(leads[d.Purpose])
	fmt.Fprintf(&b, "%s\n\n%s\n\n", d.Title, d.Message)
	if d.AssemblyPoint != "" {
		fmt.Fprintf(&b, "Assembly point: %s\n", d.AssemblyPoint)
	}
	fmt.Fprintf(&b, "Report by: %s\n\n", reportBy(d.ReportBy, loc, "Mon 2 Jan 2006 15:04 MST"))
	fmt.Fprintf(&b, "Answer at once - coming, coming late, or cannot come:\n%s\n\n", d.ResponseURL)
	fmt.Fprintf(&b, "This notice is for %s (%s). Your last answer counts.\n", d.Name, d.ServiceNumber)
	return b.String()
}

// SMSText returns the delivery's SMS: in one message when it can be. It
// tries, in order, the whole notice; the message cut short; the notice
// without the message; the title, time and link alone; and when even that
// is longer than one SMS, it sends the whole notice in several. A
// delivery with a text of its own (a confirmation) is that text.
func SMSText(d muster.Delivery, loc *time.Location) string {
	if d.Text != "" {
		return d.Text
	}
	if d.Purpose.Staff() {
		return staffSMS(d)
	}
	if d.Purpose.Armory() {
		return armorySMSText(d)
	}
	if d.Purpose == muster.PurposeExpiry {
		return expirySMS(d)
	}
	title := smsLead[d.Purpose] + d.Title
	when := "by " + reportBy(d.ReportBy, loc, "02.01 15:04")
	place := when
	if d.AssemblyPoint != "" {
		place = d.AssemblyPoint + ", " + when
	}
	full := title + ": " + d.Message + "\n" + place + "\n" + d.ResponseURL
	if Segments(full) == 1 {
		return full
	}
	// Cut the message to what is left of one SMS.
	rest := "\n" + place + "\n" + d.ResponseURL
	head := title + ": "
	msg := []rune(d.Message)
	cut := func(n int) string {
		ellipsis := "…"
		if gsm(full) {
			ellipsis = "..." // '…' is not in the GSM alphabet
		}
		return head + strings.TrimSpace(string(msg[:n])) + ellipsis + rest
	}
	// The longest cut that fits, by bisection: fitting shrinks with n.
	lo, hi := 20, len(msg)-1 // keep at least 20 characters of the message
	for lo <= hi {
		mid := (lo + hi) / 2
		if Segments(cut(mid)) == 1 {
			lo = mid + 1
		} else {
			hi = mid - 1
		}
	}
	if hi >= 20 {
		return cut(hi)
	}
	for _, s := range []string{title + "\n" + place + "\n" + d.ResponseURL, title + "\n" + when + "\n" + d.ResponseURL} {
		if Segments(s) == 1 {
			return s
		}
	}
	return full
}

// gsmBasic is the GSM 03.38 default alphabet; gsmExtended costs two septets.
const (
	gsmBasic    = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtended = "^{}\\[~]|€\f"
)

// gsm reports whether s is written in the GSM 7-bit alphabet.
func gsm(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(gsmBasic, r) && !strings.ContainsRune(gsmExtended, r) {
			return false
		}
	}
	return true
}

// Segments returns how many SMS the text takes: 160 septets in one GSM
// message or 153 per part, 70 UTF-16 units in one UCS-2 message or 67 per
// part.
func Segments(s string) int {
	n, single, part := 0, 160, 153
	if gsm(s) {
		for _, r := range s {
			n++
			if strings.ContainsRune(gsmExtended, r) {
				n++
			}
		}
	} else {
		single, part = 70, 67
		for _, r := range s {
			n += utf16.RuneLen(r)
		}
	}
	if n <= single {
		return 1
	}
	return (n + part - 1) / part
}
