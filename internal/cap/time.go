package cap

import (
	"fmt"
	"time"
)

// FormatTime writes t in loc (UTC when loc is nil) in the one dateTime form
// CAP 1.2 allows: YYYY-MM-DDThh:mm:ss±hh:mm, whole seconds (a fraction is
// dropped, as CAP forbids one in sent), a numeric offset and never "Z":
// a zero offset, UTC's included, is written -00:00 as the CAP spec says.
// An offset that is not whole minutes (old local mean times) cannot be
// written, so such a time is written in UTC. Years outside 0000–9999 are
// an error.
func FormatTime(t time.Time, loc *time.Location) (string, error) {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc).Truncate(time.Second)
	_, off := t.Zone()
	if off%60 != 0 {
		t = t.UTC()
		off = 0
	}
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("cap: year %d is outside 0000-9999", y)
	}
	sign := byte('+')
	if off <= 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(),
		sign, off/3600, off%3600/60), nil
}
