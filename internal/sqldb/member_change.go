package sqldb

import (
	"context"

	"github.com/muster-force/muster"
)

// CreateMember adds a member to a unit in the actor's subtree.
func (db *DB) CreateMember(ctx context.Context, m *muster.Member) error {
	if err := m.Validate(db.today()); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteRoster); err != nil {
			return err
		}
		w, err := tx.memberWriterFor(ctx, m)
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.create(ctx, m); err != nil {
			return err
		}
		return tx.audit(ctx, "member.create", "member", m.ServiceNumber, nil, m)
	})
}

// UpdateMember changes a member the actor may see; moving the member to
// another unit needs that unit in the actor's subtree too.
func (db *DB) UpdateMember(ctx context.Context, serviceNumber string, upd muster.MemberUpdate) (*muster.Member, error) {
	var out *muster.Member
	err := db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteRoster); err != nil {
			return err
		}
		before, err := findMember(ctx, tx, serviceNumber)
		if err != nil {
			return err
		}
		if err := checkScope(ctx, tx, tx.actor, before.UnitID, "Member "+serviceNumber); err != nil {
			return err
		}
		after := *before
		upd.Apply(&after)
		if err := after.Validate(tx.db.today()); err != nil {
			return err
		}
		w, err := tx.memberWriterFor(ctx, &after)
		if err != nil {
			return err
		}
		defer w.close()
		changed, err := w.update(ctx, before, &after)
		if err != nil {
			return err
		}
		out = &after
		if !changed {
			return nil
		}
		return tx.audit(ctx, "member.update", "member", serviceNumber, before, after)
	})
	return out, err
}

// memberWriterFor loads the references of one member and checks them.
func (tx *Tx) memberWriterFor(ctx context.Context, m *muster.Member) (*memberWriter, error) {
	r, err := loadRefs(ctx, tx, tx.actor)
	if err != nil {
		return nil, err
	}
	if problems := r.check(m); len(problems) > 0 {
		code := muster.EINVALID
		if r.units[m.Unit].id != 0 && !r.units[m.Unit].inScope {
			code = muster.EFORBIDDEN
		}
		return nil, &muster.Error{Code: code, Message: "invalid member: " + problems[0].String(), Details: problems}
	}
	return tx.newMemberWriter(ctx, r)
}
