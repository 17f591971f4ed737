// Package paper renders call-up notices for printing: one A4 page per
// member, with the member's response link in text and as a QR code. The
// output is HTML that the browser prints; its stylesheet is CSS, served at
// StyleURL, since muster's Content-Security-Policy forbids inline styles.
package paper

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"

	muster "github.com/muster-force/muster"
)

// CSS is the stylesheet of the notices, to be served at StyleURL.
//
//go:embed print.css
var CSS string

//go:embed notices.html
var noticesHTML string

// StyleURL is where the notices link their stylesheet by default.
const StyleURL = "/static/print.css"

// Renderer writes printable notices. Set its fields before the first Write.
type Renderer struct {
	// StyleURL is the link to CSS; New sets it to the package's StyleURL.
	StyleURL string
	// SMSNumber, if not empty, is the number members text their answer
	// to; the notices name it.
	SMSNumber string

	tmpl *template.Template
}

// New parses the notice template.
func New() (*Renderer, error) {
	t, err := template.New("notices").Parse(noticesHTML)
	if err != nil {
		return nil, fmt.Errorf("paper: %w", err)
	}
	return &Renderer{StyleURL: StyleURL, tmpl: t}, nil
}

// sheet is what the template sees.
type sheet struct {
	Title, Kind, Unit, Message, AssemblyPoint, ReportBy string
	Drill                                               bool
	StyleURL, SMSNumber                                 string
	Notices                                             []notice
}

type notice struct {
	Name, ServiceNumber, URL string
	QR                       template.HTML
}

// Write writes an HTML document with one page for each notice, in the
// order given, to w. unitName names the force or unit that calls up; loc
// is the time zone in which the report-by time is shown (nil for UTC).
// Write does not filter: the caller passes the paper channel's notices.
func (r *Renderer) Write(w io.Writer, c *muster.CallUp, unitName string, notices []muster.Notice, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	s := sheet{
		Title: c.Title, Kind: kindName(c.Kind), Unit: unitName, Message: c.Message,
		AssemblyPoint: c.AssemblyPoint, ReportBy: FormatTime(c.ReportBy, loc), Drill: c.Drill,
		StyleURL: r.StyleURL, SMSNumber: r.SMSNumber,
		Notices: make([]notice, 0, len(notices)),
	}
	for _, n := range notices {
		qr, err := QRSVG(n.ResponseURL)
		if err != nil {
			return fmt.Errorf("paper: notice of %s: %w", n.ServiceNumber, err)
		}
		s.Notices = append(s.Notices, notice{Name: n.Name, ServiceNumber: n.ServiceNumber, URL: n.ResponseURL, QR: qr})
	}
	if err := r.tmpl.Execute(w, s); err != nil {
		return fmt.Errorf("paper: %w", err)
	}
	return nil
}

// FormatTime writes t for people, in loc: "Tuesday, 24 November 2026,
// 08:00 (UTC+03:00)".
func FormatTime(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("Monday, 2 January 2006, 15:04 (UTC-07:00)")
}

// kindName names a call-up kind in a sentence.
func kindName(k muster.CallUpKind) string {
	switch k {
	case muster.CallUpExercise:
		return "exercise"
	case muster.CallUpEmergency:
		return "EMERGENCY"
	case muster.CallUpMobilisation:
		return "MOBILISATION"
	case muster.CallUpCivil:
		return "civil work"
	}
	return string(k)
}
