package notify

import (
	"fmt"

	"github.com/muster-force/muster"
)

// The texts of an expiry reminder (muster.PurposeExpiry): the member's
// qualification runs out on a day; there is nothing to answer.

// expiryDate formats the day a qualification expires.
func expiryDate(d muster.Delivery) string { return d.ExpiresOn.Time().Format("2 Jan 2006") }

// expirySubject is the e-mail's subject and the push notification's title.
func expirySubject(d muster.Delivery) string {
	return "Qualification expires " + expiryDate(d) + ": " + d.Title
}

// expiryBody is the e-mail's body.
func expiryBody(d muster.Delivery) string {
	return fmt.Sprintf("Your qualification %s (%s) expires on %s.\n\n"+
		"Renew it before then - an exercise or course that awards it, or your unit's training officer, can tell you how.\n\n"+
		"This reminder is for %s (%s). Nothing needs answering.\n",
		d.Title, d.Qualification, expiryDate(d), d.Name, d.ServiceNumber)
}

// expirySMS is the SMS, short enough for one message with a short name.
func expirySMS(d muster.Delivery) string {
	return fmt.Sprintf("REMINDER: your qualification %s (%s) expires on %s. Renew it before then.",
		d.Title, d.Qualification, d.ExpiresOn.Time().Format("02.01.2006"))
}

// expiryPush is the push notification's body.
func expiryPush(d muster.Delivery) string {
	return fmt.Sprintf("%s (%s) expires on %s. Renew it before then.", d.Title, d.Qualification, expiryDate(d))
}
