-- The handling workflow: pending return and extension requests, the reply and its review,
-- duplicates linked to the ticket that is handled, the citizen's rating, and idempotent actions.
ALTER TABLE tickets ADD COLUMN pending TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN pending_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN pending_since DATETIME NULL;
ALTER TABLE tickets ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN urge_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN duplicate_of INTEGER NULL;
ALTER TABLE tickets ADD COLUMN reply TEXT NULL;
ALTER TABLE tickets ADD COLUMN reply_public TEXT NULL;
ALTER TABLE tickets ADD COLUMN reply_confirmed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN replied_by INTEGER NULL;
ALTER TABLE tickets ADD COLUMN closing_note TEXT NULL;
ALTER TABLE tickets ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN rating TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN rated_at DATETIME NULL;
CREATE INDEX IF NOT EXISTS ix_tickets_duplicate ON tickets (duplicate_of);
CREATE INDEX IF NOT EXISTS ix_tickets_public ON tickets (public, closed_at);
ALTER TABLE ticket_events ADD COLUMN request_key TEXT NULL;
ALTER TABLE ticket_events ADD COLUMN data TEXT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS uq_ticket_events_request ON ticket_events (ticket_id, request_key);
CREATE INDEX IF NOT EXISTS ix_ticket_events_actor ON ticket_events (actor_id, at);
