package sqldb

import (
	"hash/maphash"
	"strings"
)

// numberLines remembers the line where each service number of a file first
// appeared, for an initial load that cannot look numbers up (its unique
// index is dropped). It keeps the numbers back to back in one buffer and
// indexes them by a 64-bit hash (about 40 bytes a number where a map from
// strings took 80: 1,000,000 numbers raised the import's peak memory by 57
// MB this way, 80 MB that way), and compares the bytes on every hit, so
// that two numbers with one hash are still told apart.
type numberLines struct {
	seed     maphash.Seed
	byHash   map[uint64]int32 // index in entries
	entries  []numberEntry
	numbers  []byte           // every entry's number, back to back
	collided map[string]int32 // numbers whose hash an earlier, different number had
}

type numberEntry struct {
	start uint32 // of the number in numbers: room for 100 million numbers
	size  uint8  // service numbers are at most 32 bytes
	line  int32
}

func newNumberLines() *numberLines {
	return &numberLines{seed: maphash.MakeSeed(), byHash: map[uint64]int32{}, collided: map[string]int32{}}
}

// first returns the line where number first appeared, or, when this is
// its first time, records line and returns 0. number must be a valid
// service number.
func (n *numberLines) first(number string, line int) int {
	h := maphash.String(n.seed, number)
	i, ok := n.byHash[h]
	if !ok {
		n.byHash[h] = int32(len(n.entries))
		n.entries = append(n.entries, numberEntry{start: uint32(len(n.numbers)), size: uint8(len(number)), line: int32(line)})
		n.numbers = append(n.numbers, number...)
		return 0
	}
	if e := n.entries[i]; string(n.numbers[e.start:e.start+uint32(e.size)]) == number {
		return int(e.line)
	}
	if l, ok := n.collided[number]; ok {
		return int(l)
	}
	n.collided[strings.Clone(number)] = int32(line)
	return 0
}
