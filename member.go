package muster

import (
	"context"
	"strings"
	"time"
)

// MemberStatus is where a member stands in the force.
type MemberStatus string

// The member statuses.
const (
	StatusApplicant  MemberStatus = "applicant"
	StatusActive     MemberStatus = "active"
	StatusReserve    MemberStatus = "reserve"
	StatusInactive   MemberStatus = "inactive"
	StatusDischarged MemberStatus = "discharged"
)

// MemberStatuses lists every status.
var MemberStatuses = []MemberStatus{StatusApplicant, StatusActive, StatusReserve, StatusInactive, StatusDischarged}

// Valid reports whether s is a known status.
func (s MemberStatus) Valid() bool {
	for _, v := range MemberStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// Member is one person of the force. Unit is the code of the member's
// primary unit; Assignments lists the units the member also serves in.
type Member struct {
	ID             int64                 `json:"-"`
	ServiceNumber  string                `json:"service_number"`
	FamilyName     string                `json:"family_name"`
	GivenName      string                `json:"given_name"`
	BirthDate      Date                  `json:"birth_date"`
	Unit           string                `json:"unit"`
	UnitID         int64                 `json:"-"`
	Position       string                `json:"position"`
	Status         MemberStatus          `json:"status"`
	Phone          string                `json:"phone"`
	Email          string                `json:"email"`
	Employer       string                `json:"employer"`
	Qualifications []MemberQualification `json:"qualifications"`
	Assignments    []Assignment          `json:"assignments,omitempty"`
	CreatedAt      time.Time             `json:"created_at"`
	UpdatedAt      time.Time             `json:"updated_at"`
}

// MemberQualification is a qualification a member holds, with the day it
// expires (zero: it does not expire).
type MemberQualification struct {
	Code    string `json:"code"`
	Expires Date   `json:"expires"`
}

// ValidOn reports whether the qualification is unexpired on day.
func (q MemberQualification) ValidOn(day Date) bool {
	return q.Expires.IsZero() || !q.Expires.Before(day)
}

// Assignment is a secondary unit a member serves in.
type Assignment struct {
	Unit     string `json:"unit"`
	Position string `json:"position"`
	Since    Date   `json:"since"`
}

// StatusChange is one entry of a member's status history.
type StatusChange struct {
	Status MemberStatus `json:"status"`
	At     time.Time    `json:"at"`
	Actor  string       `json:"actor"`
}

// ValidServiceNumber reports whether s is a well-formed service number:
// 1–32 letters, digits or '-'.
func ValidServiceNumber(s string) bool { return validKey(s, "-") }

// ValidPhone reports whether s is an E.164 number such as +375291234567.
func ValidPhone(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidEmail reports whether s looks like an e-mail address.
// The address needs one '@' with text before it, and a domain with a dot
// that neither starts nor ends it; spaces, control characters and <>,;"
// are refused.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>,;\"") || hasControl(s, false) {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	return dot > 0 && dot < len(domain)-1
}

// contactDetails checks an optional phone number and e-mail address, a
// member's or a staff user's, returning one detail per bad one.
func contactDetails(phone, email string) []ErrorDetail {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	switch {
	case phone == "":
	case hasControl(phone, false):
		bad("phone", ControlProblem)
	case !ValidPhone(phone):
		bad("phone", "must be in E.164 form, such as +375291234567")
	}
	switch {
	case email == "":
	case hasControl(email, false):
		bad("email", ControlProblem)
	case !ValidEmail(email):
		bad("email", "not an e-mail address")
	}
	return details
}

// Validate checks every field of the member that can be checked without the
// database, returning an EINVALID error with one detail per bad field.
// today bounds the birth date.
func (m *Member) Validate(today Date) error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	if !ValidServiceNumber(m.ServiceNumber) {
		bad("service_number", "must be 1–32 letters, digits or '-'")
	}
	if p := lineProblem(m.FamilyName, 100, true); p != "" {
		bad("family_name", p)
	}
	if p := lineProblem(m.GivenName, 100, true); p != "" {
		bad("given_name", p)
	}
	switch {
	case m.BirthDate.IsZero():
		bad("birth_date", "required")
	case m.BirthDate.After(today):
		bad("birth_date", "is in the future")
	case m.BirthDate.Before(today.AddDays(-365 * 120)):
		bad("birth_date", "is more than 120 years ago")
	}
	if !ValidCode(m.Unit) {
		bad("unit", "required, a unit code")
	}
	if p := lineProblem(m.Position, 200, false); p != "" {
		bad("position", p)
	}
	if !m.Status.Valid() {
		bad("status", "must be one of applicant, active, reserve, inactive, discharged")
	}
	details = append(details, contactDetails(m.Phone, m.Email)...)
	if p := lineProblem(m.Employer, 200, false); p != "" {
		bad("employer", p)
	}
	for _, as := range m.Assignments {
		if p := lineProblem(as.Position, 200, false); p != "" {
			bad("assignments", "position: "+p)
		}
	}
	seen := map[string]bool{}
	for _, q := range m.Qualifications {
		if !ValidCode(q.Code) {
			bad("qualifications", "not a qualification code: "+q.Code)
		} else if seen[q.Code] {
			bad("qualifications", "listed twice: "+q.Code)
		}
		seen[q.Code] = true
	}
	return InvalidFields("member", details)
}

