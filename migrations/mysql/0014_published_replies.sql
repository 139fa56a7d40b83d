-- 留言选登 (the public replies page) lists the closed, published tickets newest first and counts
-- them. On (public, status, closed_at) both come off the index; on (public, closed_at) each view
-- read the row of every published ticket to check its status.
CREATE INDEX ix_tickets_published ON tickets (public, status, closed_at);
DROP INDEX ix_tickets_public ON tickets;
