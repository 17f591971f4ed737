package muster

import "context"

// Qualification is an entry of the qualification catalogue, such as a
// driving licence class or a rifle marksmanship course. ValidityMonths is how
// long an award lasts (0: it does not expire).
type Qualification struct {
	Code           string `json:"code"`
	Name           string `json:"name"`
	ValidityMonths int    `json:"validity_months"`
}

// Validate checks the qualification's fields.
func (q *Qualification) Validate() error {
	if !ValidCode(q.Code) {
		return Errorf(EINVALID, "qualification code must be 1–32 letters, digits, '.', '_' or '-'")
	}
	if p := lineProblem(q.Name, 200, true); p != "" {
		return Errorf(EINVALID, "qualification name: %s", p)
	}
	if q.ValidityMonths < 0 || q.ValidityMonths > 1200 {
		return Errorf(EINVALID, "validity_months must be from 0 to 1200")
	}
	return nil
}

// QualificationService manages the catalogue. Anyone signed in may read it;
// only admins may change it.
type QualificationService interface {
	FindQualifications(ctx context.Context) ([]*Qualification, error)
	// SaveQualification creates the qualification or updates the one with
	// the same code.
	SaveQualification(ctx context.Context, q *Qualification) error
}
