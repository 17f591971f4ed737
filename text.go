package muster

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// textProblem returns what is wrong with s as free text that staff type or
// a file gives, such as a name or a title, of at most max characters
// (runes, not bytes: a Cyrillic letter is two bytes); required refuses
// text of nothing but spaces. It returns "" when nothing is wrong.
func textProblem(s string, max int, required bool) string {
	switch {
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
