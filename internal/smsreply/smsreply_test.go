package smsreply

import (
	"strings"
	"testing"
	"unicode/utf8"

	muster "github.com/muster-force/muster"
)

func TestParse(t *testing.T) {
	const (
		yes  = muster.AnswerYes
		late = muster.AnswerLate
		no   = muster.AnswerNo
	)
	tests := []struct {
		in     string
		kind   muster.AnswerKind // "" for an error
		eta    int
		reason string
		err    string // the error message, when kind is ""
	}{
		// Yes, by number and in every language.
		{in: "1", kind: yes},
		{in: "  1  ", kind: yes},
		{in: "1.", kind: yes},
		{in: "1)", kind: yes},
		{in: "1!", kind: yes},
		{in: "\t1\r\n", kind: yes},
		{in: "yes", kind: yes},
		{in: "YES!", kind: yes},
		{in: "Yes.", kind: yes},
		{in: "y", kind: yes},
		{in: "OK", kind: yes},
		{in: "okay", kind: yes},
		{in: "Coming", kind: yes},
		{in: "yes, coming!", kind: yes},
		{in: "да", kind: yes},
		{in: "ДА", kind: yes},
		{in: "Да, иду!", kind: yes},
		{in: "буду", kind: yes},
		{in: "ок", kind: yes},
		{in: "так", kind: yes},
		{in: "Так, іду.", kind: yes},
		{in: "ІДУ", kind: yes},
		{in: "1 иду", kind: yes},
		// Late, with every way of writing the minutes.
		{in: "2 45", kind: late, eta: 45},
		{in: "2 45m", kind: late, eta: 45},
		{in: "2 45 min", kind: late, eta: 45},
		{in: "2 45 min.", kind: late, eta: 45},
		{in: "2 45 minutes", kind: late, eta: 45},
		{in: "2 1h", kind: late, eta: 60},
		{in: "2 1 hour", kind: late, eta: 60},
		{in: "2 1:30", kind: late, eta: 90},
		{in: "2 0:05", kind: late, eta: 5},
		{in: "2 1h30", kind: late, eta: 90},
		{in: "2 1h 30m", kind: late, eta: 90},
		{in: "2 90мин", kind: late, eta: 90},
		{in: "2 1 ч 30 мин", kind: late, eta: 90},
		{in: "2 1ч. 30 мин.", kind: late, eta: 90},
		{in: "2 2 часа", kind: late, eta: 120},
		{in: "2 20 хв", kind: late, eta: 20},
		{in: "2 1 гадзіна", kind: late, eta: 60},
		{in: "2. 30", kind: late, eta: 30},
		{in: "2) 30", kind: late, eta: 30},
		{in: " 2   45 ", kind: late, eta: 45},
		{in: "2 48h", kind: late, eta: 2880},
		{in: "2 2880", kind: late, eta: 2880},
		{in: "2 1", kind: late, eta: 1},
		{in: "late 30", kind: late, eta: 30},
		{in: "LATE: 30 mins", kind: late, eta: 30},
		{in: "late by 20 min", kind: late, eta: 20},
		{in: "running late 15", kind: late, eta: 15},
		{in: "позже 40", kind: late, eta: 40},
		{in: "Опоздаю на 30 минут", kind: late, eta: 30},
		{in: "задержусь 1ч", kind: late, eta: 60},
		{in: "буду позже 20", kind: late, eta: 20},
		{in: "пазней 25", kind: late, eta: 25},
		{in: "Спазнюся на 20 хвілін", kind: late, eta: 20},
		// No, with or without a reason.
		{in: "3", kind: no},
		{in: "3.", kind: no},
		{in: "3 night shift", kind: no, reason: "night shift"},
		{in: "3.night shift", kind: no, reason: "night shift"},
		{in: "3) Night   shift\n at the plant ", kind: no, reason: "Night shift at the plant"},
		{in: "3 - sick", kind: no, reason: "sick"},
		{in: "no", kind: no},
		{in: "No!", kind: no},
		{in: "n", kind: no},
		{in: "no, abroad until Friday.", kind: no, reason: "abroad until Friday."},
		{in: "cannot", kind: no},
		{in: "can't come, sick", kind: no, reason: "sick"},
		{in: "Can’t", kind: no},
		{in: "cant", kind: no},
		{in: "not coming", kind: no},
		{in: "нет", kind: no},
		{in: "Нет, ночная смена", kind: no, reason: "ночная смена"},
		{in: "не могу", kind: no},
		{in: "НЕ МОГУ: болею", kind: no, reason: "болею"},
		{in: "не приду", kind: no},
		{in: "не", kind: no},
		{in: "Не.", kind: no},
		{in: "не, хворы", kind: no, reason: "хворы"},
		{in: "не магу", kind: no},
		{in: "не прыйду, у камандзіроўцы", kind: no, reason: "у камандзіроўцы"},
		{in: "ні", kind: no},
		{in: "3 " + strings.Repeat("a", 600), kind: no, reason: strings.Repeat("a", 500)},
		{in: "3 a" + strings.Repeat("ж", 300), kind: no, reason: "a" + strings.Repeat("ж", 249)},
		{in: "3 bad \xff byte", kind: no, reason: "bad \uFFFD byte"},
		{in: "3 tab\there\x00", kind: no, reason: "tab here"},
		// Not understood.
		{in: "", err: Usage},
		{in: "   ", err: Usage},
		{in: ".", err: Usage},
		{in: "4", err: Usage},
		{in: "0", err: Usage},
		{in: "12", err: Usage},
		{in: "１", err: Usage}, // full-width digits are not accepted
		{in: "yes please?", err: Usage},
		{in: "yes but late", err: Usage},
		{in: "ok 2 45", err: Usage},
		{in: "1 https://m.example.by/r/abcdefghijklmnopqrstuvwxyz", err: Usage},
		{in: "/r/abcdefghijklmnopqrstuvwxyz 1", err: Usage},
		{in: "maybe", err: Usage},
		{in: "nobody", err: Usage},
		{in: "невозможно", err: Usage},
		{in: "2:30", err: Usage},
		{in: "2.45", err: Usage},
		{in: "3night shift", err: Usage},
		{in: "hello", err: Usage},
		// Late without valid minutes.
		{in: "2", err: UsageLate},
		{in: "late", err: UsageLate},
		{in: "опоздаю", err: UsageLate},
		{in: "2 abc", err: UsageLate},
		{in: "2 0", err: UsageLate},
		{in: "2 0:00", err: UsageLate},
		{in: "2 100000", err: UsageLate},
		{in: "2 99999999999999999999999", err: UsageLate},
		{in: "2 2881", err: UsageLate},
		{in: "2 49h", err: UsageLate},
		{in: "2 1:75", err: UsageLate},
		{in: "2 1:5", err: UsageLate},
		{in: "2 1h75", err: UsageLate},
		{in: "2 45 sec", err: UsageLate},
		{in: "2 45 traffic", err: UsageLate},
		{in: "2 1.5h", err: UsageLate},
		{in: "2 １５", err: UsageLate},
	}
	for _, tt := range tests {
		a, err := Parse(tt.in)
		if tt.kind == "" {
			if err == nil || muster.ErrorCode(err) != muster.EINVALID || muster.ErrorMessage(err) != tt.err {
				t.Errorf("Parse(%q) = %+v, %v; want error %q", tt.in, a, err, tt.err)
			}
			continue
		}
		want := muster.Answer{Answer: tt.kind, ETAMinutes: tt.eta, Reason: tt.reason, Via: "sms"}
		if err != nil || a != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.in, a, err, want)
		}
	}
}

