package web

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/jsonbody"
)

// The answers storm's JSON, in and out, without encoding/json's
// reflection: a call-up's answers come in by the thousand a second, and
// decoding and encoding each one through encoding/json cost the handler
// about 7 µs of its CPU. Each fast path takes only what it can do exactly
// as encoding/json would, and hands anything else to it: the results, and
// the errors, are the same either way (FuzzAnswerJSON).

// decodeAnswer reads the body of POST /r/{token} into in, as decodeJSON
// would; the caller has checked its Content-Type.
func decodeAnswer(w http.ResponseWriter, r *http.Request, in *answerInput) error {
	body, err := readJSONBody(w, r)
	if err != nil {
		return err
	}
	if in.decodeFast(body) {
		return nil
	}
	*in = answerInput{}
	return jsonbody.Decode(body, in)
}

// decodeFast decodes body into in and reports true when body is one JSON
// object whose members are answerInput's fields, by their exact names,
// with strings that hold no escape and numbers that are whole and short.
// Otherwise it reports false, having perhaps set some of in's fields.
func (in *answerInput) decodeFast(body []byte) bool {
	p := jsonScan{b: body}
	if !p.punct('{') {
		return false
	}
	if p.punct('}') {
		return p.end()
	}
	for {
		key, ok := p.plainString()
		if !ok || !p.punct(':') {
			return false
		}
		switch string(key) {
		case "answer":
			s, ok := p.plainString()
			if !ok {
				return false
			}
			in.Answer = answerKindOf(s)
		case "reason":
			s, ok := p.plainString()
			if !ok {
				return false
			}
			in.Reason = string(s)
		case "eta_minutes":
			n, ok := p.shortInt()
			if !ok {
				return false
			}
			in.ETAMinutes = n
		default:
			return false
		}
		if p.punct('}') {
			return p.end()
		}
		if !p.punct(',') {
			return false
		}
	}
}

// answerKindOf returns s as an AnswerKind, without a copy for the known
// ones.
func answerKindOf(s []byte) muster.AnswerKind {
	for _, k := range []muster.AnswerKind{muster.AnswerYes, muster.AnswerLate, muster.AnswerNo} {
		if string(s) == string(k) {
			return k
		}
	}
	return muster.AnswerKind(s)
}

// jsonScan reads the tokens decodeFast accepts.
type jsonScan struct {
	b []byte
	i int
}

// space skips JSON white space.
func (p *jsonScan) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// punct skips white space and c, reporting whether c came.
func (p *jsonScan) punct(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (p *jsonScan) end() bool {
	p.space()
	return p.i == len(p.b)
}

// plainString reads a string of valid UTF-8 with no escape and no control
// character, and returns its bytes.
func (p *jsonScan) plainString() ([]byte, bool) {
	if !p.punct('"') {
		return nil, false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			return s, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// shortInt reads a whole number of at most 9 digits, in JSON's form: no
// leading zero, no fraction, no exponent.
func (p *jsonScan) shortInt() (int, bool) {
	p.space()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	n := p.i - digits
	if n == 0 || n > 9 || (n > 1 && p.b[digits] == '0') {
		return 0, false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return 0, false
	}
	v, err := strconv.Atoi(string(p.b[start:p.i]))
	return v, err == nil
}

// writeAnswer writes the stored answer as writeJSON would.
func writeAnswer(w http.ResponseWriter, a *muster.Answer) {
	b, ok := appendAnswerJSON(make([]byte, 0, 128), a)
	if !ok {
		writeJSON(w, http.StatusOK, a)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// appendAnswerJSON appends a as encoding/json encodes it, with a newline
// as json.Encoder ends it, and reports true; or reports false when one of
// its texts needs an escape, which encoding/json must write.
func appendAnswerJSON(b []byte, a *muster.Answer) ([]byte, bool) {
	if !plainJSON(string(a.Answer)) || !plainJSON(a.Reason) || !plainJSON(a.Via) || a.At.Year() < 0 || a.At.Year() > 9999 {
		return b, false
	}
	b = append(b, `{"answer":"`...)
	b = append(b, a.Answer...)
	b = append(b, '"')
	if a.ETAMinutes != 0 {
		b = append(b, `,"eta_minutes":`...)
		b = strconv.AppendInt(b, int64(a.ETAMinutes), 10)
	}
	if a.Reason != "" {
		b = append(b, `,"reason":"`...)
		b = append(b, a.Reason...)
		b = append(b, '"')
	}
	if a.Via != "" {
		b = append(b, `,"via":"`...)
		b = append(b, a.Via...)
		b = append(b, '"')
	}
	b = append(b, `,"at":"`...)
	b = a.At.AppendFormat(b, time.RFC3339Nano)
	return append(b, "\"}\n"...), true
}

// plainJSON reports whether encoding/json writes s as it is, between
// quotes: valid UTF-8 with no quote, backslash, control character, U+2028
// or U+2029.
func plainJSON(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == utf8.RuneError || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}
