// Package cap writes a call-up as an OASIS Common Alerting Protocol 1.2
// alert (urn:oasis:names:tc:emergency:cap:1.2), served as
// application/cap+xml by GET /api/v1/callups/{id}/cap.
//
// Choices the CAP mapping leaves open:
//   - scope is Restricted, with a restriction text naming the unit: the
//     alert is for the members called up and their staff, and CAP
//     addresses (Private) would have to list every member, which a
//     1,000,000-member call-up cannot do and which would leak the roster.
//   - category is Security for emergency and mobilisation (the force is
//     raised), Safety for civil call-ups (help to the population, e.g.
//     harvest work or flood relief) and Other for exercises (training).
//   - urgency is Immediate for emergency and mobilisation, Expected
//     otherwise; severity is Severe, Severe, Moderate, Minor for emergency,
//     mobilisation, civil, exercise; certainty is Observed (the call-up is
//     happening). A drill keeps these and is marked by status Exercise.
//   - expires is the report-by time.
package cap

import (
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/muster-force/muster"
)

// Namespace is the XML namespace of CAP 1.2.
const Namespace = "urn:oasis:names:tc:emergency:cap:1.2"

// MaxHeadline is the most characters (runes) a headline has; CAP asks for
// headlines short enough for text messages.
const MaxHeadline = 160

// Options carries what a call-up lacks to become an alert.
type Options struct {
	Sender           string         // required, e.g. "muster@force.example"; no spaces, commas, < or &
	SenderName       string         // the issuer's name; default UnitName
	UnitName         string         // the called-up unit's name; default the unit code
	SentAt           time.Time      // when the alert is sent; default time.Now()
	IdentifierPrefix string         // the identifier is the prefix and the call-up id; default "callup-"
	Location         *time.Location // the zone times are written in; default UTC (-00:00)
	Language         string         // "en" or "ru-BY"; default ru-BY when the title or message has Cyrillic, else en
}

// Alert returns the CAP 1.2 document of the call-up, with an XML
// declaration. The identifier (prefix + id) is the same every time the
// call-up is written, so a receiver sees one alert. It fails with EINVALID
// when the call-up has no id or an unknown kind, or the sender or prefix
// holds characters CAP forbids there.
func Alert(c *muster.CallUp, o Options) ([]byte, error) {
	if c == nil || c.ID <= 0 {
		return nil, muster.Errorf(muster.EINVALID, "cap: the call-up has no id")
	}
	k, ok := kinds[c.Kind]
	if !ok {
		return nil, muster.Errorf(muster.EINVALID, "cap: unknown call-up kind %q", c.Kind)
	}
	if o.IdentifierPrefix == "" {
		o.IdentifierPrefix = "callup-"
	}
	if !validID(o.Sender) || strings.ContainsAny(o.IdentifierPrefix, " \t\r\n,<&") {
		return nil, muster.Errorf(muster.EINVALID, "cap: sender and identifier prefix must be non-empty, without spaces, commas, < or &")
	}
	if o.UnitName == "" {
		o.UnitName = c.Unit
	}
	if o.SenderName == "" {
		o.SenderName = o.UnitName
	}
	if o.SentAt.IsZero() {
		o.SentAt = time.Now()
	}
	if o.Language == "" {
		o.Language = "en"
		if hasCyrillic(c.Title) || hasCyrillic(c.Message) {
			o.Language = "ru-BY"
		}
	}
	if !language.MatchString(o.Language) {
		return nil, muster.Errorf(muster.EINVALID, "cap: language %q is not a language tag", o.Language)
	}
	w := words(o.Language)
	sent, err := FormatTime(o.SentAt, o.Location)
	if err != nil {
		return nil, muster.Errorf(muster.EINVALID, "%s", err.Error())
	}
	a := alert{
		Identifier: o.IdentifierPrefix + strconv.FormatInt(c.ID, 10),
		Sender:     o.Sender, Sent: sent, Status: "Actual", MsgType: "Alert",
		Scope: "Restricted", Restriction: w.restriction(o.UnitName),
	}
	if c.Drill {
		a.Status, a.Note = "Exercise", w.drill
	}
	in := info{
		Language: o.Language, Category: k.category, Event: w.kind[c.Kind] + ": " + c.Title,
		Urgency: k.urgency, Severity: k.severity, Certainty: "Observed",
		SenderName: o.SenderName, Headline: truncate(c.Title, MaxHeadline),
		Description: c.Message, Area: area{AreaDesc: o.UnitName},
	}
	if c.AssemblyPoint != "" {
		in.Area.AreaDesc += " — " + c.AssemblyPoint
	}
	if !c.ReportBy.IsZero() {
		if in.Expires, err = FormatTime(c.ReportBy, o.Location); err != nil {
			return nil, muster.Errorf(muster.EINVALID, "%s", err.Error())
		}
	}
	in.Instruction = w.instruction(c.AssemblyPoint, c.ReportBy, o.Location)
	a.Info = in
	out, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// kind is how one call-up kind maps onto CAP's info values.
type kind struct{ category, urgency, severity string }

var kinds = map[muster.CallUpKind]kind{
	muster.CallUpEmergency:    {"Security", "Immediate", "Severe"},
	muster.CallUpMobilisation: {"Security", "Immediate", "Severe"},
	muster.CallUpCivil:        {"Safety", "Expected", "Moderate"},
	muster.CallUpExercise:     {"Other", "Expected", "Minor"},
}

// language is the form of xs:language (RFC 3066 tags such as en, ru-BY).
var language = regexp.MustCompile(`^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$`)

// validID reports whether s may be a CAP sender: non-empty, without
// whitespace, commas, < or &.
func validID(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t\r\n,<&")
}

func hasCyrillic(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0
}

// truncate cuts s to at most n runes, ending in "…" when it cuts.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	return strings.TrimRightFunc(string(r), unicode.IsSpace) + "…"
}
