package sqldb

import (
	"hash/maphash"
	"testing"
)

// TestNumberLines checks first lines, and that two numbers with one hash
// are told apart: the collision is made by filing B1 under A1's hash.
func TestNumberLines(t *testing.T) {
	n := newNumberLines()
	steps := []struct {
		number     string
		line, want int
	}{{"A1", 2, 0}, {"B2", 3, 0}, {"A1", 4, 2}, {"B2", 9, 3}, {"A10", 10, 0}, {"A1", 11, 2}}
	for _, s := range steps {
		if got := n.first(s.number, s.line); got != s.want {
			t.Fatalf("first(%s, %d) = %d, want %d", s.number, s.line, got, s.want)
		}
	}
	collide := newNumberLines()
	collide.first("A1", 2)
	collide.byHash[maphash.String(collide.seed, "C3")] = collide.byHash[maphash.String(collide.seed, "A1")]
	if got := collide.first("C3", 5); got != 0 {
		t.Fatalf("a number sharing A1's hash is taken for A1: first = %d", got)
	}
	if got := collide.first("C3", 7); got != 5 {
		t.Fatalf("the colliding number's repeat: first = %d, want 5", got)
	}
	if got := collide.first("A1", 8); got != 2 {
		t.Fatalf("A1 after the collision: first = %d, want 2", got)
	}
}
