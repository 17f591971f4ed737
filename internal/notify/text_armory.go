package notify

import (
	"fmt"
	"strings"

	"github.com/muster-force/muster"
)

// The texts of the armory's deliveries (receipts and check requests):
// Title says what it is, Message the details, both written when the
// delivery was queued; the link opens the member's armory page.

// armoryEmailBody returns the e-mail of an armory delivery.
func armoryEmailBody(d muster.Delivery) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n\n", d.Title, d.Message)
	if d.Purpose == muster.PurposeCheck {
		fmt.Fprintf(&b, "Confirm the items you hold, or report one missing:\n%s\n\n", d.ResponseURL)
	} else {
		fmt.Fprintf(&b, "Your kit and its receipts:\n%s\n\n", d.ResponseURL)
	}
	fmt.Fprintf(&b, "This message is for %s (%s).\n", d.Name, d.ServiceNumber)
	return b.String()
}

// armorySMSText returns the SMS of an armory delivery: the title and the
// link, with the message when it fits in one SMS.
func armorySMSText(d muster.Delivery) string {
	full := d.Title + ": " + d.Message + "\n" + d.ResponseURL
	if Segments(full) == 1 {
		return full
	}
	return d.Title + "\n" + d.ResponseURL
}

// armoryPushText returns the body of an armory push notification.
func armoryPushText(d muster.Delivery) string {
	msg := []rune(d.Message)
	if len(msg) > 300 {
		msg = append(msg[:299], '…')
	}
	return string(msg)
}
