-- The browsers a login has signed in from (RememberDevice), each by the
-- SHA-256 of the device token its cookie holds. Failed sign-ins from a
-- remembered device count for that device alone, so that guessers
-- elsewhere cannot lock its owner out (see noteAttempt).
CREATE TABLE login_devices (
	login TEXT NOT NULL,
	token_hash TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (login, token_hash)
);
