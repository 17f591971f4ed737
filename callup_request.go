package muster

import (
	"strings"
	"time"
)

// CallUpRequest is a call-up as staff ask for it: the body of POST
// /api/v1/callups and the file of `muster callup create`, with the
// report-by time as RFC 3339 text.
type CallUpRequest struct {
	Title         string       `json:"title"`
	Kind          CallUpKind   `json:"kind"`
	Unit          string       `json:"unit"`
	Filter        CallUpFilter `json:"filter"`
	Message       string       `json:"message"`
	AssemblyPoint string       `json:"assembly_point"`
	ReportBy      string       `json:"report_by"` // RFC 3339
	Channels      []Channel    `json:"channels"`
	Drill         bool         `json:"drill"`

	Requirements []Requirement `json:"requirements"`
	Escalation   Escalation    `json:"escalation"`
}

// CallUp returns the call-up asked for, not yet validated (see
// CallUp.Validate).
func (in *CallUpRequest) CallUp() (*CallUp, error) {
	reportBy, err := ParseReportBy(in.ReportBy)
	if err != nil {
		return nil, err
	}
	return &CallUp{Title: in.Title, Kind: in.Kind, Unit: in.Unit, Filter: in.Filter, Message: in.Message,
		AssemblyPoint: in.AssemblyPoint, ReportBy: reportBy, Channels: in.Channels, Drill: in.Drill,
		Requirements: in.Requirements, Escalation: in.Escalation}, nil
}

// ParseReportBy reads a report-by time in RFC 3339, such as
// 2026-11-24T08:00:00+03:00; empty text is the zero time, which
// CallUp.Validate reports as missing.
func ParseReportBy(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, FieldError("report_by", "must be a time such as 2026-11-24T08:00:00+03:00 (RFC 3339)")
	}
	return t, nil
}
