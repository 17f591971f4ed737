package smsreply

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	muster "github.com/muster-force/muster"
)

// Stranger is the reply to a number no open call-up targets. It is the
// same for a stranger and for a member not called up, so a reply tells
// nobody whether a number belongs to the force.
const Stranger = "No open call-up for this number. Answer with the link in your notice."

// Answerer stores a member's SMS reply: muster.CallUpService's
// AnswerBySMS (*sqldb.DB).
type Answerer interface {
	AnswerBySMS(ctx context.Context, phone, text string) (*muster.MemberCallUp, error)
}

// Reply stores the reply text that came from the number from (E.164, the
// "+" optional, spaces ignored) through a, and returns the SMS to send
// back at once: "" for a stored answer, whose Confirmation the store
// queued as a delivery in the answer's transaction (the dispatcher sends
// it, durably); the usage for a reply not understood; or Stranger. It returns an error only when muster itself failed, and then
// nothing was stored: the provider should deliver the reply again. Every
// SMS provider (the HTTP gateway's webhook, SMPP) answers replies through
// Reply.
func Reply(ctx context.Context, a Answerer, from, text string) (string, error) {
	phone := strings.Join(strings.Fields(from), "")
	if phone != "" && phone[0] != '+' {
		phone = "+" + phone
	}
	_, err := a.AnswerBySMS(ctx, phone, text)
	switch muster.ErrorCode(err) {
	case "":
		return "", nil // confirmed by a queued delivery
	case muster.EINVALID, muster.ECONFLICT:
		return muster.ErrorMessage(err), nil
	case muster.ENOTFOUND:
		return Stranger, nil
	default:
		return "", err
	}
}

// Confirmation is the reply to a stored answer, such as "Answer recorded
// for Exercise Winter Oak: coming late, 45 min."
func Confirmation(p *muster.MemberCallUp) string {
	title := p.CallUp.Title
	if utf8.RuneCountInString(title) > 40 {
		title = string([]rune(title)[:39]) + "…"
	}
	what := "coming"
	switch p.Last.Answer {
	case muster.AnswerLate:
		what = "coming late, " + strconv.Itoa(p.Last.ETAMinutes) + " min"
	case muster.AnswerNo:
		what = "cannot come"
	}
	return "Answer recorded for " + title + ": " + what + "."
}
