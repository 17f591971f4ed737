package muster

import "testing"

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDateAddMonths(t *testing.T) {
	for _, tc := range []struct {
		from   string
		months int
		want   string
	}{{"2026-11-18", 12, "2027-11-18"}, {"2027-01-31", 1, "2027-02-28"}, {"2027-08-31", 6, "2028-02-29"}, {"2026-12-15", 1, "2027-01-15"}} {
		if got := mustDate(t, tc.from).AddMonths(tc.months).String(); got != tc.want {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.months, got, tc.want)
		}
	}
}
