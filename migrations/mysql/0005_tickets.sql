-- Tickets and their events. The ticket row is the current state; every change to it is also an
-- event written in the same transaction, and the rates are computed from the events.
CREATE TABLE IF NOT EXISTS tickets (
  id                 BIGINT        NOT NULL AUTO_INCREMENT,
  ticket_no          VARCHAR(24)   NOT NULL,
  query_code_hash    CHAR(64)      NOT NULL,
  source             VARCHAR(16)   NOT NULL,
  status             VARCHAR(16)   NOT NULL,
  page_url           VARCHAR(2048) NOT NULL,
  page_key           CHAR(64)      NOT NULL,
  category_id        BIGINT        NOT NULL,
  description        TEXT          NOT NULL,
  contact_phone      VARCHAR(32)   NOT NULL DEFAULT '',
  contact_email      VARCHAR(254)  NOT NULL DEFAULT '',
  client_ip          VARCHAR(45)   NOT NULL DEFAULT '',
  website_id         BIGINT        NULL,
  unit_id            BIGINT        NULL,
  region_id          BIGINT        NOT NULL,
  received_at        DATETIME      NOT NULL,
  triage_deadline    DATETIME      NULL,
  assigned_at        DATETIME      NULL,
  deadline           DATETIME      NULL,
  deadline_estimated BOOLEAN       NOT NULL DEFAULT FALSE,
  closed_at          DATETIME      NULL,
  version            INT           NOT NULL DEFAULT 1,
  updated_at         DATETIME      NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_tickets_ticket_no (ticket_no),
  KEY ix_tickets_unit_status_deadline (unit_id, status, deadline),
  KEY ix_tickets_region_received (region_id, received_at),
  KEY ix_tickets_status_deadline (status, deadline),
  KEY ix_tickets_page (page_key, category_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS ticket_events (
  id          BIGINT      NOT NULL AUTO_INCREMENT,
  ticket_id   BIGINT      NOT NULL,
  at          DATETIME    NOT NULL,
  actor_id    BIGINT      NULL,
  actor_role  VARCHAR(16) NOT NULL,
  kind        VARCHAR(24) NOT NULL,
  from_status VARCHAR(16) NOT NULL DEFAULT '',
  to_status   VARCHAR(16) NOT NULL DEFAULT '',
  unit_id     BIGINT      NULL,
  deadline    DATETIME    NULL,
  reason      TEXT        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_ticket_events_ticket (ticket_id, id),
  KEY ix_ticket_events_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS attachments (
  id           BIGINT      NOT NULL AUTO_INCREMENT,
  ticket_id    BIGINT      NOT NULL,
  purpose      VARCHAR(16) NOT NULL,
  content_type VARCHAR(32) NOT NULL,
  size         INT         NOT NULL,
  sha256       CHAR(64)    NOT NULL,
  data         MEDIUMBLOB  NOT NULL,
  created_at   DATETIME    NOT NULL,
  PRIMARY KEY (id),
  KEY ix_attachments_ticket (ticket_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Ticket numbers are handed out in blocks per day (hi/lo), so replicas never collide and the
-- counter row is locked once per block, not once per ticket.
CREATE TABLE IF NOT EXISTS ticket_number_blocks (
  day        CHAR(8) NOT NULL,
  next_value BIGINT  NOT NULL,
  PRIMARY KEY (day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