// MemberFilter selects members. Unit restricts to a unit subtree (by primary
// unit); Qualification to holders of that qualification valid today; Query
// to a prefix of the service number or of the name ("family given"), in
// Cyrillic or Latin letters. Cursor continues a previous page.
type MemberFilter struct {
	Unit          string
	Status        []MemberStatus
	Qualification string
	Query         string
	Limit         int
	Cursor        string
}

// MemberPage is one page of members in name order (in service-number order
// when the query is a service number), with the total number that match
// the filter and the cursor of the next page ("" on the last).
type MemberPage struct {
	Members    []*Member `json:"members"`
	Total      int       `json:"total"`
	NextCursor string    `json:"next_cursor"`
}

// MemberUpdate holds the fields to change; nil fields stay as they are.
type MemberUpdate struct {
	FamilyName     *string                `json:"family_name"`
	GivenName      *string                `json:"given_name"`
	BirthDate      *Date                  `json:"birth_date"`
	Unit           *string                `json:"unit"`
	Position       *string                `json:"position"`
	Status         *MemberStatus          `json:"status"`
	Phone          *string                `json:"phone"`
	Email          *string                `json:"email"`
	Employer       *string                `json:"employer"`
	Qualifications *[]MemberQualification `json:"qualifications"`
	Assignments    *[]Assignment          `json:"assignments"`
}

// Apply copies the set fields of upd onto m.
func (upd MemberUpdate) Apply(m *Member) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&m.FamilyName, upd.FamilyName)
	set(&m.GivenName, upd.GivenName)
	set(&m.Unit, upd.Unit)
	set(&m.Position, upd.Position)
	set(&m.Phone, upd.Phone)
	set(&m.Email, upd.Email)
	set(&m.Employer, upd.Employer)
	if upd.BirthDate != nil {
		m.BirthDate = *upd.BirthDate
	}
	if upd.Status != nil {
		m.Status = *upd.Status
	}
	if upd.Qualifications != nil {
		m.Qualifications = *upd.Qualifications
	}
	if upd.Assignments != nil {
		m.Assignments = *upd.Assignments
	}
}

// MemberService manages the roster. Every method checks the actor in ctx
// against its unit subtree: a member is visible when its primary unit is in
// the actor's subtree.
//
// Errors: ENOTFOUND for an unknown service number, EFORBIDDEN for a member
// or unit outside the actor's subtree or a change the role does not allow,
// EINVALID for bad fields or an unknown unit or qualification, ECONFLICT for
// a duplicate service number.
type MemberService interface {
	FindMember(ctx context.Context, serviceNumber string) (*Member, error)
	FindMembers(ctx context.Context, filter MemberFilter) (*MemberPage, error)
	CreateMember(ctx context.Context, m *Member) error
	UpdateMember(ctx context.Context, serviceNumber string, upd MemberUpdate) (*Member, error)
	MemberStatusHistory(ctx context.Context, serviceNumber string) ([]StatusChange, error)
}
