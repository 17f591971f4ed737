package sqldb

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"

	"github.com/muster-force/muster"
	"github.com/muster-force/muster/internal/answertoken"
)

var _ muster.KitService = (*DB)(nil)

// Kit links reuse the answer token's signer with a key of their own,
// derived from the answer key, so that an answer token is no kit token and
// a kit token no answer token. The token's first number, where an answer
// token carries the call-up, is kitTokenTag.
const (
	kitKeyLabel = "muster kit link v1"
	kitTokenTag = 1
)

// kitKey returns the key that signs kit links.
func (db *DB) kitKey(ctx context.Context) ([]byte, error) {
	key, err := db.answerTokenKey(ctx)
	if err != nil {
		return nil, err
	}
	return kitKeyFrom(key), nil
}

// kitKeyFrom derives the kit links' key from the answer key.
func kitKeyFrom(answerKey []byte) []byte {
	h := hmac.New(sha256.New, answerKey)
	h.Write([]byte(kitKeyLabel))
	return h.Sum(nil)
}

// kitMember returns the member id a kit token names.
func (db *DB) kitMember(ctx context.Context, token string) (int64, error) {
	key, err := db.kitKey(ctx)
	if err != nil {
		return 0, err
	}
	tag, memberID, err := answertoken.Verify(key, token)
	if err != nil || tag != kitTokenTag {
		return 0, muster.Errorf(muster.EUNAUTHORIZED, "This armory link is not valid. Use the link from your receipt.")
	}
	return memberID, nil
}

// KitLink returns the kit token of a member in the actor's subtree. The
// token is the member's credential (it confirms a check campaign's items),
// so the actor needs PermArmory, not only roster.read.
func (db *DB) KitLink(ctx context.Context, serviceNumber string) (string, error) {
	a, err := actorAllowed(ctx, muster.PermArmory)
	if err != nil {
		return "", err
	}
	m, err := findMember(ctx, db.read, serviceNumber)
	if err != nil {
		return "", err
	}
	if err := checkScope(ctx, db.read, a, m.UnitID, "Member "+serviceNumber); err != nil {
		return "", err
	}
	key, err := db.kitKey(ctx)
	if err != nil {
		return "", err
	}
	token := answertoken.Sign(key, kitTokenTag, m.ID)
	if token == "" {
		return "", fmt.Errorf("kit link: member id %d is beyond what a token can carry", m.ID)
	}
	return token, nil
}

