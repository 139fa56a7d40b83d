-- Rates are computed from events. Each event now carries the region in force after it (with the
-- unit and deadline it already carried), so a ticket's place at any moment is one event away.
ALTER TABLE ticket_events ADD COLUMN region_id BIGINT NULL;
UPDATE ticket_events SET region_id = (SELECT t.region_id FROM tickets t WHERE t.id = ticket_events.ticket_id) WHERE region_id IS NULL;

-- Two facts of a ticket the rates count by, fixed when they become true: the moment one calendar
-- month after receipt (01-31 → 02-28), and the working days from receipt to closing, counted with
-- the calendar at closing (as the deadline is counted with the calendar at assignment).
ALTER TABLE tickets ADD COLUMN month_deadline DATETIME NULL;
ALTER TABLE tickets ADD COLUMN handling_days INT NULL;

-- The rates read tickets by the time they were received: an index that holds every column they
-- count lets the database answer from the index alone.
CREATE INDEX ix_tickets_rates ON tickets (received_at, updated_at, region_id, unit_id, category_id, status, deadline, closed_at, duplicate_of, rating, reply_confirmed, month_deadline, handling_days);

-- The weekly flow of the dashboard counts receipts and closings by day from the events alone.
CREATE INDEX ix_ticket_events_kind_at ON ticket_events (kind, at, region_id, unit_id);
CREATE INDEX ix_ticket_events_closing ON ticket_events (to_status, at, from_status, region_id, unit_id);

-- Monthly rollups of the counts that do not move with the clock (everything but what is due,
-- overdue or open over a month "now"), as of one moment, built_at, rebuilt by the worker for the
-- months whose tickets changed since. A rate over whole months reads the rollups, corrects them
-- by replaying the few tickets changed since built_at, and counts the open tickets live; the
-- months at either edge of a period, and every report as of an earlier moment, read the tickets.
-- kind u holds units with their region, kind c regions with their categories.
CREATE TABLE IF NOT EXISTS rate_rollups (
  kind              CHAR(1)  NOT NULL,
  month             CHAR(7)  NOT NULL,
  unit_id           BIGINT NOT NULL,
  region_id         BIGINT NOT NULL,
  category_id       BIGINT NOT NULL,
  received          INT NOT NULL,
  invalid           INT NOT NULL,
  duplicates        INT NOT NULL,
  valid             INT NOT NULL,
  closed            INT NOT NULL,
  on_time           INT NOT NULL,
  late_closed       INT NOT NULL,
  closed_over_month INT NOT NULL,
  confirmed         INT NOT NULL,
  rated             INT NOT NULL,
  satisfied         INT NOT NULL,
  handling_days     BIGINT NOT NULL,
  PRIMARY KEY (kind, month, unit_id, region_id, category_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE IF NOT EXISTS rate_rollup_state (
  id       INT NOT NULL PRIMARY KEY,
  built_at DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
-- The tickets changed since the rollups were built, and the open tickets of a period.
CREATE INDEX ix_tickets_updated ON tickets (updated_at, received_at);
CREATE INDEX ix_tickets_open ON tickets (status, received_at, updated_at, duplicate_of, deadline, month_deadline, unit_id, region_id, category_id);
