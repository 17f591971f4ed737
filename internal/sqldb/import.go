package sqldb

import (
	"errors"
	"fmt"
	"slices"

	"github.com/muster-force/muster"
)

// maxReportedProblems bounds the details an import error carries; the
// message still counts every problem.
const maxReportedProblems = 10000

// errDryRun rolls back a dry run after it has counted everything.
var errDryRun = errors.New("dry run")

// problems collects an import's problems, keeping the first
// maxReportedProblems in detail.
type problems struct {
	details []muster.ErrorDetail
	count   int
}

func (p *problems) add(d ...muster.ErrorDetail) {
	for _, x := range d {
		p.count++
		if len(p.details) < maxReportedProblems {
			p.details = append(p.details, x)
		}
	}
}

// err returns the import's error, or nil when there were no problems.
func (p *problems) err(what string) error {
	if p.count == 0 {
		return nil
	}
	slices.SortStableFunc(p.details, func(a, b muster.ErrorDetail) int { return a.Line - b.Line })
	noun := "problems"
	if p.count == 1 {
		noun = "problem"
	}
	msg := fmt.Sprintf("%d %s in the %s; nothing was imported", p.count, noun, what)
	if p.count > len(p.details) {
		p.details = append(p.details, muster.ErrorDetail{Message: fmt.Sprintf("and %d more problems not listed", p.count-len(p.details))})
	}
	return &muster.Error{Code: muster.EUNPROCESSABLE, Message: msg, Details: p.details}
}

// lineSet remembers, by member ID, the line that first touched each member,
// in memory proportional to the roster, not the file.
type lineSet struct{ lines []int32 }

func (s *lineSet) mark(id int64, line int) {
	for int64(len(s.lines)) <= id {
		s.lines = append(s.lines, make([]int32, max(1024, len(s.lines)))...)
	}
	s.lines[id] = int32(line)
}

func (s *lineSet) line(id int64) int {
	if id < int64(len(s.lines)) {
		return int(s.lines[id])
	}
	return 0
}
