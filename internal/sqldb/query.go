package sqldb

import (
	"strconv"
	"strings"

	"github.com/muster-force/muster"
)

// where builds a conjunction of conditions written with '?' markers, which
// it numbers $1, $2, … in order of appearance, so that one SQL text binds the
// same way on SQLite and PostgreSQL.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each '?' in cond takes the next argument.
func (w *where) add(cond string, args ...any) {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' && i < len(args) {
			w.args = append(w.args, args[i])
			b.WriteString("$" + strconv.Itoa(len(w.args)))
			i++
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
}

// sql returns " WHERE a AND b", or "" with no conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// clone returns a copy that can be extended without changing w.
func (w *where) clone() *where {
	return &where{conds: append([]string(nil), w.conds...), args: append([]any(nil), w.args...)}
}

// next returns the placeholder for one more argument appended after w's.
func (w *where) next(arg any) string {
	w.args = append(w.args, arg)
	return "$" + strconv.Itoa(len(w.args))
}

// marks returns n '?' markers joined by commas.
func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// inSubtree adds the condition that column, a unit id, lies in the subtree
// of the unit rootID (through the closure table unit_tree).
func (w *where) inSubtree(column string, rootID int64) {
	w.add(column+" IN (SELECT unit_id FROM unit_tree WHERE ancestor_id = ?)", rootID)
}

// inScope adds the condition that column lies in the actor's subtree; an
// actor who sees the whole tree adds nothing.
func (w *where) inScope(column string, a *muster.Actor) {
	if !unrestricted(a) {
		w.inSubtree(column, a.UnitID)
	}
}
