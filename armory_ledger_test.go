package muster_test

import (
	"strings"
	"testing"
	"time"

	"github.com/muster-force/muster"
)

// TestLedgerHashEncoding pins version 1 of the entries' encoding: the want
// hash was computed outside Go (Python's hashlib over the length-prefixed
// fields), so a change to ComputeHash that would invalidate every stored
// ledger fails here.
func TestLedgerHashEncoding(t *testing.T) {
	e := muster.LedgerEntry{Seq: 7, At: time.Date(2026, 11, 23, 12, 30, 0, 1000, time.FixedZone("MSK", 3*3600)),
		Actor: "user:ivanova", Kind: muster.MoveIssue, Serial: "AK-001", Type: "AK-74M", Quantity: 1,
		FromArmory: "GOM-MOZ-1", ToArmory: "GOM-MOZ-1", Member: "G1", Note: "для учений", PrevHash: strings.Repeat("ab", 32)}
	const want = "06d8adccd505914c9b6c94ad919453abf4f0cec43ea373d0c8ea448a92722033"
	if got := e.ComputeHash(); got != want {
		t.Fatalf("hash = %s, want %s", got, want)
	}
	// Moving a byte from one field to the next changes the hash.
	e.Serial, e.Type = "AK-00", "1AK-74M"
	if e.ComputeHash() == want {
		t.Fatal("fields are not delimited")
	}
}

func TestMovementRules(t *testing.T) {
	for _, tc := range []struct {
		kind muster.MovementKind
		from muster.ItemStatus
		want muster.ItemStatus // "" when refused
	}{
		{muster.MoveIssue, muster.InStore, muster.Issued},
		{muster.MoveIssue, muster.Issued, ""},
		{muster.MoveIssue, muster.Lost, ""},
		{muster.MoveReturn, muster.Issued, muster.InStore},
		{muster.MoveReturn, muster.InStore, ""},
		{muster.MoveRepairIn, muster.InRepair, muster.InStore},
		{muster.MoveStolen, muster.Issued, muster.Stolen},
		{muster.MoveWriteOff, muster.Destroyed, muster.WrittenOff},
		{muster.MoveWriteOff, muster.Issued, ""},
		{muster.MoveTransfer, muster.WrittenOff, ""},
	} {
		got, err := tc.kind.Next(tc.from)
		if got != tc.want || (tc.want == "") != (muster.ErrorCode(err) == muster.ECONFLICT) {
			t.Errorf("%s from %s = %q (%v), want %q", tc.kind, tc.from, got, err, tc.want)
		}
	}
}
