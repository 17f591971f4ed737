-- Delivery purpose: why a delivery is sent. The first notice of a call-up
-- is 'notice'; later messages on the same queue say 'reminder' (to a
-- member who has not answered), 'selected' (report: you were picked) or
-- 'standby' (you said yes, stand by; you were not picked this time).
ALTER TABLE deliveries ADD COLUMN purpose TEXT NOT NULL DEFAULT 'notice';
