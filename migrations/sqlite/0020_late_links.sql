-- A duplicate leaves the rates while its primary is answered for it; one linked after its own
-- deadline had passed stays in them, judged by that deadline (models.Ticket.LinkedLate): a link
-- stops no clock that has already run out.
ALTER TABLE tickets ADD COLUMN linked_late BOOLEAN NOT NULL DEFAULT FALSE;
-- Duplicates linked by hand after their deadline before this column, as their last link says.
UPDATE tickets SET linked_late = TRUE
  WHERE duplicate_of IS NOT NULL AND linked_late = FALSE
    AND (SELECT e.at > e.deadline FROM ticket_events e
         WHERE e.ticket_id = tickets.id AND e.kind = 'linked' AND e.from_status <> 'linked'
         ORDER BY e.id DESC LIMIT 1);
-- A duplicate reopened after a 不满意 rating is handled on its own: it is no duplicate any more.
UPDATE tickets SET duplicate_of = NULL, linked_late = FALSE
  WHERE duplicate_of IS NOT NULL
    AND EXISTS (SELECT 1 FROM ticket_events r WHERE r.ticket_id = tickets.id AND r.kind = 'reopened'
      AND NOT EXISTS (SELECT 1 FROM ticket_events l WHERE l.ticket_id = tickets.id AND l.kind = 'linked' AND l.id > r.id));
-- The rates read both indexes alone: each takes the column.
DROP INDEX IF EXISTS ix_tickets_rates;
CREATE INDEX IF NOT EXISTS ix_tickets_rates ON tickets (received_at, updated_at, region_id, unit_id, category_id, status, deadline, closed_at, duplicate_of, linked_late, rating, reply_confirmed, month_deadline, handling_days);
DROP INDEX IF EXISTS ix_tickets_open;
CREATE INDEX IF NOT EXISTS ix_tickets_open ON tickets (status, received_at, updated_at, duplicate_of, linked_late, deadline, month_deadline, unit_id, region_id, category_id);
-- The rollups counted those tickets otherwise: the next build counts every month again.
DELETE FROM rate_rollup_state;
DELETE FROM rate_rollups;
