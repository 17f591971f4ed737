package muster

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ControlProblem is the problem of a text field holding a control
// character.
const ControlProblem = "must not contain control characters"

// lineProblem returns what is wrong with s as one line of free text that
// staff type or a file gives, such as a name or a title ("" when nothing):
// a control character (see hasControl), more than max characters (runes,
// not bytes: a Cyrillic letter is two bytes), or, when required, nothing
// but spaces.
func lineProblem(s string, max int, required bool) string {
	return checkText(s, max, required, false)
}

// textProblem is lineProblem for text of several lines, such as a
// call-up's message: it allows line breaks and tabs.
func textProblem(s string, max int, required bool) string {
	return checkText(s, max, required, true)
}

// checkText does the work of lineProblem and textProblem.
func checkText(s string, max int, required, lines bool) string {
	switch {
	case hasControl(s, lines):
		return ControlProblem
	case required && strings.TrimSpace(s) == "":
	case len(s) > max && utf8.RuneCountInString(s) > max:
	default:
		return ""
	}
	if required {
		return fmt.Sprintf("required, at most %d characters", max)
	}
	return fmt.Sprintf("at most %d characters", max)
}

// hasControl reports whether s holds a C0 control character (U+0000 to
// U+001F) or DEL, not counting tab, line feed and carriage return when
// lines is true. No byte of a multi-byte UTF-8 sequence is below 0x80, so
// the bytes tell.
func hasControl(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			if !lines || c != '\t' && c != '\n' && c != '\r' {
				return true
			}
		}
	}
	return false
}
