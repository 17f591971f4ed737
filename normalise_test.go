package muster

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalise checks the one-pass normalise against its definition:
// transliterate, lower-case, split at white space and join with one space.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"Иванов  Пётр", " ЖУК Щука ", "Аб'ём", "Ä\u00a0İ\tx", "\xff\xfeя", "ЁЖ’ик  ", "", "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		t1 := strings.ToLower(Transliterate(s))
		want := strings.Join(strings.Fields(t1), " ")
		if got := normalise(s, false); got != want {
			t.Errorf("normalise(%q) = %q, want %q", s, got, want)
		}
		if r, _ := utf8.DecodeLastRuneInString(t1); want != "" && unicode.IsSpace(r) {
			want += " "
		}
		if got := normalise(s, true); got != want {
			t.Errorf("normalise(%q, keepTrailing) = %q, want %q", s, got, want)
		}
	})
}
