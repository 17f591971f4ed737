package muster

import (
	"context"
	"time"
)

// MemberKit is what a member sees on their armory page (/k/{token}): the
// items they hold with their receipts, and the open check campaigns that
// ask them to confirm.
type MemberKit struct {
	ServiceNumber string        `json:"service_number"`
	Name          string        `json:"name"`
	Items         []*KitReceipt `json:"items"`
	Checks        []*KitCheck   `json:"checks"`
}

// KitReceipt is an item a member holds and its receipt: when and from which
// armory it was issued to them.
type KitReceipt struct {
	Serial   string    `json:"serial"`
	Type     string    `json:"type"`
	TypeName string    `json:"type_name"`
	Armory   string    `json:"armory"`
	IssuedAt time.Time `json:"issued_at"`
	Seq      int64     `json:"receipt_seq"` // the ledger entry
}

// KitCheck is an open campaign that counts items the member held when it
// began.
type KitCheck struct {
	ID       int64           `json:"id"`
	Deadline time.Time       `json:"deadline"`
	Note     string          `json:"note"`
	Items    []*KitCheckItem `json:"items"`
}

// KitCheckItem is one item the member is asked to confirm.
type KitCheckItem struct {
	Serial    string `json:"serial"`
	TypeName  string `json:"type_name"`
	Confirmed bool   `json:"confirmed"`
	Flagged   bool   `json:"flagged"` // the member reported it missing
}

// KitService serves members' armory pages. A kit link is a signed token
// of its own kind: an answer link does not open a kit page, nor the
// reverse. The token is the member's authority; KitLink needs armory.write
// over the member (a read-only role must not get a member's credential).
//
// Errors: EUNAUTHORIZED for a bad token; ENOTFOUND for an unknown member
// or campaign, or one the member may not confirm; ECONFLICT for a confirmation after the deadline;
// EUNPROCESSABLE naming a bad field.
type KitService interface {
	KitLink(ctx context.Context, serviceNumber string) (token string, err error)
	// CheckKitToken returns EUNAUTHORIZED unless the token is a kit link
	// muster signed, reading no database once the signing key is loaded.
	CheckKitToken(ctx context.Context, token string) error
	KitPage(ctx context.Context, token string) (*MemberKit, error)
	// ConfirmKit records the member's confirmation for a campaign that
	// counts items the member held or is over the member's unit; the
	// confirmation's ServiceNumber is the token's member.
	ConfirmKit(ctx context.Context, token string, checkID int64, c CheckConfirmation) (*CheckResult, error)
}
