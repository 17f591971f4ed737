package muster_test

import (
	"strings"
	"testing"

	"github.com/muster-force/muster"
)

func TestTransliterate(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Шевчук", "Shevchuk"},
		{"Журавлёв", "Zhuravlev"},
		{"Иванов Пётр", "Ivanov Petr"},
		{"Ковалёва Юлия", "Kovaleva Yuliya"},
		{"Щукин", "Shchukin"},
		{"Хацкевич", "Khatskevich"},
		{"Цыбульский", "Tsybulskiy"},
		{"Наталья", "Natalya"},
		{"Подъячев", "Podyachev"},
		{"Эдуард", "Eduard"},
		{"Яна", "Yana"},
		{"Гомель", "Gomel"},
		{"Мозырский район", "Mozyrskiy rayon"},
		// Belarusian letters and the separating apostrophe.
		{"Алесь Міхалевіч", "Ales Mikhalevich"},
		{"Ўладзімір", "Uladzimir"},
		{"Аб'ём", "Abem"},
		{"сям’я", "syamya"},
		{"Зьміцер", "Zmitser"},
		// Ukrainian letters.
		{"Ґалаґан Євген Їжак", "Galagan Yevgen Yizhak"},
		// Case.
		{"Ж", "Zh"},
		{"ж", "zh"},
		{"ЖУК", "ZHUK"},
		{"ШЕВЧУК", "SHEVCHUK"},
		{"ЩУКА", "SHCHUKA"},
		{"ЮЛИЯ", "YULIYA"},
		{"Жук Ж.", "Zhuk Zh."},
		{"ЖУК Ж.", "ZHUK Zh."},
		{"ИВАНОВ-ЖУК", "IVANOV-ZHUK"},
		{"ЁЛКИН", "ELKIN"},
		{"ІВАН ЎЗ", "IVAN UZ"},
		// Mixed scripts, digits and punctuation stay.
		{"рота №2 (Mozyr)", "rota №2 (Mozyr)"},
		{"ОАО «Гомсельмаш», 2025", "OAO «Gomselmash», 2025"},
		{"O'Brien и Шевчук", "O'Brien i Shevchuk"},
		{"Łukaszewicz Ян", "Łukaszewicz Yan"},
		{"Иванов\tИван", "Ivanov\tIvan"},
	} {
		if got := muster.Transliterate(tt.in); got != tt.want {
			t.Errorf("Transliterate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTransliterateIdempotent(t *testing.T) {
	for _, s := range []string{
		"Ivanov Petr", "O'Brien", "ZHUK", "abc-123_x.y@mail.ru", "Łódź", "",
		"Журавлёв", "ЩУКА", "Аб'ём", "Ковалёва Юлия", "рота №2",
	} {
		once := muster.Transliterate(s)
		if twice := muster.Transliterate(once); twice != once {
			t.Errorf("Transliterate(Transliterate(%q)) = %q, want %q", s, twice, once)
		}
		if !strings.ContainsFunc(s, isCyrillic) && once != s {
			t.Errorf("Transliterate(%q) = %q, want the Latin input unchanged", s, once)
		}
	}
}

// TestTransliteratePrefix checks that the transliteration of a prefix is a
// prefix of the transliteration, which prefix search relies on.
func TestTransliteratePrefix(t *testing.T) {
	for _, s := range []string{"щукин", "Журавлёва", "Аб'ём", "Подъячев", "Ўладзімір"} {
		whole := muster.Transliterate(s)
		for i := range s {
			if p := muster.Transliterate(s[:i]); !strings.HasPrefix(whole, p) {
				t.Errorf("Transliterate(%q) = %q is not a prefix of %q", s[:i], p, whole)
			}
		}
	}
}

func TestSearchKey(t *testing.T) {
	for _, tt := range []struct{ family, given, want string }{
		{"Иванов", "Пётр", "ivanov petr"},
		{"  Ковалёва ", "Юлия  Сергеевна", "kovaleva yuliya sergeevna"},
		{"ШЕВЧУК", "ИРИНА", "shevchuk irina"},
		{"Smith", "John", "smith john"},
		{"Жук", "", "zhuk"},
	} {
		if got := muster.SearchKey(tt.family, tt.given); got != tt.want {
			t.Errorf("SearchKey(%q, %q) = %q, want %q", tt.family, tt.given, got, tt.want)
		}
	}
}

func TestSearchPrefix(t *testing.T) {
	key := muster.SearchKey("Иванов", "Пётр")
	for _, q := range []string{"иван", "Ivan", "IVAN", "ИВАНОВ", "Иванов ", "Иванов  п", "ivanov PETR", "  иван", ""} {
		p := muster.SearchPrefix(q)
		if !strings.HasPrefix(key, p) {
			t.Errorf("SearchPrefix(%q) = %q, not a prefix of %q", q, p, key)
		}
	}
	other := muster.SearchKey("Иванова", "Анна")
	if p := muster.SearchPrefix("Иванов "); strings.HasPrefix(other, p) {
		t.Errorf("SearchPrefix(%q) = %q matches %q; a trailing space should end the word", "Иванов ", p, other)
	}
	for _, tt := range []struct{ q, want string }{
		{"  Журавлёв   Пётр ", "zhuravlev petr "},
		{"   ", ""},
		{"BY3", "by3"},
	} {
		if got := muster.SearchPrefix(tt.q); got != tt.want {
			t.Errorf("SearchPrefix(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func isCyrillic(r rune) bool { return r >= 0x400 && r < 0x530 }

func BenchmarkTransliterate(b *testing.B) {
	for b.Loop() {
		muster.Transliterate("Ковалёва Юлия Сергеевна")
	}
}
