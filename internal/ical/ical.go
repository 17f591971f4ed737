// Package ical writes iCalendar files (RFC 5545) of all-day events, as
// calendar apps read from a feed: CRLF line endings, lines folded at 75
// octets without splitting a UTF-8 sequence, text values escaped. It is
// small enough that a library (github.com/arran4/golang-ical) would bring
// more to review than it saves.
package ical

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is a VCALENDAR of events.
type Calendar struct {
	ProdID string // e.g. "-//muster//exercises//EN"
	Name   string // X-WR-CALNAME, the name calendar apps show
	Events []Event
}

// Event is an all-day VEVENT from Start to End, both given as the first and
// the last day; it is written with the exclusive DTEND of RFC 5545.
type Event struct {
	UID         string    // stable across feeds, e.g. "exercise-7@muster.example"
	Stamp       time.Time // DTSTAMP: when the event last changed
	Start, End  time.Time // dates, in any zone: only year, month and day count
	Summary     string
	Location    string
	Description string
	Categories  []string
}

// Write writes the calendar to w.
func (c *Calendar) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", Text(c.ProdID))
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", Text(c.Name))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", Text(e.UID))
		line("DTSTAMP", e.Stamp.UTC().Format("20060102T150405Z"))
		line("DTSTART;VALUE=DATE", e.Start.Format("20060102"))
		line("DTEND;VALUE=DATE", e.End.AddDate(0, 0, 1).Format("20060102"))
		line("SUMMARY", Text(e.Summary))
		if e.Location != "" {
			line("LOCATION", Text(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION", Text(e.Description))
		}
		if len(e.Categories) > 0 {
			cats := make([]string, len(e.Categories))
			for i, s := range e.Categories {
				cats[i] = Text(s)
			}
			line("CATEGORIES", strings.Join(cats, ","))
		}
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// textEscaper escapes a TEXT value (RFC 5545 3.3.11).
var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// Text escapes s as a TEXT value, dropping control characters the format
// cannot carry.
func Text(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	return textEscaper.Replace(s)
}

// maxLine is the longest a content line may be, in octets, without CRLF.
const maxLine = 75

// writeFolded writes one content line, folded (RFC 5545 3.1): a CRLF and a
// space before every 74 octets after the first 75, never inside a UTF-8
// sequence.
func writeFolded(w *bufio.Writer, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
