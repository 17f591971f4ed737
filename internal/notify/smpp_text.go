package notify

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// gsmEscape introduces a character of the GSM extension table.
const gsmEscape = 0x1B

// gsmExtendedCodes are the codes, after gsmEscape, of gsmExtended's runes.
var gsmExtendedCodes = [...]byte{0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65, 0x0A}

// gsmSeptets returns r in the GSM 7-bit default alphabet, unpacked (a
// septet an octet, as SMPP carries data_coding 0): one septet, or two for
// a character of the extension table. ok is false for a rune outside it.
func gsmSeptets(r rune) (septets []byte, ok bool) {
	// gsmBasic lists the default alphabet in code order, without the
	// escape at 0x1B.
	i := 0
	for _, c := range gsmBasic {
		if c == r {
			if i >= gsmEscape {
				i++
			}
			return []byte{byte(i)}, true
		}
		i++
	}
	i = 0
	for _, c := range gsmExtended {
		if c == r {
			return []byte{gsmEscape, gsmExtendedCodes[i]}, true
		}
		i++
	}
	return nil, false
}

// gsmDecode reads unpacked GSM 7-bit septets; an unknown code reads as a
// space.
func gsmDecode(b []byte) string {
	basic := slices.Insert([]rune(gsmBasic), gsmEscape, ' ')
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == gsmEscape && i+1 < len(b) {
			i++
			r := ' '
			for j, code := range gsmExtendedCodes {
				if code == b[i] {
					r = []rune(gsmExtended)[j]
				}
			}
			s.WriteRune(r)
			continue
		}
		if int(c) < len(basic) {
			s.WriteRune(basic[c])
		} else {
			s.WriteRune(' ')
		}
	}
	return s.String()
}

// smppPart is one submit_sm's worth of a text.
type smppPart struct {
	DataCoding byte
	EsmClass   byte
	Message    []byte // UDH, if any, then the text
}

// smppParts encodes text for SMPP: GSM 7-bit (data_coding 0) when every
// character is in the GSM alphabet, else UCS-2 (data_coding 8, UTF-16BE).
// A text longer than one SMS (160 septets, 70 UTF-16 units) goes in parts
// of 153 septets or 67 units, each headed by a concatenation UDH (IEI 0,
// 8-bit reference ref, the count, the part's number), never splitting an
// escape sequence or a surrogate pair. More than 255 parts is an error.
func smppParts(text string, ref byte) ([]smppPart, error) {
	var units [][]byte // each character's encoding, kept whole in one part
	coding, single, part := smppCodingGSM, 160, 153
	if gsm(text) {
		for _, r := range text {
			s, _ := gsmSeptets(r)
			units = append(units, s)
		}
	} else {
		coding, single, part = smppCodingUCS2, 140, 134 // in bytes: 70 and 67 UTF-16 units
		for _, r := range text {
			var b []byte
			for _, u := range utf16.Encode([]rune{r}) {
				b = append(b, byte(u>>8), byte(u))
			}
			units = append(units, b)
		}
	}
	var chunks [][]byte
	var cur []byte
	total := 0
	for _, u := range units {
		total += len(u)
	}
	limit := part
	if total <= single {
		limit = single
	}
	for _, u := range units {
		if len(cur)+len(u) > limit {
			chunks = append(chunks, cur)
			cur = nil
		}
		cur = append(cur, u...)
	}
	chunks = append(chunks, cur)
	if len(chunks) == 1 {
		return []smppPart{{DataCoding: coding, Message: chunks[0]}}, nil
	}
	if len(chunks) > 255 {
		return nil, fmt.Errorf("smpp: the text needs %d parts, more than 255", len(chunks))
	}
	parts := make([]smppPart, len(chunks))
	for i, c := range chunks {
		udh := []byte{5, 0, 3, ref, byte(len(chunks)), byte(i + 1)}
		parts[i] = smppPart{DataCoding: coding, EsmClass: smppEsmUDHI, Message: append(udh, c...)}
	}
	return parts, nil
}

// smppText decodes the text of a member's deliver_sm: GSM 7-bit, IA5,
// Latin-1 or UCS-2, after a UDH when esm_class says there is one.
func smppText(m smppShortMessage) string {
	b := m.Message
	if m.EsmClass&smppEsmUDHI != 0 && len(b) > 0 && int(b[0]) < len(b) {
		b = b[1+int(b[0]):]
	}
	switch m.DataCoding & 0x0F {
	case smppCodingUCS2:
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u))
	case smppCodingLatin1:
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r)
	case smppCodingIA5:
		return strings.ToValidUTF8(string(b), "?")
	default:
		return gsmDecode(b)
	}
}

// smppReceipt is what a delivery receipt says.
type smppReceipt struct {
	ID, Stat, Err string
}

// parseReceipt reads the text of an SMSC delivery receipt, the format of
// SMPP 3.4 appendix B: "id:IIII sub:001 dlvrd:001 submit date:… done
// date:… stat:DELIVRD err:000 text:…". Keys are matched in any case.
func parseReceipt(text string) (smppReceipt, bool) {
	var r smppReceipt
	lower := strings.ToLower(text)
	field := func(key string) string {
		i := strings.Index(lower, key)
		if i < 0 || (i > 0 && lower[i-1] != ' ') {
			return ""
		}
		v := text[i+len(key):]
		if j := strings.IndexByte(v, ' '); j >= 0 {
			v = v[:j]
		}
		return v
	}
	r.ID, r.Stat, r.Err = field("id:"), strings.ToUpper(field("stat:")), field("err:")
	return r, r.ID != "" && r.Stat != ""
}
