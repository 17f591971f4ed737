-- Access: a used TOTP code may not be used again, and old login failures are
-- pruned by time.

-- totp_last_step is the time step (Unix time / 30) of the last TOTP code
-- accepted for the user; a code of that step or an earlier one is refused.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE INDEX login_failures_at ON login_failures(at);
