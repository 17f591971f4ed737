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
