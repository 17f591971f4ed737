package muster

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry records one change: who made it, when, to what, and the
// record before and after (null when created or deleted).
type AuditEntry struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"` // e.g. "member.update"
	Entity string          `json:"entity"` // e.g. "member"
	Key    string          `json:"key"`    // e.g. the service number
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	Entity string
	Key    string
	Limit  int
	Before int64 // entries with ID below this (paging); 0: from the newest
}

// AuditService reads the audit log; entries are written by the other
// services in the same transaction as the change they record.
type AuditService interface {
	// FindAuditEntries returns the entries the actor (audit.read) may
	// read: every entry to one who sees the whole force, else those about
	// the things of its subtree.
	FindAuditEntries(ctx context.Context, filter AuditFilter) ([]*AuditEntry, error)
}
