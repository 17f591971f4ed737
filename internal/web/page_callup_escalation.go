package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// requirementRows is how many rows of qualification and count the form
// of a new call-up offers (empty rows are ignored).
const requirementRows = 4

// escalationForm is the part of the call-up form that sets requirements
// and escalation, as typed.
type escalationForm struct {
	Rows          []requirementRow
	FallbackAfter string // a duration, "" for all channels at once
	Reminders     string // durations separated by commas or spaces
	RealertAfter  string
	RealertUnit   string
	// RealertStatus and RealertQualifications narrow the re-alert pool
	// (comma-separated; empty: active members). The form carries them
	// hidden, from a template.
	RealertStatus         string
	RealertQualifications string
}

// requirementRow is one row of the requirements: a qualification code and
// how many are needed.
type requirementRow struct {
	Qualification, Needed string
}

// newEscalationForm returns the empty part: blank requirement rows.
func newEscalationForm() escalationForm {
	return escalationForm{Rows: make([]requirementRow, requirementRows)}
}

// read reads the posted fields.
func (e *escalationForm) read(r *http.Request) {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	quals, needed := r.PostForm["req_qualification"], r.PostForm["req_needed"]
	e.Rows = make([]requirementRow, max(requirementRows, len(quals)))
	for i := range e.Rows {
		if i < len(quals) {
			e.Rows[i].Qualification = strings.TrimSpace(quals[i])
		}
		if i < len(needed) {
			e.Rows[i].Needed = strings.TrimSpace(needed[i])
		}
	}
	e.FallbackAfter, e.Reminders = v("fallback_after"), v("reminders")
	e.RealertAfter, e.RealertUnit = v("realert_after"), v("realert_unit")
	e.RealertStatus, e.RealertQualifications = v("realert_status"), v("realert_qualifications")
}

// fill sets the form from c's requirements and escalation: the new call-up
// form started from a template.
func (e *escalationForm) fill(c *muster.CallUp) {
	e.Rows = make([]requirementRow, max(requirementRows, len(c.Requirements)+1))
	for i, r := range c.Requirements {
		e.Rows[i] = requirementRow{Qualification: r.Qualification, Needed: strconv.Itoa(r.Needed)}
	}
	if c.Escalation.FallbackAfter > 0 {
		e.FallbackAfter = c.Escalation.FallbackAfter.String()
	}
	reminders := make([]string, len(c.Escalation.Reminders))
	for i, d := range c.Escalation.Reminders {
		reminders[i] = d.String()
	}
	e.Reminders = strings.Join(reminders, ", ")
	if p := c.Escalation.Realert; p != nil {
		e.RealertAfter, e.RealertUnit = p.After.String(), p.Unit
		status := make([]string, len(p.Filter.Status))
		for i, st := range p.Filter.Status {
			status[i] = string(st)
		}
		e.RealertStatus, e.RealertQualifications = strings.Join(status, ","), strings.Join(p.Filter.Qualifications, ",")
		if e.RealertStatus == string(muster.StatusActive) {
			e.RealertStatus = "" // the form's default pool
		}
	}
}

// apply sets c's requirements and escalation from the form, noting fields
// that do not parse in errs (keyed as the API's error details). The pool
// of a re-alert is the unit's active members, unless the hidden fields
// from a template narrow it otherwise.
func (e *escalationForm) apply(c *muster.CallUp, errs map[string]string) {
	duration := func(field, s string) muster.Duration {
		d, err := muster.ParseDuration(s)
		if err != nil {
			errs[field] = muster.ErrorMessage(err)
		}
		return d
	}
	for i, row := range e.Rows {
		if row.Qualification == "" && row.Needed == "" {
			continue
		}
		// The index of the requirement, as Validate will name it.
		field := "requirements[" + strconv.Itoa(len(c.Requirements)) + "]"
		n, err := strconv.Atoi(row.Needed)
		if err != nil {
			errs[field+".needed"] = "a whole number of members"
		}
		e.Rows[i] = row
		c.Requirements = append(c.Requirements, muster.Requirement{Qualification: row.Qualification, Needed: n})
	}
	if e.FallbackAfter != "" {
		c.Escalation.FallbackAfter = duration("escalation.fallback_after", e.FallbackAfter)
	}
	for i, s := range strings.FieldsFunc(e.Reminders, func(r rune) bool { return r == ',' || r == ' ' }) {
		c.Escalation.Reminders = append(c.Escalation.Reminders, duration("escalation.reminders["+strconv.Itoa(i)+"]", s))
	}
	if e.RealertAfter != "" || e.RealertUnit != "" {
		p := &muster.Realert{After: duration("escalation.realert.after", e.RealertAfter), Unit: e.RealertUnit}
		for _, st := range strings.Split(e.RealertStatus, ",") {
			if st = strings.TrimSpace(st); st != "" {
				p.Filter.Status = append(p.Filter.Status, muster.MemberStatus(st))
			}
		}
		for _, q := range strings.Split(e.RealertQualifications, ",") {
			if q = strings.TrimSpace(q); q != "" {
				p.Filter.Qualifications = append(p.Filter.Qualifications, q)
			}
		}
		c.Escalation.Realert = p
	}
}

// RequirementsError returns the first error of a requirement or a
// reminder, which the form shows under their fieldsets, as "field:
// message".
func (f *callUpForm) RequirementsError(prefix string) string {
	var fields []string
	for field := range f.Errors {
		if strings.HasPrefix(field, prefix) {
			fields = append(fields, field)
		}
	}
	if len(fields) == 0 {
		return ""
	}
	slices.Sort(fields)
	return fields[0] + ": " + f.Errors[fields[0]]
}

// qualificationRow is one line of the board's table of required
// qualifications.
type qualificationRow struct {
	*muster.QualificationReadiness
	Coming int  // yes + late
	Short  bool // fewer coming than needed
}

// qualificationRows returns the rows of the readiness's required
// qualifications.
func qualificationRows(rd *muster.Readiness) []qualificationRow {
	rows := make([]qualificationRow, len(rd.Qualifications))
	for i, q := range rd.Qualifications {
		rows[i] = qualificationRow{QualificationReadiness: q, Coming: q.Yes + q.Late, Short: q.Short()}
	}
	return rows
}
