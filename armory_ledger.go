package muster

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MovementKind is what one ledger entry did.
type MovementKind string

// The movement kinds.
const (
	MoveReceive   MovementKind = "receive"    // into an armory: a new item, or consumables
	MoveIssue     MovementKind = "issue"      // from the armory to a member
	MoveReturn    MovementKind = "return"     // from the member back to the armory
	MoveTransfer  MovementKind = "transfer"   // from one armory to another
	MoveRepairOut MovementKind = "repair_out" // sent to repair
	MoveRepairIn  MovementKind = "repair_in"  // back from repair
	MoveLost      MovementKind = "lost"
	MoveStolen    MovementKind = "stolen"
	MoveDestroyed MovementKind = "destroyed"
	MoveWriteOff  MovementKind = "write_off" // taken off the books
)

// itemMoves lists, for each movement of a serialised item other than
// receive, the statuses it may start from and the status it leads to.
var itemMoves = map[MovementKind]struct {
	from []ItemStatus
	to   ItemStatus
}{
	MoveIssue:     {[]ItemStatus{InStore}, Issued},
	MoveReturn:    {[]ItemStatus{Issued}, InStore},
	MoveTransfer:  {[]ItemStatus{InStore}, InStore},
	MoveRepairOut: {[]ItemStatus{InStore}, InRepair},
	MoveRepairIn:  {[]ItemStatus{InRepair}, InStore},
	MoveLost:      {[]ItemStatus{InStore, Issued, InRepair}, Lost},
	MoveStolen:    {[]ItemStatus{InStore, Issued, InRepair}, Stolen},
	MoveDestroyed: {[]ItemStatus{InStore, Issued, InRepair}, Destroyed},
	MoveWriteOff:  {[]ItemStatus{InStore, Lost, Stolen, Destroyed}, WrittenOff},
}

// Next returns the status an item in status from has after the movement,
// or a ECONFLICT error naming why the movement is refused.
func (k MovementKind) Next(from ItemStatus) (ItemStatus, error) {
	m, ok := itemMoves[k]
	if !ok {
		return "", invalidField("kind", "must be one of "+strings.Join(itemMoveNames(), ", "))
	}
	if !slices.Contains(m.from, from) {
		return "", Errorf(ECONFLICT, "The item is %s; %s is only possible when it is %s.", from, k, joinStatuses(m.from))
	}
	return m.to, nil
}

func itemMoveNames() []string {
	var out []string
	for k := range itemMoves {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

func joinStatuses(list []ItemStatus) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = string(v)
	}
	return strings.Join(s, " or ")
}

// Movement is one movement of a serialised item: ServiceNumber for an
// issue, ToArmory (a unit code) for a transfer.
type Movement struct {
	Kind          MovementKind `json:"kind"`
	ServiceNumber string       `json:"service_number"`
	ToArmory      string       `json:"to_armory"`
	Note          string       `json:"note"`
}

// ItemMove is a movement of the item with the serial, for MoveItems.
type ItemMove struct {
	Serial   string
	Movement Movement
}

// Validate checks the movement's fields.
func (m *Movement) Validate() error {
	m.Note = strings.TrimSpace(m.Note)
	note := lineProblem(m.Note, 500, false)
	if _, ok := itemMoves[m.Kind]; !ok {
		return invalidField("kind", "must be one of "+strings.Join(itemMoveNames(), ", "))
	}
	switch {
	case m.Kind == MoveIssue && !ValidServiceNumber(m.ServiceNumber):
		return invalidField("service_number", "required for an issue, a service number")
	case m.Kind != MoveIssue && m.ServiceNumber != "":
		return invalidField("service_number", "only for an issue")
	case m.Kind == MoveTransfer && !ValidCode(m.ToArmory):
		return invalidField("to_armory", "required for a transfer, the code of the receiving armory's unit")
	case m.Kind != MoveTransfer && m.ToArmory != "":
		return invalidField("to_armory", "only for a transfer")
	case note != "":
		return invalidField("note", note)
	}
	return nil
}

// LedgerEntry is one movement in the armory's ledger. Entries are chained:
// each one's Hash covers its fields and the previous entry's hash, so an
// entry edited, removed or reordered in the database breaks the chain.
type LedgerEntry struct {
	Seq        int64        `json:"seq"`
	At         time.Time    `json:"at"`
	Actor      string       `json:"actor"`
	Kind       MovementKind `json:"kind"`
	Serial     string       `json:"serial"` // "" for consumables
	Type       string       `json:"type"`
	Lot        string       `json:"lot"` // "" for serialised items
	Quantity   int64        `json:"quantity"`
	FromArmory string       `json:"from_armory"`
	ToArmory   string       `json:"to_armory"`
	Member     string       `json:"member"` // a service number, or ""
	Note       string       `json:"note"`
	PrevHash   string       `json:"prev_hash"`
	Hash       string       `json:"hash"`
}

// ledgerEncodingV1 starts version 1 of the entries' canonical encoding.
const ledgerEncodingV1 = "muster-ledger-v1"

// ComputeHash returns the hex SHA-256 of the entry's canonical encoding:
// the version tag, then every field but Hash, each as its length in bytes,
// a colon and its text (times in RFC 3339 with microseconds, UTC), so that
// no two different entries encode alike.
func (e *LedgerEntry) ComputeHash() string {
	var at [32]byte
	return e.HashWithTime(e.At.UTC().AppendFormat(at[:0], LedgerTimeLayout))
}

// LedgerTimeLayout is how an entry's time is written in its encoding, and
// in the ledger table.
const LedgerTimeLayout = "2006-01-02T15:04:05.000000Z"

// HashWithTime is ComputeHash with the entry's time given as already
// written in LedgerTimeLayout, as a verifier reads it from the ledger: it
// then hashes exactly the stored text, and need not parse it.
func (e *LedgerEntry) HashWithTime(at []byte) string {
	var backing [512]byte // most entries encode in less, so that verify allocates little
	buf := backing[:0]
	field := func(f string) {
		buf = strconv.AppendInt(buf, int64(len(f)), 10)
		buf = append(buf, ':')
		buf = append(buf, f...)
	}
	number := func(n int64) {
		var digits [20]byte
		field(string(strconv.AppendInt(digits[:0], n, 10)))
	}
	field(ledgerEncodingV1)
	number(e.Seq)
	buf = strconv.AppendInt(buf, int64(len(at)), 10)
	buf = append(buf, ':')
	buf = append(buf, at...)
	for _, f := range [...]string{e.Actor, string(e.Kind), e.Serial, e.Type, e.Lot} {
		field(f)
	}
	number(e.Quantity)
	for _, f := range [...]string{e.FromArmory, e.ToArmory, e.Member, e.Note, e.PrevHash} {
		field(f)
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// LedgerCheck is the result of walking the ledger: how many entries were
// checked and, when one is wrong, the first bad entry and what is wrong.
type LedgerCheck struct {
	Entries int64  `json:"entries"`
	BadSeq  int64  `json:"bad_seq,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// OK reports whether the ledger is intact.
func (c *LedgerCheck) OK() bool { return c.Problem == "" }
