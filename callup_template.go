package muster

import (
	"context"
	"encoding/json"
	"maps"
	"time"
)

// CallUpTemplate is a named call-up to start from: every field of a call-up
// but the report-by time, which becomes ReportWithin of the moment the
// call-up is created. CallUp holds the fields as the JSON object of a
// POST /api/v1/callups body without report_by, so that fields added to
// call-ups carry over without a change here; Unit is its "unit", the
// template's scope.
type CallUpTemplate struct {
	Name         string          `json:"name"`
	Unit         string          `json:"unit"`
	UnitID       int64           `json:"-"`
	ReportWithin time.Duration   `json:"-"`
	CallUp       json.RawMessage `json:"callup"`
	CreatedBy    string          `json:"created_by"`
	CreatedAt    time.Time       `json:"created_at"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// Request returns the body of a call-up request made from the template:
// its call-up fields, overridden by overrides (any call-up field), with
// report_by now plus ReportWithin unless overrides give one. The caller
// decodes and checks it as any call-up request.
func (t *CallUpTemplate) Request(overrides map[string]json.RawMessage, now time.Time) ([]byte, error) {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(t.CallUp, &fields); err != nil {
		return nil, err // stored by muster, so a fault of muster
	}
	maps.Copy(fields, overrides)
	if _, ok := fields["report_by"]; !ok {
		fields["report_by"], _ = json.Marshal(now.Add(t.ReportWithin).Format(time.RFC3339))
	}
	return json.Marshal(fields)
}

// The bounds of a template's report-within duration.
const (
	MinReportWithin = time.Minute
	MaxReportWithin = 30 * 24 * time.Hour
)

// Validate checks the template's own fields; the call-up fields are
// checked by whoever parses them (the HTTP layer).
func (t *CallUpTemplate) Validate() error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	if !ValidCode(t.Name) {
		bad("name", "required: 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if !ValidCode(t.Unit) {
		bad("callup.unit", "required, a unit code")
	}
	if t.ReportWithin < MinReportWithin || t.ReportWithin > MaxReportWithin {
		bad("report_within", "required, from 1m to 720h, such as 6h or 90m")
	}
	if len(t.CallUp) == 0 || t.CallUp[0] != '{' || !json.Valid(t.CallUp) {
		bad("callup", "required, a JSON object of call-up fields")
	}
	return InvalidFields("template", details)
}

// CallUpTemplateService keeps call-up templates. A template is seen by
// actors whose subtree holds its unit; saving or deleting one needs
// PermCallUp over its unit (the old and the new one, when it moves).
//
// Errors: EINVALID for bad fields or an unknown unit, ENOTFOUND for an
// unknown template, EFORBIDDEN outside the actor's subtree or role,
// ECONFLICT when creating a name that is taken.
type CallUpTemplateService interface {
	CreateCallUpTemplate(ctx context.Context, t *CallUpTemplate) error
	// ReplaceCallUpTemplate replaces the fields of the template named
	// t.Name.
	ReplaceCallUpTemplate(ctx context.Context, t *CallUpTemplate) error
	FindCallUpTemplate(ctx context.Context, name string) (*CallUpTemplate, error)
	// FindCallUpTemplates returns the templates the actor sees, by name.
	FindCallUpTemplates(ctx context.Context) ([]*CallUpTemplate, error)
	DeleteCallUpTemplate(ctx context.Context, name string) error
}

// MarshalJSON writes ReportWithin as report_within, a Go duration such as
// "6h0m0s".
func (t CallUpTemplate) MarshalJSON() ([]byte, error) {
	type plain CallUpTemplate
	return json.Marshal(struct {
		plain
		ReportWithin string `json:"report_within"`
	}{plain(t), t.ReportWithin.String()})
}
