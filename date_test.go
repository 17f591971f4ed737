package muster

import (
	"testing"
	"time"
)

func TestParseDateProblems(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2023-02-30", `"2023-02-30" is not a real date`},
		{"2023-13-01", `"2023-13-01" is not a real date`},
		{"2023-04-00", `"2023-04-00" is not a real date`},
		{"2023-2-3", `"2023-2-3" is not a date of the form YYYY-MM-DD`},
		{"30.02.2023", `"30.02.2023" is not a date of the form YYYY-MM-DD`},
		{"2023/02/03", `"2023/02/03" is not a date of the form YYYY-MM-DD`},
		{"", `"" is not a date of the form YYYY-MM-DD`},
	} {
		_, err := ParseDate(tc.in)
		if ErrorCode(err) != EINVALID || ErrorMessage(err) != tc.want {
			t.Errorf("ParseDate(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
	if d, err := ParseDate("2024-02-29"); err != nil || d.String() != "2024-02-29" {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
}

// FuzzParseDate checks ParseDate and String against the time package's
// parsing and formatting of the layout.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "2023-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2023-13-01", "2023-00-10", "2023-04-31", "2023-4-01", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := time.Parse(DateLayout, s)
		got, err := ParseDate(s)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("ParseDate(%q): error %v, time.Parse's %v", s, err, wantErr)
		}
		if err != nil {
			return
		}
		if !got.Time().Equal(want) {
			t.Errorf("ParseDate(%q) = %v, want %v", s, got.Time(), want)
		}
		if !got.IsZero() && got.String() != want.Format(DateLayout) {
			t.Errorf("ParseDate(%q).String() = %q, want %q", s, got.String(), want.Format(DateLayout))
		}
	})
}

// TestDateStringYears checks String against Format across the years it
// writes itself and beyond them.
func TestDateStringYears(t *testing.T) {
	for _, y := range []int{-1, 0, 1, 9, 10, 99, 100, 999, 1000, 2026, 9999, 10000} {
		d := NewDate(y, time.December, 9)
		if want := d.Time().Format(DateLayout); d.String() != want {
			t.Errorf("year %d: %q, want %q", y, d.String(), want)
		}
	}
}
