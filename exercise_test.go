package muster

import (
	"strings"
	"testing"
)

func TestExerciseValidate(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	valid := func() *Exercise {
		return &Exercise{Title: " Gomel ", Unit: "GOM", Start: d("2027-01-08"), End: d("2027-01-31"),
			Objectives: []string{" receive ", "", "train"}, Partners: []string{"an army engineering battalion"}}
	}
	e := valid()
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Title != "Gomel" || strings.Join(e.Objectives, "|") != "receive|train" || e.Tracks == nil || e.Days() != 24 {
		t.Fatalf("normalised: %+v, %d days", e, e.Days())
	}
	for _, tc := range []struct {
		field  string
		change func(*Exercise)
	}{
		{"title", func(e *Exercise) { e.Title = " " }},
		{"unit", func(e *Exercise) { e.Unit = "ГОМ" }},
		{"start", func(e *Exercise) { e.Start = Date{} }},
		{"end", func(e *Exercise) { e.End = d("2027-01-07") }},
		{"end", func(e *Exercise) { e.End = d("2027-04-10") }}, // 93 days
		{"objectives", func(e *Exercise) { e.Objectives = []string{"a", "a"} }},
		{"partners", func(e *Exercise) { e.Partners = []string{strings.Repeat("x", 301)} }},
		{"tracks", func(e *Exercise) { e.Tracks = strings.Split(strings.Repeat("t,", 21)+"u", ",") }},
	} {
		e := valid()
		tc.change(e)
		err := e.Validate()
		if ErrorCode(err) != EINVALID || ErrorDetails(err)[0].Field != tc.field {
			t.Errorf("%s: %v %+v", tc.field, err, ErrorDetails(err))
		}
	}
	e = valid()
	e.End = d("2027-04-09") // 92 days: the longest allowed
	if err := e.Validate(); err != nil || e.Days() != MaxExerciseDays {
		t.Fatalf("92 days: %v (%d)", err, e.Days())
	}
}

func TestMarkValidate(t *testing.T) {
	day, _ := ParseDate("2027-01-08")
	for _, tc := range []struct {
		m     Mark
		field string
	}{
		{Mark{ServiceNumber: "G1", Date: day, Present: true, Hours: 24}, ""},
		{Mark{ServiceNumber: "G1", Date: day}, ""},
		{Mark{ServiceNumber: " ", Date: day}, "service_number"},
		{Mark{ServiceNumber: "G1"}, "date"},
		{Mark{ServiceNumber: "G1", Date: day, Present: true, Hours: -1}, "hours"},
		{Mark{ServiceNumber: "G1", Date: day, Hours: 1}, "hours"},
		{Mark{ServiceNumber: "G1", Date: day, Role: "cook"}, "role"},
	} {
		ds := tc.m.Validate()
		if tc.field == "" && len(ds) > 0 || tc.field != "" && (len(ds) != 1 || ds[0].Field != tc.field) {
			t.Errorf("%+v: %+v, want %q", tc.m, ds, tc.field)
		}
	}
}
