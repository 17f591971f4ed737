package muster

import (
	"encoding/json"
	"time"
)

// Date is a calendar date without a time zone, such as a birth date or the
// day a qualification expires. The zero Date means "no date".
type Date struct {
	t time.Time // midnight UTC; zero when unset
}

// DateLayout is how dates are written in CSV, JSON and the database.
const DateLayout = "2006-01-02"

// ParseDate parses "YYYY-MM-DD", refusing impossible dates such as
// 2023-02-30. Its EINVALID error says which, as DateProblem does.
func ParseDate(s string) (Date, error) {
	d, problem := parseDate(s)
	if problem != "" {
		return Date{}, Errorf(EINVALID, "%q is %s", s, problem)
	}
	return d, nil
}

// DateProblem says why ParseDate refuses s: "not a real date" when s has
// the form YYYY-MM-DD but names no day (2023-02-30, 2023-13-01), "not a
// date of the form YYYY-MM-DD" otherwise, and "" when s is a date.
func DateProblem(s string) string {
	_, problem := parseDate(s)
	return problem
}

// parseDate reads s as YYYY-MM-DD, returning the date or, when s is not
// one, the problem DateProblem names.
func parseDate(s string) (Date, string) {
	const malformed = "not a date of the form YYYY-MM-DD"
	if len(s) != len(DateLayout) {
		return Date{}, malformed
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return Date{}, malformed
			}
		} else if s[i] < '0' || s[i] > '9' {
			return Date{}, malformed
		}
	}
	y, m, d := digits(s[0:4]), time.Month(digits(s[5:7])), digits(s[8:10])
	if m < time.January || m > time.December || d < 1 || d > daysIn(y, m) {
		return Date{}, "not a real date"
	}
	return NewDate(y, m, d), ""
}

// digits returns the number the ASCII digits of s make.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// NewDate returns the date y-m-d, normalising overflow as time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	return Date{t: time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.t.Date()
	if y < 0 || y > 9999 {
		return d.t.Format(DateLayout)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return string(b[:])
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{t: d.t.AddDate(0, 0, n)} }

// AddMonths returns the day n months after d; a day past the end of the
// month is the month's last day (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	y, m, day := d.t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return NewDate(first.Year(), first.Month(), min(day, last))
}

// MarshalJSON writes the date as "YYYY-MM-DD", or null when unset.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "a date must be a string of the form YYYY-MM-DD")
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(*s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
