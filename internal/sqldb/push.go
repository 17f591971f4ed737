package sqldb

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"

	"github.com/muster-force/muster"
)

var (
	_ muster.PushService           = (*DB)(nil)
	_ muster.PushSubscriptionStore = (*DB)(nil)
)

// maxPushDevices bounds a member's subscriptions: subscribing one more
// forgets the oldest, so that a token's holder cannot grow the table
// without bound and a member's newest devices always work.
const maxPushDevices = 10

// vapidKeyName names the VAPID key (RFC 8292) in secrets.
const vapidKeyName = "vapid_key"

// b64 is how the browser's keys are written: base64url without padding,
// as PushSubscription.toJSON gives them.
var b64 = base64.RawURLEncoding

// SubscribePush keeps the subscription for the member the response token
// names, who must be targeted by the token's call-up. The subscription
// outlives the call-up: it is the member's, for every call-up to come.
func (db *DB) SubscribePush(ctx context.Context, token string, s *muster.PushSubscription) error {
	callupID, memberID, err := db.verifyToken(ctx, token)
	if err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	s.CreatedAt = db.now()
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		if err := targeted(ctx, tx, callupID, memberID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO push_subscriptions (member_id, endpoint, p256dh, auth, created_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (endpoint) DO UPDATE SET member_id = excluded.member_id, p256dh = excluded.p256dh,
				auth = excluded.auth, created_at = excluded.created_at`,
			memberID, s.Endpoint, b64.EncodeToString(s.P256dh), b64.EncodeToString(s.Auth), formatTime(s.CreatedAt))
		if err != nil {
			return fmt.Errorf("subscribe push: %w", err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE member_id = $1 AND id NOT IN
			(SELECT id FROM push_subscriptions WHERE member_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)`,
			memberID, maxPushDevices)
		if err != nil {
			return fmt.Errorf("subscribe push: forget old devices: %w", err)
		}
		return nil
	})
}

// UnsubscribePush forgets the member's subscription with the endpoint; a
// device not subscribed (or another member's) is left as it is, no error.
func (db *DB) UnsubscribePush(ctx context.Context, token, endpoint string) error {
	callupID, memberID, err := db.verifyToken(ctx, token)
	if err != nil {
		return err
	}
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		if err := targeted(ctx, tx, callupID, memberID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE member_id = $1 AND endpoint = $2`, memberID, endpoint); err != nil {
			return fmt.Errorf("unsubscribe push: %w", err)
		}
		return nil
	})
}

// targeted returns ENOTFOUND unless the call-up targets the member.
func targeted(ctx context.Context, q querier, callupID, memberID int64) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM callup_members WHERE callup_id = $1 AND member_id = $2`, callupID, memberID).Scan(&one)
	return notFound(err, "You are not called up by this call-up.")
}

// PushSubscriptions returns the member's subscriptions, newest first.
func (db *DB) PushSubscriptions(ctx context.Context, memberID int64) ([]muster.PushSubscription, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT endpoint, p256dh, auth, created_at FROM push_subscriptions
		WHERE member_id = $1 ORDER BY created_at DESC, id DESC`, memberID)
	if err != nil {
		return nil, fmt.Errorf("push subscriptions: %w", err)
	}
	defer rows.Close()
	var out []muster.PushSubscription
	for rows.Next() {
		var s muster.PushSubscription
		var p256dh, auth, created string
		if err := rows.Scan(&s.Endpoint, &p256dh, &auth, &created); err != nil {
			return nil, err
		}
		if s.P256dh, err = b64.DecodeString(p256dh); err != nil {
			return nil, fmt.Errorf("push subscription %s: p256dh: %w", s.Endpoint, err)
		}
		if s.Auth, err = b64.DecodeString(auth); err != nil {
			return nil, fmt.Errorf("push subscription %s: auth: %w", s.Endpoint, err)
		}
		s.CreatedAt = parseTime(created)
		out = append(out, s)
	}
	return out, rows.Err()
}

// DeletePushSubscription forgets an endpoint that its push service says
// is gone.
func (db *DB) DeletePushSubscription(ctx context.Context, endpoint string) error {
	return db.systemTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE endpoint = $1`, endpoint); err != nil {
			return fmt.Errorf("delete push subscription: %w", err)
		}
		return nil
	})
}

// VAPIDKey returns the P-256 key that signs muster's requests to push
// services (RFC 8292): made on first use and kept in the secrets table, so
// that subscriptions made against its public key stay valid across
// restarts and processes. Like answerTokenKey it opens its own write
// transaction.
func (db *DB) VAPIDKey(ctx context.Context) (*ecdsa.PrivateKey, error) {
	fresh, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("vapid key: %w", err)
	}
	raw, err := fresh.Bytes()
	if err != nil {
		return nil, fmt.Errorf("vapid key: %w", err)
	}
	stored, err := db.keepSecret(ctx, vapidKeyName, raw)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), stored)
	if err != nil {
		return nil, fmt.Errorf("vapid key: stored value is not a P-256 private key")
	}
	return key, nil
}
