-- A failed sign-in is counted per login and client address, so that
-- failures from one address lock that login from that address only, and a
-- higher limit per login, across addresses, stops a guesser that spreads
-- its tries (see noteAttempt). '' is no address: a command run on the
-- server itself.
ALTER TABLE login_failures ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_address ON login_failures(login, address, at);
