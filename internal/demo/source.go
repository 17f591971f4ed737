package demo

import (
	"io"
	"iter"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/rostercsv"
)

// UnitSource returns the structure's units as an import source.
func (s *Structure) UnitSource() muster.UnitSource {
	return &unitSource{units: s.Units}
}

type unitSource struct {
	units []muster.Unit
	i     int
}

func (u *unitSource) Columns() []string { return rostercsv.UnitColumns() }

func (u *unitSource) Next() (*muster.UnitRecord, error) {
	if u.i >= len(u.units) {
		return nil, io.EOF
	}
	u.i++
	return &muster.UnitRecord{Line: u.i + 1, Unit: u.units[u.i-1]}, nil
}

// MemberSource returns generated members as an import source carrying
// every column, numbered as if they were lines of a CSV file.
func MemberSource(members iter.Seq[muster.Member]) muster.MemberSource {
	next, stop := iter.Pull(members)
	return &memberSource{next: next, stop: stop, line: 1}
}

type memberSource struct {
	next func() (muster.Member, bool)
	stop func()
	line int
}

func (m *memberSource) Columns() []string { return rostercsv.MemberColumns() }

func (m *memberSource) Next() (*muster.MemberRecord, error) {
	member, ok := m.next()
	if !ok {
		m.stop()
		return nil, io.EOF
	}
	m.line++
	return &muster.MemberRecord{Line: m.line, Member: member}, nil
}
