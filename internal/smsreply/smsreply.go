// Package smsreply reads a member's SMS reply to a call-up notice, for
// members who answer without a smartphone.
//
// A reply starts with the answer, as a number or in words, in any case and
// with or without punctuation around it:
//
//	1                  yes: yes, y, ok, okay, coming, yep; да, ок, иду, еду,
//	                   буду; так, іду; da
//	2 MINUTES          late: late, running late; позже, буду позже, опоздаю,
//	                   опаздываю, задержусь; пазней, буду пазней, спазнюся,
//	                   спазняюся, затрымаюся
//	3 REASON           no: no, n, cannot, can't, can not, not coming, can't
//	                   come; нет, не, не могу, не смогу, не приду, не буду,
//	                   не иду, не еду; ні, не, не магу, не змагу, не прыйду,
//	                   не іду; net
//
// The number may be followed by a dot or parenthesis ("1.", "2) 30"). A yes
// may be followed only by more yes words ("да, иду!"): "yes please" or "yes
// but late" is refused rather than counted as a plain yes, since a wrong yes
// overstates readiness and a refusal only costs the member one more SMS.
// "не" alone is no (Belarusian); longer phrases starting with it are
// matched first, so "не могу, смена" is no with the reason "смена".
//
// The minutes of a late answer may be written 45, 45m, 45 min, 45мин,
// 45 хв, 1h, 1 ч, 1h30, 1 ч 30 мин or 1:30, optionally after "by" or "на"
// ("опоздаю на 30 минут"); they must come to 1–2880. The reason of a no is
// the rest of the text, with whitespace collapsed, leading separators
// dropped, invalid UTF-8 replaced and at most 500 bytes kept.
//
// Parse reads the answer only. The SMS gateway matches a reply to the
// member and the call-up by the sender's phone number, so a reply that
// quotes the response link or token is not understood.
package smsreply

import (
	"strings"
	"unicode"
	"unicode/utf8"

	muster "github.com/muster-force/muster"
)

// Usage is the message of an error for a reply that is not understood,
// short enough to send back to the member by SMS.
const Usage = "Reply 1 (coming), 2 MINUTES (late) or 3 REASON (cannot)."

// UsageLate is the message of an error for a late answer without valid
// minutes.
const UsageLate = "Reply 2 and how many minutes late (1 to 2880), e.g. 2 45."

// MaxReason is the most bytes of a reason kept; the rest is cut.
const MaxReason = 500

// Parse reads a member's SMS reply. The answer it returns passes
// Answer.Validate, has Via "sms" and a zero At, which the caller sets.
// Every error is a *muster.Error with code EINVALID whose message, Usage or
// UsageLate, can be sent back to the member.
func Parse(text string) (muster.Answer, error) {
	s := strings.TrimSpace(text)
	ws := words(s, 3)
	var kind muster.AnswerKind
	end := 0
	for n := len(ws); n > 0 && kind == ""; n-- {
		keys := make([]string, n)
		for i, w := range ws[:n] {
			keys[i] = w.lower
		}
		if k, ok := keyword(strings.Join(keys, " ")); ok {
			kind, end = k, ws[n-1].end
		}
	}
	if kind == "" {
		return muster.Answer{}, invalid(Usage)
	}
	rest := s[end:]
	// "2:30" or "1.5" is no answer number followed by anything.
	if isDigit(s[end-1]) && len(rest) > 1 && !isSpace(rune(rest[0])) && isDigit(rest[1]) {
		return muster.Answer{}, invalid(Usage)
	}
	a := muster.Answer{Answer: kind, Via: "sms"}
	switch kind {
	case muster.AnswerYes:
		for _, w := range words(rest, -1) {
			if k, _ := keyword(w.lower); k != muster.AnswerYes {
				return muster.Answer{}, invalid(Usage)
			}
		}
	case muster.AnswerLate:
		m, ok := minutes(strings.ToLower(strings.TrimFunc(rest, isSep)))
		if !ok {
			return muster.Answer{}, invalid(UsageLate)
		}
		a.ETAMinutes = m
	case muster.AnswerNo:
		a.Reason = reason(rest)
	}
	if err := a.Validate(); err != nil {
		return muster.Answer{}, invalid(Usage) // unreachable
	}
	return a, nil
}

func invalid(msg string) error { return &muster.Error{Code: muster.EINVALID, Message: msg} }

