-- Delivery: what the dispatcher needs on a delivery row. Statuses:
-- pending and drill (waiting, next_at is when due), sending (claimed,
-- next_at is the end of the lease, so that a dispatcher that dies leaves it
-- due again when the lease runs out), sent, delivered (receipt), failed,
-- drill-sent (a drill's, done without leaving muster).

-- provider_id is the provider's id for the sent message (an SMS gateway's
-- message id, an e-mail's Message-ID), which its receipts name.
ALTER TABLE deliveries ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
-- last_error is why the last attempt failed.
ALTER TABLE deliveries ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
CREATE INDEX deliveries_claim ON deliveries(channel, status, next_at);
CREATE INDEX deliveries_provider ON deliveries(provider_id) WHERE provider_id <> '';