// KitPage returns the items the token's member holds, each with its
// receipt (the ledger's last issue of it), and the open campaigns that
// count items the member held when they began.
func (db *DB) KitPage(ctx context.Context, token string) (*muster.MemberKit, error) {
	memberID, err := db.kitMember(ctx, token)
	if err != nil {
		return nil, err
	}
	k := &muster.MemberKit{Items: []*muster.KitReceipt{}, Checks: []*muster.KitCheck{}}
	var family, given string
	err = db.read.QueryRowContext(ctx, `SELECT service_number, family_name, given_name FROM members WHERE id = $1`, memberID).
		Scan(&k.ServiceNumber, &family, &given)
	if err != nil {
		return nil, notFound(err, "This armory link is no longer valid.")
	}
	k.Name = family + " " + given
	rows, err := db.read.QueryContext(ctx, `SELECT i.serial, t.code, t.name, COALESCE(l.from_armory, u.code), COALESCE(l.at, ''), COALESCE(l.seq, 0)
		FROM item_state s JOIN items i ON i.id = s.item_id JOIN item_types t ON t.id = i.type_id JOIN units u ON u.id = s.unit_id
		LEFT JOIN ledger l ON l.seq = (SELECT max(seq) FROM ledger WHERE serial = i.serial AND kind = $1)
		WHERE s.member_id = $2 AND s.status = $3 ORDER BY i.serial`, string(muster.MoveIssue), memberID, string(muster.Issued))
	if err != nil {
		return nil, fmt.Errorf("kit items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it muster.KitReceipt
		var at string
		if err := rows.Scan(&it.Serial, &it.Type, &it.TypeName, &it.Armory, &at, &it.Seq); err != nil {
			return nil, err
		}
		it.IssuedAt = parseTime(at)
		k.Items = append(k.Items, &it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return k, db.kitChecks(ctx, k, memberID)
}

// kitChecks adds the member's open campaigns to k.
func (db *DB) kitChecks(ctx context.Context, k *muster.MemberKit, memberID int64) error {
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.deadline, c.note, ci.serial, t.name, ci.confirmed_at,
		EXISTS (SELECT 1 FROM armory_discrepancies d WHERE d.check_id = c.id AND d.serial = ci.serial AND d.kind = $1 AND d.resolved_at = '')
		FROM armory_check_items ci JOIN armory_checks c ON c.id = ci.check_id JOIN items i ON i.id = ci.item_id
		JOIN item_types t ON t.id = i.type_id
		WHERE ci.member_id = $2 AND c.closed_at = '' AND c.deadline > $3 ORDER BY c.id, ci.serial`,
		string(muster.DiscrepancyMissing), memberID, formatTime(db.now()))
	if err != nil {
		return fmt.Errorf("kit checks: %w", err)
	}
	defer rows.Close()
	var cur *muster.KitCheck
	for rows.Next() {
		var id int64
		var deadline, note, confirmedAt string
		var it muster.KitCheckItem
		if err := rows.Scan(&id, &deadline, &note, &it.Serial, &it.TypeName, &confirmedAt, &it.Flagged); err != nil {
			return err
		}
		if cur == nil || cur.ID != id {
			cur = &muster.KitCheck{ID: id, Deadline: parseTime(deadline), Note: note}
			k.Checks = append(k.Checks, cur)
		}
		it.Confirmed = confirmedAt != ""
		cur.Items = append(cur.Items, &it)
	}
	return rows.Err()
}

// ConfirmKit records the token's member's confirmation for a campaign (see
// kitCheck), as the system actor "member:SN": the token is the authority.
func (db *DB) ConfirmKit(ctx context.Context, token string, checkID int64, c muster.CheckConfirmation) (*muster.CheckResult, error) {
	memberID, err := db.kitMember(ctx, token)
	if err != nil {
		return nil, err
	}
	var sn string
	if err := db.read.QueryRowContext(ctx, `SELECT service_number FROM members WHERE id = $1`, memberID).Scan(&sn); err != nil {
		return nil, notFound(err, "This armory link is no longer valid.")
	}
	c.ServiceNumber = sn
	if err := c.Validate(); err != nil {
		return nil, err
	}
	ctx = muster.NewContextWithActor(ctx, muster.SystemActor("member:"+sn))
	var out *muster.CheckResult
	err = db.writeTx(ctx, func(tx *Tx) error {
		check, err := kitCheck(ctx, tx, checkID, memberID)
		if err != nil {
			return err
		}
		out, err = tx.confirmCheck(ctx, check, memberID, c)
		return err
	})
	return out, err
}

// kitCheck returns a campaign the member may confirm: one that counts
// items the member held when it began (those KitPage shows), or one over
// a unit whose subtree holds the member's. Any other answers as an unknown
// campaign does, so that a kit link neither writes into another unit's
// campaign nor tells which campaigns exist.
func kitCheck(ctx context.Context, q querier, checkID, memberID int64) (*checkRow, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT c.id FROM armory_checks c WHERE c.id = $1
		AND (EXISTS (SELECT 1 FROM armory_check_items ci WHERE ci.check_id = c.id AND ci.member_id = $2)
			OR c.unit_id IN (SELECT t.ancestor_id FROM unit_tree t JOIN members m ON m.unit_id = t.unit_id WHERE m.id = $2))`,
		checkID, memberID).Scan(&id)
	if err != nil {
		return nil, notFound(err, noCheck, checkID)
	}
	return findCheck(ctx, q, id)
}
