package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// reassemble checks the parts' headers and sizes and returns their text.
func reassemble(t *testing.T, parts []smppPart, ref byte) string {
	t.Helper()
	var b strings.Builder
	for i, p := range parts {
		body := p.Message
		if len(parts) > 1 {
			udh := []byte{5, 0, 3, ref, byte(len(parts)), byte(i + 1)}
			if len(body) < 6 || string(body[:6]) != string(udh) || p.EsmClass != smppEsmUDHI {
				t.Fatalf("part %d: header % x, esm_class %#x", i+1, body[:min(6, len(body))], p.EsmClass)
			}
			body = body[6:]
		}
		limit := map[bool]int{true: 160, false: 153}[len(parts) == 1]
		if p.DataCoding == smppCodingUCS2 {
			limit = map[bool]int{true: 140, false: 134}[len(parts) == 1]
		}
		if len(body) > limit {
			t.Fatalf("part %d of %d: %d bytes, more than %d", i+1, len(parts), len(body), limit)
		}
		b.WriteString(smppText(smppShortMessage{DataCoding: p.DataCoding, Message: body}))
	}
	return b.String()
}

func TestSMPPParts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		text   string
		coding byte
		parts  int
	}{
		{"latin", "Flood: report to the depot by 18:00.", smppCodingGSM, 1},
		{"gsm 160", strings.Repeat("a", 160), smppCodingGSM, 1},
		{"gsm 161", strings.Repeat("a", 161), smppCodingGSM, 2},
		{"escape kept whole", strings.Repeat("a", 152) + "€" + strings.Repeat("b", 10), smppCodingGSM, 2},
		{"extension table", "^{}\\[~]|€ and @£$¥ Δ_ΦΓ ÄÖÑÜ§¿äöñüà", smppCodingGSM, 1},
		{"cyrillic 70", strings.Repeat("я", 70), smppCodingUCS2, 1},
		{"cyrillic 71", strings.Repeat("я", 71), smppCodingUCS2, 2},
		{"surrogate pair kept whole", strings.Repeat("я", 66) + "🚒" + strings.Repeat("я", 10), smppCodingUCS2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			parts, err := smppParts(c.text, 42)
			if err != nil {
				t.Fatal(err)
			}
			if len(parts) != c.parts || parts[0].DataCoding != c.coding {
				t.Fatalf("%d parts in coding %d, want %d in %d", len(parts), parts[0].DataCoding, c.parts, c.coding)
			}
			if got := reassemble(t, parts, 42); got != c.text {
				t.Errorf("reassembled %q", got)
			}
		})
	}
	if _, err := smppParts(strings.Repeat("я", 67*256), 1); err == nil {
		t.Error("a text of 256 parts was accepted")
	}
}

func FuzzSMPPParts(f *testing.F) {
	f.Add("Flood: report now.")
	f.Add(strings.Repeat("€", 90))
	f.Add("Учения 🚒 " + strings.Repeat("x", 70))
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) || len(text) > 4000 {
			t.Skip()
		}
		parts, err := smppParts(text, 7)
		if err != nil {
			return // more than 255 parts
		}
		if got := reassemble(t, parts, 7); got != text {
			t.Errorf("%q reassembled as %q", text, got)
		}
	})
}

func TestParseReceipt(t *testing.T) {
	for _, c := range []struct {
		text string
		want smppReceipt
		ok   bool
	}{
		{"id:3e8a001 sub:001 dlvrd:001 submit date:2611231300 done date:2611231301 stat:DELIVRD err:000 text:Flood", smppReceipt{"3e8a001", "DELIVRD", "000"}, true},
		{"ID:77 SUB:001 DLVRD:000 SUBMIT DATE:2611231300 DONE DATE:2611231301 STAT:undeliv ERR:001 TEXT:", smppReceipt{"77", "UNDELIV", "001"}, true},
		{"id:77 sub:001", smppReceipt{ID: "77"}, false},
		{"2 45", smppReceipt{}, false},
	} {
		got, ok := parseReceipt(c.text)
		if got != c.want || ok != c.ok {
			t.Errorf("parseReceipt(%q) = %+v, %v; want %+v, %v", c.text, got, ok, c.want, c.ok)
		}
	}
}

// FuzzDecodeShortMessage: any deliver_sm body decodes or fails cleanly,
// and an encoded message decodes to itself.
func FuzzDecodeShortMessage(f *testing.F) {
	f.Add(smppShortMessage{SourceTON: 1, SourceNPI: 1, Source: "375291234567", EsmClass: 4, Message: []byte("id:1 stat:DELIVRD")}.encode())
	f.Add([]byte{0, 1, 1})
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := decodeShortMessage(body)
		if err != nil {
			return
		}
		smppText(m)
		parseReceipt(smppText(m))
		if strings.ContainsRune(m.Source, 0) || strings.ContainsRune(m.Dest, 0) || len(m.Message) > 255 {
			return // not what encode makes
		}
		again, err := decodeShortMessage(m.encode())
		if err != nil || again.Source != m.Source || again.Dest != m.Dest || string(again.Message) != string(m.Message) ||
			again.EsmClass != m.EsmClass || again.DataCoding != m.DataCoding {
			t.Errorf("%+v encoded and decoded as %+v, %v", m, again, err)
		}
	})
}
