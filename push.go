package muster

import (
	"context"
	"crypto/ecdh"
	"net/url"
	"strings"
	"time"
)

// PushSubscription is one browser's web push endpoint for a member's
// device (RFC 8030), with the keys its messages are encrypted to (RFC
// 8291). A member may have several; an endpoint belongs to one member.
type PushSubscription struct {
	Endpoint  string    `json:"endpoint"`
	P256dh    []byte    `json:"-"` // the browser's P-256 public key, uncompressed (65 bytes)
	Auth      []byte    `json:"-"` // the browser's authentication secret (16 bytes)
	CreatedAt time.Time `json:"created_at"`
}

// MaxPushEndpoint bounds the length of a push endpoint URL.
const MaxPushEndpoint = 2048

// Validate checks the subscription: an https endpoint without user or
// fragment, a public key that is a point of P-256, a 16-byte secret.
func (s *PushSubscription) Validate() error {
	var details []ErrorDetail
	bad := func(field, msg string) { details = append(details, ErrorDetail{Field: field, Message: msg}) }
	if u, err := url.Parse(s.Endpoint); err != nil || !u.IsAbs() {
		bad("endpoint", "must be an absolute URL")
	} else if u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
		bad("endpoint", "must be an https URL with a host, no user and no fragment")
	} else if len(s.Endpoint) > MaxPushEndpoint || strings.ContainsAny(s.Endpoint, " \r\n") {
		bad("endpoint", "must be at most 2048 characters, without spaces")
	}
	if len(s.P256dh) != 65 {
		bad("keys.p256dh", "must be an uncompressed P-256 public key (65 bytes)")
	} else if _, err := ecdh.P256().NewPublicKey(s.P256dh); err != nil {
		bad("keys.p256dh", "is not a point of the P-256 curve")
	}
	if len(s.Auth) != 16 {
		bad("keys.auth", "must be 16 bytes")
	}
	if details == nil {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Invalid push subscription: " + details[0].Field + " " + details[0].Message, Details: details}
}

// PushService keeps members' push subscriptions. The member's response
// token is the authority, as for answers.
//
// Errors: EUNAUTHORIZED for a bad token, ENOTFOUND for a member the
// token's call-up does not target, EINVALID for a bad subscription.
type PushService interface {
	// SubscribePush keeps the subscription for the token's member. An
	// endpoint subscribed before is renewed with its new keys, and moves
	// to this member (the browser holds it, not a member).
	SubscribePush(ctx context.Context, token string, s *PushSubscription) error
	// UnsubscribePush forgets the token's member's subscription with the
	// endpoint; one the member does not have is no error (nothing to do).
	UnsubscribePush(ctx context.Context, token, endpoint string) error
}

// PushSubscriptionStore is what the push channel reads and deletes: system
// work of the dispatcher, with no actor.
type PushSubscriptionStore interface {
	// PushSubscriptions returns the member's subscriptions, newest first.
	PushSubscriptions(ctx context.Context, memberID int64) ([]PushSubscription, error)
	// DeletePushSubscription forgets an endpoint the push service says is
	// gone; an unknown endpoint is no error.
	DeletePushSubscription(ctx context.Context, endpoint string) error
}
