-- Rates are computed from events. Each event now carries the region in force after it (with the
-- unit and deadline it already carried), so a ticket's place at any moment is one event away.
ALTER TABLE ticket_events ADD COLUMN region_id INTEGER NULL;
UPDATE ticket_events SET region_id = (SELECT t.region_id FROM tickets t WHERE t.id = ticket_events.ticket_id) WHERE region_id IS NULL;

-- Two facts of a ticket the rates count by, fixed when they become true: the moment one calendar
-- month after receipt (01-31 → 02-28), and the working days from receipt to closing, counted with
-- the calendar at closing (as the deadline is counted with the calendar at assignment).
ALTER TABLE tickets ADD COLUMN month_deadline DATETIME NULL;
ALTER TABLE tickets ADD COLUMN handling_days INTEGER NULL;

-- The rates read tickets by the time they were received: an index that holds every column they
-- count lets the database answer from the index alone.
CREATE INDEX IF NOT EXISTS ix_tickets_rates ON tickets (received_at, updated_at, region_id, unit_id, category_id, status, deadline, closed_at, duplicate_of, rating, reply_confirmed, month_deadline, handling_days);
CREATE INDEX IF NOT EXISTS ix_ticket_events_ticket_at ON ticket_events (ticket_id, at);

-- The weekly flow of the dashboard counts receipts and closings by day from the events alone.
CREATE INDEX IF NOT EXISTS ix_ticket_events_kind_at ON ticket_events (kind, at, region_id, unit_id);
CREATE INDEX IF NOT EXISTS ix_ticket_events_closing ON ticket_events (to_status, at, from_status, region_id, unit_id);
