package muster

import "context"

// StationMember is the member an armory's issue station serves.
type StationMember struct {
	ServiceNumber string `json:"service_number"`
	Name          string `json:"name"`
	Unit          string `json:"unit"`
}

// StationStart is the answer to a member's card or notice scanned at an
// issue station: who is served, and the ledger's last seq before them
// (Since), from which their receipt counts.
type StationStart struct {
	Member StationMember `json:"member"`
	Since  int64         `json:"since"`
}

// StationReceipt is what a member was issued at an armory's station since
// a ledger position (Issued, oldest first), and everything they hold now.
type StationReceipt struct {
	Armory string         `json:"armory"`
	Member StationMember  `json:"member"`
	Since  int64          `json:"since"`
	Issued []*LedgerEntry `json:"issued"`
	Held   []*Item        `json:"held"`
}

// ArmoryStationService runs an armory's mobilisation issue station: a
// member's card (service number) or call-up notice (response token) is
// scanned, then the serials of the items issued to them, one at a time.
// Every method needs armory.write with the armory and the member in the
// actor's subtree.
//
// Errors: ENOTFOUND for an unknown armory, member, token or serial;
// ECONFLICT for an item that cannot be issued (out, in repair, lost…, or
// of another armory) or a discharged member, the message naming why and,
// for an item out, its holder; EFORBIDDEN outside the actor's role or
// subtree; EINVALID for a malformed scan.
type ArmoryStationService interface {
	// StationStart identifies the member of a service number or, when
	// serviceNumber is "", of a response token.
	StationStart(ctx context.Context, armory, serviceNumber, token string) (*StationStart, error)
	// StationIssue issues the item with the serial from the armory to the
	// member and returns the item after.
	StationIssue(ctx context.Context, armory, serviceNumber, serial string) (*Item, error)
	// StationReceipt returns the member's receipt from the armory since
	// the ledger position.
	StationReceipt(ctx context.Context, armory, serviceNumber string, since int64) (*StationReceipt, error)
}