// FuzzParse checks that Parse never panics, that every answer it accepts
// passes Validate unchanged with a short reason, valid UTF-8, and that every
// error carries one of the two messages meant for the member.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "2 45", "2 1:30", "2 1ч 30 мин", "3 night shift", "Да, иду!", "не могу, смена",
		"can’t come", "опоздаю на 30 минут", "yes please?", "2 100000", "3 \xff\xfe", "2) 30", "3 " + strings.Repeat("ў", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		a, err := Parse(in)
		if err != nil {
			if m := muster.ErrorMessage(err); muster.ErrorCode(err) != muster.EINVALID || (m != Usage && m != UsageLate) {
				t.Fatalf("Parse(%q) error %v", in, err)
			}
			return
		}
		b := a
		if err := b.Validate(); err != nil || b != a {
			t.Fatalf("Parse(%q) = %+v, which does not validate unchanged: %v", in, a, err)
		}
		if len(a.Reason) > MaxReason || !utf8.ValidString(a.Reason) {
			t.Fatalf("Parse(%q) reason %q: too long or not UTF-8", in, a.Reason)
		}
		if a.Via != "sms" || !a.At.IsZero() {
			t.Fatalf("Parse(%q) = %+v: want Via sms and a zero At", in, a)
		}
	})
}
