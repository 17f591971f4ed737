package sqldb

import (
	"context"
	"fmt"

	"github.com/muster-force/muster"
)

var _ muster.QualificationService = (*DB)(nil)

// FindQualifications returns the catalogue by code.
func (db *DB) FindQualifications(ctx context.Context) ([]*muster.Qualification, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT code, name, validity_months FROM qualifications ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("find qualifications: %w", err)
	}
	defer rows.Close()
	var out []*muster.Qualification
	for rows.Next() {
		var q muster.Qualification
		if err := rows.Scan(&q.Code, &q.Name, &q.ValidityMonths); err != nil {
			return nil, err
		}
		out = append(out, &q)
	}
	return out, rows.Err()
}

// SaveQualification creates or updates a catalogue entry.
func (db *DB) SaveQualification(ctx context.Context, q *muster.Qualification) error {
	if err := q.Validate(); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *Tx) error {
		if err := require(tx.actor, muster.PermWriteCatalogue); err != nil {
			return err
		}
		var before *muster.Qualification
		var old muster.Qualification
		if err := tx.QueryRowContext(ctx, `SELECT code, name, validity_months FROM qualifications WHERE code = $1`, q.Code).Scan(&old.Code, &old.Name, &old.ValidityMonths); err == nil {
			before = &old
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO qualifications (code, name, validity_months) VALUES ($1, $2, $3)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, validity_months = excluded.validity_months`, q.Code, q.Name, q.ValidityMonths)
		if err != nil {
			return fmt.Errorf("save qualification: %w", err)
		}
		return tx.audit(ctx, "qualification.save", "qualification", q.Code, before, q)
	})
}
