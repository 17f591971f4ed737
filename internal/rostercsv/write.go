package rostercsv

import (
	"io"
	"slices"
	"strconv"
	"strings"

	muster "github.com/muster-force/muster"
)

// MemberWriter writes members as CSV in the contract's column order, header
// first, without a byte order mark.
type MemberWriter struct {
	cw     *Writer
	header bool // written
	rec    [numMemberColumns]string
}

// NewMemberWriter returns a MemberWriter writing to w.
func NewMemberWriter(w io.Writer) *MemberWriter {
	return &MemberWriter{cw: NewWriter(w)}
}

// Write writes one member, after the header on the first call.
// Qualifications are written sorted by code.
func (mw *MemberWriter) Write(m *muster.Member) error {
	if err := mw.writeHeader(); err != nil {
		return err
	}
	r := &mw.rec
	r[colServiceNumber] = m.ServiceNumber
	r[colFamilyName] = m.FamilyName
	r[colGivenName] = m.GivenName
	r[colBirthDate] = m.BirthDate.String()
	r[colUnit] = m.Unit
	r[colPosition] = m.Position
	r[colStatus] = string(m.Status)
	r[colPhone] = m.Phone
	r[colEmail] = m.Email
	r[colEmployer] = m.Employer
	r[colQualifications] = formatQualifications(m.Qualifications)
	return mw.cw.Write(r[:])
}

// Flush writes any buffered data (and the header, when no member was
// written) to the underlying writer and returns the first write error.
func (mw *MemberWriter) Flush() error {
	if err := mw.writeHeader(); err != nil {
		return err
	}
	mw.cw.Flush()
	return mw.cw.Error()
}

// writeHeader writes the header row once.
func (mw *MemberWriter) writeHeader() error {
	if mw.header {
		return nil
	}
	mw.header = true
	return mw.cw.Write(memberTable.columns)
}

// formatQualifications joins qs sorted by code as CODE or CODE:YYYY-MM-DD.
func formatQualifications(qs []muster.MemberQualification) string {
	if len(qs) == 0 {
		return ""
	}
	qs = slices.Clone(qs)
	slices.SortStableFunc(qs, func(a, b muster.MemberQualification) int { return strings.Compare(a.Code, b.Code) })
	var b strings.Builder
	for i, q := range qs {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(q.Code)
		if !q.Expires.IsZero() {
			b.WriteByte(':')
			b.WriteString(q.Expires.String())
		}
	}
	return b.String()
}

// UnitWriter writes units as CSV in the contract's column order, header
// first, without a byte order mark.
type UnitWriter struct {
	cw     *Writer
	header bool // written
	rec    [numUnitColumns]string
}

// NewUnitWriter returns a UnitWriter writing to w.
func NewUnitWriter(w io.Writer) *UnitWriter {
	return &UnitWriter{cw: NewWriter(w)}
}

// Write writes one unit, after the header on the first call.
func (uw *UnitWriter) Write(u *muster.Unit) error {
	if err := uw.writeHeader(); err != nil {
		return err
	}
	r := &uw.rec
	r[colCode] = u.Code
	r[colName] = u.Name
	r[colParent] = u.Parent
	r[colKind] = string(u.Kind)
	r[colTargetStrength] = strconv.Itoa(u.TargetStrength)
	return uw.cw.Write(r[:])
}

// Flush writes any buffered data (and the header, when no unit was
// written) to the underlying writer and returns the first write error.
func (uw *UnitWriter) Flush() error {
	if err := uw.writeHeader(); err != nil {
		return err
	}
	uw.cw.Flush()
	return uw.cw.Error()
}

// writeHeader writes the header row once.
func (uw *UnitWriter) writeHeader() error {
	if uw.header {
		return nil
	}
	uw.header = true
	return uw.cw.Write(unitTable.columns)
}
