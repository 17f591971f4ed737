-- Web push: a member's push subscriptions, one per browser (device). The
-- endpoint is the push service's URL for that browser, unique: a browser
-- re-subscribing renews its row. p256dh and auth are the browser's keys
-- (RFC 8291), base64url without padding. The VAPID key that signs muster's
-- requests to push services lives in secrets ('vapid_key').
CREATE TABLE push_subscriptions (
	id {{id}},
	member_id BIGINT NOT NULL REFERENCES members(id),
	endpoint {{key}} NOT NULL UNIQUE,
	p256dh TEXT NOT NULL,
	auth TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX push_subscriptions_member ON push_subscriptions(member_id, created_at);
