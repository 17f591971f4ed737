package muster

import (
	"strings"
	"testing"
	"time"
)

// validMember returns a member without problems.
func validMember() *Member {
	return &Member{ServiceNumber: "G1", FamilyName: "Иванов", GivenName: "Пётр", BirthDate: NewDate(1990, 5, 17),
		Unit: "GOM", Status: StatusActive}
}

// problemOf returns the message of the detail of err about field, or "".
func problemOf(err error, field string) string {
	for _, d := range ErrorDetails(err) {
		if d.Field == field {
			return d.Message
		}
	}
	return ""
}

func TestTextLimitsCountCharacters(t *testing.T) {
	today := NewDate(2026, 1, 1)
	m := validMember()
	m.FamilyName = strings.Repeat("Ж", 100) // 100 characters, 200 bytes
	m.Position = strings.Repeat("ў", 200)
	if err := m.Validate(today); err != nil {
		t.Errorf("100 Cyrillic letters in family_name, 200 in position: %v", err)
	}
	m.FamilyName = strings.Repeat("Ж", 101)
	if got := problemOf(m.Validate(today), "family_name"); got != "required, at most 100 characters" {
		t.Errorf("101 letters: family_name problem %q", got)
	}
	u := &Unit{Code: "GOM", Name: strings.Repeat("Г", 200), Kind: UnitRegion}
	if err := u.Validate(); err != nil {
		t.Errorf("unit name of 200 Cyrillic letters: %v", err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &CallUp{Title: strings.Repeat("Сбор ", 40), Kind: CallUpExercise, Unit: "GOM", Message: strings.Repeat("я", 1000),
		AssemblyPoint: strings.Repeat("я", 300), ReportBy: now.Add(time.Hour), Channels: []Channel{ChannelSMS}}
	if err := c.Validate(now); err != nil {
		t.Errorf("call-up of Cyrillic text at the limits: %v", err)
	}
	c.AssemblyPoint += "я"
	if got := problemOf(c.Validate(now), "assembly_point"); got != "at most 300 characters" {
		t.Errorf("assembly_point of 301 letters: %q", got)
	}
	a := &Answer{Answer: AnswerNo, Reason: strings.Repeat("я", 500)}
	if err := a.Validate(); err != nil {
		t.Errorf("reason of 500 Cyrillic letters: %v", err)
	}
	e := &Exercise{Title: strings.Repeat("Ж", 200), Unit: "GOM", Start: NewDate(2027, 1, 8), End: NewDate(2027, 1, 9),
		Objectives: []string{strings.Repeat("ж", 501)}}
	if got := problemOf(e.Validate(), "objectives"); got != "each at most 500 characters" {
		t.Errorf("objective of 501 letters: %q", got)
	}
}

func TestTextRefusesControlCharacters(t *testing.T) {
	today := NewDate(2026, 1, 1)
	for _, tc := range []struct {
		field  string
		change func(*Member)
	}{
		{"family_name", func(m *Member) { m.FamilyName = "Ива\x00нов" }},
		{"family_name", func(m *Member) { m.FamilyName = "Ива\tнов" }},
		{"given_name", func(m *Member) { m.GivenName = "Пётр\x07" }},
		{"position", func(m *Member) { m.Position = "стрелок\x7f" }},
		{"employer", func(m *Member) { m.Employer = "МТЗ\nцех 3" }},
		{"phone", func(m *Member) { m.Phone = "+37529123456\x00" }},
		{"email", func(m *Member) { m.Email = "piotr\x1b@example.by" }},
		{"assignments", func(m *Member) { m.Assignments = []Assignment{{Unit: "GOM-1", Position: "driver\x00"}} }},
	} {
		m := validMember()
		tc.change(m)
		if got := problemOf(m.Validate(today), tc.field); !strings.Contains(got, ControlProblem) {
			t.Errorf("%s: problem %q, want %q", tc.field, got, ControlProblem)
		}
	}
	if ValidEmail("a\x00b@example.by") {
		t.Error("ValidEmail accepts a NUL")
	}

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	callUp := func() *CallUp {
		return &CallUp{Title: "Flood", Kind: CallUpEmergency, Unit: "GOM", Message: "Report to the depot.\r\n\tBring boots.",
			AssemblyPoint: "Depot", ReportBy: now.Add(time.Hour), Channels: []Channel{ChannelSMS}}
	}
	if err := callUp().Validate(now); err != nil {
		t.Errorf("a message of several lines with a tab: %v", err)
	}
	for field, change := range map[string]func(*CallUp){
		"title":          func(c *CallUp) { c.Title = "Flood\tGomel" },
		"message":        func(c *CallUp) { c.Message = "Report\x00" },
		"assembly_point": func(c *CallUp) { c.AssemblyPoint = "Depot\nGate 2" },
	} {
		c := callUp()
		change(c)
		if got := problemOf(c.Validate(now), field); got != ControlProblem {
			t.Errorf("call-up %s: problem %q", field, got)
		}
	}
	if err := (&Answer{Answer: AnswerNo, Reason: "sick\x07"}).Validate(); problemOf(err, "reason") != ControlProblem {
		t.Errorf("answer reason with BEL: %v", err)
	}
	e := &Exercise{Title: "Gomel\x00", Unit: "GOM", Start: NewDate(2027, 1, 8), End: NewDate(2027, 1, 9), Location: "Range\x1f"}
	err := e.Validate()
	if problemOf(err, "title") != ControlProblem || problemOf(err, "location") != ControlProblem {
		t.Errorf("exercise: %+v", ErrorDetails(err))
	}
	if err := (&Unit{Code: "GOM", Name: "Gomel\x00", Kind: UnitRegion}).Validate(); problemOf(err, "name") != ControlProblem {
		t.Errorf("unit name with NUL: %v", err)
	}
	if err := (&Unavailability{From: now, To: now.Add(time.Hour), Reason: "abroad\x00"}).Validate(); problemOf(err, "reason") != ControlProblem {
		t.Errorf("unavailability reason with NUL: %+v", ErrorDetails(err))
	}
	if err := (&ParticipantNote{Text: "first line\nsecond line"}).Validate(); err != nil {
		t.Errorf("a note of two lines: %v", err)
	}
}