// keyword returns the answer that a word or phrase in lower case stands
// for.
func keyword(phrase string) (muster.AnswerKind, bool) {
	switch phrase {
	case "1", "yes", "y", "ok", "okay", "coming", "yep", "да", "ок", "иду", "еду", "буду", "так", "іду", "da":
		return muster.AnswerYes, true
	case "2", "late", "running late", "позже", "буду позже", "опоздаю", "опаздываю", "задержусь",
		"пазней", "буду пазней", "спазнюся", "спазняюся", "затрымаюся":
		return muster.AnswerLate, true
	case "3", "no", "n", "cannot", "can't", "cant", "can not", "not coming", "net",
		"cannot come", "can't come", "cant come", "can not come",
		"нет", "не", "не могу", "не смогу", "не приду", "не буду", "не иду", "не еду",
		"ні", "не магу", "не змагу", "не прыйду", "не іду":
		return muster.AnswerNo, true
	}
	return "", false
}

// word is a run of letters, digits and apostrophes: lower is it in lower
// case with every apostrophe as ', end the byte offset just past it.
type word struct {
	lower string
	end   int
}

// words returns the first max words of s, or all of them if max < 0.
func words(s string, max int) []word {
	var ws []word
	start := -1
	for i, r := range s + " " {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == 'ʼ'
		if in && start < 0 {
			start = i
		} else if !in && start >= 0 {
			if len(ws) == max {
				break
			}
			w := strings.ToLower(s[start:i])
			w = strings.ReplaceAll(strings.ReplaceAll(w, "’", "'"), "ʼ", "'")
			ws = append(ws, word{w, i})
			start = -1
		}
	}
	return ws
}

// minutes reads how late, from lower-case text such as "45", "45 min",
// "1ч30", "1:30" or "на 20 хвілін".
func minutes(s string) (int, bool) {
	for _, filler := range []string{"by ", "на "} {
		s = strings.TrimPrefix(s, filler)
	}
	n, s := number(s)
	if n < 0 {
		return 0, false
	}
	if m, t := number(strings.TrimPrefix(s, ":")); strings.HasPrefix(s, ":") {
		if m < 0 || m > 59 || len(s)-len(t) != 3 || t != "" {
			return 0, false
		}
		n, s = n*60+m, ""
	}
	unit, s := letters(s)
	switch {
	case isHours(unit):
		n *= 60
		if m, t := number(s); m >= 0 {
			u, t := letters(t)
			if m > 59 || !(u == "" || isMinutes(u)) {
				return 0, false
			}
			n, s = n+m, t
		}
	case unit != "" && !isMinutes(unit):
		return 0, false
	}
	return n, s == "" && n >= 1 && n <= 2880
}

// number reads ASCII digits after spaces; it returns -1 if there are none,
// and saturates at 999999.
func number(s string) (int, string) {
	s = strings.TrimLeft(s, " \t\r\n")
	n, i := 0, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		n = min(n*10+int(s[i]-'0'), 999999)
	}
	if i == 0 {
		return -1, s
	}
	return n, s[i:]
}

// letters reads a unit after spaces, with an optional dot after it.
func letters(s string) (string, string) {
	s = strings.TrimLeft(s, " \t\r\n")
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		i = len(s)
	}
	return s[:i], strings.TrimLeft(strings.TrimPrefix(s[i:], "."), " \t\r\n")
}

func isMinutes(u string) bool {
	switch u {
	case "m", "min", "mins", "minute", "minutes", "м", "мин", "минут", "минуты", "минуту", "минута",
		"хв", "хвіл", "хвілін", "хвіліны", "хвіліну", "хвіліна":
		return true
	}
	return false
}

func isHours(u string) bool {
	switch u {
	case "h", "hr", "hrs", "hour", "hours", "ч", "час", "часа", "часов", "г", "гадз", "гадзіна", "гадзіны", "гадзін", "гадзіну":
		return true
	}
	return false
}

// reason tidies the text after a no: valid UTF-8, no control characters,
// single spaces, no leading separators, at most MaxReason bytes.
func reason(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.TrimLeftFunc(strings.Join(strings.Fields(s), " "), isSep)
	if len(s) > MaxReason {
		i := MaxReason
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = strings.TrimRightFunc(s[:i], unicode.IsSpace)
	}
	return s
}

// isSep reports whether r may separate or end an answer: a space or one of
// , . ; : ! ? ) and dashes.
func isSep(r rune) bool { return isSpace(r) || strings.ContainsRune(",.;:!?)-–—", r) }

func isSpace(r rune) bool { return unicode.IsSpace(r) }

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
