-- Workflow notifications (issue 17): who is told of a new ticket, a reply to review, a request to
-- decide... is derived from what the database records already (ticket_events, rectification
-- events, account imports) by a pass that reads past a cursor and writes the notifications and
-- their deliveries in the transaction that moves the cursor (models/store_notices.go).
--
-- A person's choice of channels for one kind of notification; a kind without a row takes the
-- defaults of models.NoticeKinds. In-app is always on.
CREATE TABLE IF NOT EXISTS notice_preferences (
  user_id    INTEGER  NOT NULL,
  kind       TEXT     NOT NULL,
  email      BOOLEAN  NOT NULL,
  webhook    BOOLEAN  NOT NULL,
  updated_at DATETIME NOT NULL,
  PRIMARY KEY (user_id, kind)
);

-- How far the pass has read an event table: the id of the last row read, and the gaps below it
-- (JSON ranges of ids not yet committed when it read past them: MySQL hands out ids before the
-- commit, so a row may appear below the mark later; the pass reads the gaps again until they
-- fill or age out).
CREATE TABLE IF NOT EXISTS notice_cursors (
  source  TEXT    NOT NULL PRIMARY KEY,
  last_id INTEGER NOT NULL,
  gaps    TEXT    NOT NULL
);
-- Starting at the current end: what happened before this release is not told again.
INSERT OR IGNORE INTO notice_cursors (source, last_id, gaps) SELECT 'ticket_events', COALESCE(MAX(id), 0), '[]' FROM ticket_events;
INSERT OR IGNORE INTO notice_cursors (source, last_id, gaps) SELECT 'rectification_events', COALESCE(MAX(id), 0), '[]' FROM rectification_events;

-- An account import finished (done or failed) is told to its importer once: notified_at says it
-- was. Imports finish in any order, so a mark per row rather than a cursor; those finished
-- before this release count as told.
ALTER TABLE media_account_imports ADD COLUMN notified_at DATETIME NULL;
CREATE INDEX IF NOT EXISTS ix_media_account_imports_notice ON media_account_imports (notified_at, status);
UPDATE media_account_imports SET notified_at = COALESCE(finished_at, imported_at) WHERE status <> 'running' AND notified_at IS NULL;
