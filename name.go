package muster

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// cyrillicLower maps а (U+0430) … я (U+044F) to Latin; see Transliterate.
var cyrillicLower = [...]string{
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
	"r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
}

// cyrillicExtra returns the Latin form of a lower-case Cyrillic letter
// outside а…я.
func cyrillicExtra(r rune) (string, bool) {
	switch r {
	case 'ё':
		return "e", true
	case 'і':
		return "i", true
	case 'ў':
		return "u", true
	case 'ґ':
		return "g", true
	case 'є':
		return "ye", true
	case 'ї':
		return "yi", true
	}
	return "", false
}

// latinOf returns the Latin letters of a Cyrillic letter r in lower case,
// whether r is a capital, and whether r is a Cyrillic letter at all.
func latinOf(r rune) (latin string, upper, ok bool) {
	switch {
	case r >= 'а' && r <= 'я':
		return cyrillicLower[r-'а'], false, true
	case r >= 'А' && r <= 'Я':
		return cyrillicLower[r-'А'], true, true
	}
	if s, ok := cyrillicExtra(r); ok {
		return s, false, true
	}
	if unicode.IsUpper(r) {
		if s, ok := cyrillicExtra(unicode.ToLower(r)); ok {
			return s, true, true
		}
	}
	return "", false, false
}

// isApostrophe reports whether r is one of the apostrophes Belarusian is
// written with.
func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// Transliterate writes the Cyrillic letters of s (Russian, Belarusian and
// Ukrainian) in Latin letters and leaves every other character as it is.
//
// The table is the BGN/PCGN romanisation of Russian (1947) with the
// Belarusian letters of BGN/PCGN 1979 (і → i, ў → u) and the Ukrainian
// ґ, є, ї, written without diacritics and without context rules, so that
// the transliteration of a prefix is a prefix of the transliteration of the
// whole:
//
//	а a   б b   в v   г g   д d   е e   ё e   ж zh  з z   и i   й y
//	к k   л l   м m   н n   о o   п p   р r   с s   т t   у u   ф f
//	х kh  ц ts  ч ch  ш sh  щ shch ъ –  ы y   ь –   э e   ю yu  я ya
//	і i   ў u   ґ g   є ye  ї yi
//
// ъ, ь and an apostrophe (', ’ or ʼ) right after a Cyrillic letter (the
// Belarusian separating apostrophe, as in Аб'ём) are dropped. Г is always
// g, the Russian-form spelling usual on Belarusian documents (Гомель →
// Gomel), and ё is e, as on most passports (Журавлёв → Zhuravlev, Пётр →
// Petr).
//
// Case is kept: a capital whose Latin form has several letters is written
// in title case (Ж → Zh, Щука → Shchuka) unless the word around it is in
// capitals (ЖУК → ZHUK). Latin input comes back unchanged, so Transliterate
// is idempotent.
func Transliterate(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	b.WriteString(s[:i])
	prevCyr, prevUpper := false, false
	if i > 0 {
		prevUpper = unicode.IsUpper(rune(s[i-1]))
	}
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		latin, upper, ok := latinOf(r)
		switch {
		case ok:
			if upper && len(latin) > 1 && !capsContext(s[i:], prevUpper) {
				b.WriteByte(latin[0] - 'a' + 'A')
				b.WriteString(latin[1:])
			} else if upper {
				for j := 0; j < len(latin); j++ {
					b.WriteByte(latin[j] - 'a' + 'A')
				}
			} else {
				b.WriteString(latin)
			}
		case prevCyr && isApostrophe(r):
			// The Belarusian separating apostrophe: dropped.
		default:
			b.WriteRune(r)
		}
		prevCyr = ok
		prevUpper = unicode.IsUpper(r)
	}
	return b.String()
}

// capsContext reports whether a capital letter stands in a word written in
// capitals: the next character is a capital, or it is not a letter and the
// previous one was a capital.
func capsContext(rest string, prevUpper bool) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	if rest != "" && unicode.IsLetter(r) {
		return unicode.IsUpper(r)
	}
	return prevUpper
}

// SearchKey returns the key members are searched and sorted by: "family
// given" transliterated, in lower case, with runs of white space collapsed
// to one space and none at the ends. Иванов Пётр → "ivanov petr", so a query
// of "иван", "Ivan" or "IVAN" (see SearchPrefix) is a prefix of it.
func SearchKey(family, given string) string {
	return normalise(family+" "+given, false)
}

// SearchPrefix normalises a user's query the way SearchKey normalises
// names, so that the query matches every key it is a prefix of. A trailing
// space is kept (as one space) when the query has other text: "Иванов "
// finds Иванов Пётр but not Иванова Анна.
func SearchPrefix(q string) string {
	return normalise(q, true)
}

// normalise transliterates s, lower-cases it and collapses white space;
// keepTrailing keeps one trailing space after non-space text. It is
// strings.Join(strings.Fields(strings.ToLower(Transliterate(s))), " ") in
// one pass: a lower-cased Cyrillic letter is its Latin spelling in lower
// case, whatever capitals surround it.
func normalise(s string, keepTrailing bool) string {
	b := make([]byte, 0, len(s)+len(s)/4)
	space, prevCyr := false, false // space: white space since the last text
	for _, r := range s {
		latin, _, ok := latinOf(r)
		switch {
		case prevCyr && !ok && isApostrophe(r):
			// The Belarusian separating apostrophe: dropped.
		case !ok && unicode.IsSpace(r):
			space = true
		default:
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			if ok {
				b = append(b, latin...)
			} else {
				b = utf8.AppendRune(b, unicode.ToLower(r))
			}
		}
		prevCyr = ok
	}
	if keepTrailing && space && len(b) > 0 {
		b = append(b, ' ')
	}
	return string(b)
}
