package rostercsv

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	muster "github.com/muster-force/muster"
)

func TestMemberWriterFormat(t *testing.T) {
	var buf bytes.Buffer
	w := NewMemberWriter(&buf)
	m := &muster.Member{ServiceNumber: "A-1", FamilyName: "Smith, Jr.", GivenName: `John "Jack"`,
		BirthDate: muster.NewDate(1990, 1, 2), Unit: "U1", Status: muster.StatusReserve,
		Qualifications: []muster.MemberQualification{{Code: "FA", Expires: muster.NewDate(2026, 1, 1)}, {Code: "DRV-B"}}}
	if err := w.Write(m); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := fullHeader + `A-1,"Smith, Jr.","John ""Jack""",1990-01-02,U1,,reserve,,,,DRV-B;FA:2026-01-01` + "\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	if m.Qualifications[0].Code != "FA" {
		t.Error("Write sorted the member's qualifications in place")
	}
}

func TestWritersEmpty(t *testing.T) {
	var m, u bytes.Buffer
	if err := NewMemberWriter(&m).Flush(); err != nil {
		t.Fatal(err)
	}
	if err := NewUnitWriter(&u).Flush(); err != nil {
		t.Fatal(err)
	}
	if m.String() != fullHeader || u.String() != "code,name,parent,kind,target_strength\n" {
		t.Errorf("empty exports: %q, %q", m.String(), u.String())
	}
}

func TestWriterError(t *testing.T) {
	w := NewMemberWriter(failWriter{})
	w.Write(&muster.Member{ServiceNumber: "A-1"})
	if err := w.Flush(); err == nil {
		t.Error("Flush returned no error for a failing writer")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestMemberRoundTrip writes random members, reads them back, and wants
// the same members without problems.
func TestMemberRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	members := []*muster.Member{
		{ServiceNumber: "A-1", FamilyName: "Іваноў", GivenName: "Пётр", BirthDate: muster.NewDate(1980, 2, 29),
			Unit: "U1", Status: muster.StatusActive}, // every optional field empty
		{ServiceNumber: "B", FamilyName: `O"Brien, "Jr."`, GivenName: "Two  spaces", BirthDate: muster.NewDate(2000, 12, 31),
			Unit: "U.2_x", Position: ",", Status: muster.StatusApplicant, Phone: "+12025550123", Email: "a.b@c.example",
			Employer: "\"\"", Qualifications: []muster.MemberQualification{{Code: "A"}, {Code: "B", Expires: muster.NewDate(2030, 1, 1)}}},
	}
	for range 500 {
		members = append(members, randomMember(rng))
	}
	var buf bytes.Buffer
	w := NewMemberWriter(&buf)
	for _, m := range members {
		if err := w.Write(m); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(buf.Bytes(), []byte(bom)) {
		t.Error("the writer wrote a BOM")
	}
	_, recs := readMembers(t, buf.String())
	if len(recs) != len(members) {
		t.Fatalf("read %d members, wrote %d", len(recs), len(members))
	}
	for i, rec := range recs {
		if len(rec.Problems) > 0 {
			t.Errorf("member %d: problems %+v", i, rec.Problems)
		}
		if !reflect.DeepEqual(&rec.Member, members[i]) {
			t.Errorf("member %d:\nread  %+v\nwrote %+v", i, rec.Member, *members[i])
		}
	}
}

// randomMember returns a valid member with awkward text: Cyrillic and Latin
// letters, commas, quotes, inner spaces (no line breaks: names refuse
// control characters). Qualifications are
// sorted by code, as the writer writes them.
func randomMember(rng *rand.Rand) *muster.Member {
	text := func(n int) string {
		pieces := []string{"Ж", "ё", "Ў", "a", "Z", ",", `"`, " ", "'", ";", ":", "щ", "ß", "€"}
		var b strings.Builder
		b.WriteString("Я")
		for range rng.IntN(n) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		b.WriteString("x")
		return b.String()
	}
	maybe := func(s string) string {
		if rng.IntN(3) == 0 {
			return ""
		}
		return s
	}
	m := &muster.Member{
		ServiceNumber: "S-" + string(rune('A'+rng.IntN(26))) + strings.Repeat("7", rng.IntN(10)),
		FamilyName:    text(20), GivenName: text(10),
		BirthDate: muster.NewDate(1950+rng.IntN(50), 1, 1).AddDays(rng.IntN(365)),
		Unit:      "U" + string(rune('0'+rng.IntN(10))), Position: maybe(text(30)),
		Status: muster.MemberStatuses[rng.IntN(len(muster.MemberStatuses))],
		Phone:  maybe("+3752912345" + string(rune('0'+rng.IntN(10)))), Email: maybe("x@y.by"),
		Employer: maybe(text(40)),
	}
	for i, code := range []string{"DRV-B", "FA", "MED.1", "RIFLE"} {
		if rng.IntN(2) == 0 {
			q := muster.MemberQualification{Code: code}
			if i%2 == 0 {
				q.Expires = muster.NewDate(2026, 1, 1).AddDays(rng.IntN(1000))
			}
			m.Qualifications = append(m.Qualifications, q)
		}
	}
	return m
}

func TestUnitRoundTrip(t *testing.T) {
	units := []*muster.Unit{
		{Code: "HQ", Name: "Камандаванне, \"штаб\"", Kind: muster.UnitCommand, TargetStrength: 12},
		{Code: "MN", Name: "Minsk, \"region\"", Parent: "HQ", Kind: muster.UnitRegion},
	}
	var buf bytes.Buffer
	w := NewUnitWriter(&buf)
	for _, u := range units {
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	ur, err := NewUnitReader(&buf, "u.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		rec, err := ur.Next()
		if err == io.EOF {
			if i != len(units) {
				t.Errorf("read %d units, wrote %d", i, len(units))
			}
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if len(rec.Problems) > 0 || !reflect.DeepEqual(&rec.Unit, units[i]) {
			t.Errorf("unit %d: read %+v (problems %+v), wrote %+v", i, rec.Unit, rec.Problems, units[i])
		}
	}
}
