package cap

import (
	"testing"
	"time"
	_ "time/tzdata" // Europe/Minsk and America/St_Johns on any machine
)

func TestFormatTime(t *testing.T) {
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	stJohns, err := time.LoadLocation("America/St_Johns")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 5, 0, 0, 999_999_999, time.UTC) // a fraction to drop
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"UTC", at, time.UTC, "2026-11-24T05:00:00-00:00"},
		{"nil is UTC", at, nil, "2026-11-24T05:00:00-00:00"},
		{"zero offset, not UTC", at, time.FixedZone("GMT", 0), "2026-11-24T05:00:00-00:00"},
		{"+03:00", at, minsk, "2026-11-24T08:00:00+03:00"},
		{"+05:45", at, time.FixedZone("NPT", 5*3600+45*60), "2026-11-24T10:45:00+05:45"},
		{"-05:00", at, time.FixedZone("EST", -5*3600), "2026-11-24T00:00:00-05:00"},
		{"-03:30 across midnight", at, stJohns, "2026-11-24T01:30:00-03:30"},
		{"-09:30", at, time.FixedZone("MART", -(9*3600 + 30*60)), "2026-11-23T19:30:00-09:30"},
		{"-00:30", at, time.FixedZone("X", -30*60), "2026-11-24T04:30:00-00:30"},
		{"seconds offset falls back to UTC", at, time.FixedZone("LMT", 3600+50*60+16), "2026-11-24T05:00:00-00:00"},
		{"year 0001", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, "0001-01-01T00:00:00-00:00"},
	}
	for _, tt := range tests {
		got, err := FormatTime(tt.t, tt.loc)
		if err != nil || got != tt.want {
			t.Errorf("%s: FormatTime = %q, %v; want %q", tt.name, got, err, tt.want)
		}
		if !timeForm.MatchString(got) {
			t.Errorf("%s: %q is not the CAP dateTime form", tt.name, got)
		}
	}
	for _, y := range []int{-1, 10000} {
		if got, err := FormatTime(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), nil); err == nil {
			t.Errorf("year %d: FormatTime = %q, want an error", y, got)
		}
	}
}
