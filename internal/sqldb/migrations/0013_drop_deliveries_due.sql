-- deliveries_due (status, next_at) served no query: every claim names its
-- channel and uses deliveries_claim (channel, status, next_at), and the
-- per-call-up counts use deliveries_member. Each delivery row paid for it
-- (three million index entries for a call-up of a million members on
-- three channels).
DROP INDEX deliveries_due;
