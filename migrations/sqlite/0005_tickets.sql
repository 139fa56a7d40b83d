-- Tickets and their events. The ticket row is the current state; every change to it is also an
-- event written in the same transaction, and the rates are computed from the events.
CREATE TABLE IF NOT EXISTS tickets (
  id                 INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  ticket_no          TEXT     NOT NULL,
  query_code_hash    TEXT     NOT NULL,
  source             TEXT     NOT NULL,
  status             TEXT     NOT NULL,
  page_url           TEXT     NOT NULL,
  page_key           TEXT     NOT NULL,
  category_id        INTEGER  NOT NULL,
  description        TEXT     NOT NULL,
  contact_phone      TEXT     NOT NULL DEFAULT '',
  contact_email      TEXT     NOT NULL DEFAULT '',
  client_ip          TEXT     NOT NULL DEFAULT '',
  website_id         INTEGER  NULL,
  unit_id            INTEGER  NULL,
  region_id          INTEGER  NOT NULL,
  received_at        DATETIME NOT NULL,
  triage_deadline    DATETIME NULL,
  assigned_at        DATETIME NULL,
  deadline           DATETIME NULL,
  deadline_estimated BOOLEAN  NOT NULL DEFAULT FALSE,
  closed_at          DATETIME NULL,
  version            INTEGER  NOT NULL DEFAULT 1,
  updated_at         DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_tickets_ticket_no ON tickets (ticket_no);
CREATE INDEX IF NOT EXISTS ix_tickets_unit_status_deadline ON tickets (unit_id, status, deadline);
CREATE INDEX IF NOT EXISTS ix_tickets_region_received ON tickets (region_id, received_at);
CREATE INDEX IF NOT EXISTS ix_tickets_status_deadline ON tickets (status, deadline);
CREATE INDEX IF NOT EXISTS ix_tickets_page ON tickets (page_key, category_id, status);

CREATE TABLE IF NOT EXISTS ticket_events (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  ticket_id   INTEGER  NOT NULL,
  at          DATETIME NOT NULL,
  actor_id    INTEGER  NULL,
  actor_role  TEXT     NOT NULL,
  kind        TEXT     NOT NULL,
  from_status TEXT     NOT NULL DEFAULT '',
  to_status   TEXT     NOT NULL DEFAULT '',
  unit_id     INTEGER  NULL,
  deadline    DATETIME NULL,
  reason      TEXT     NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_ticket_events_ticket ON ticket_events (ticket_id, id);
CREATE INDEX IF NOT EXISTS ix_ticket_events_at ON ticket_events (at);

CREATE TABLE IF NOT EXISTS attachments (
  id           INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  ticket_id    INTEGER  NOT NULL,
  purpose      TEXT     NOT NULL,
  content_type TEXT     NOT NULL,
  size         INTEGER  NOT NULL,
  sha256       TEXT     NOT NULL,
  data         BLOB     NOT NULL,
  created_at   DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_attachments_ticket ON attachments (ticket_id);

-- Ticket numbers are handed out in blocks per day (hi/lo), so replicas never collide and the
-- counter row is locked once per block, not once per ticket.
CREATE TABLE IF NOT EXISTS ticket_number_blocks (
  day        TEXT    NOT NULL PRIMARY KEY,
  next_value INTEGER NOT NULL
);
