-- A change of the working-day calendar (a notice imported, a day changed by hand) and how far
-- the recount of the deadlines it touches has come. The change's row is written in the
-- calendar's own transaction, with the working status each changed day had before, so a recount
-- cut short (a crash, a deploy) is finished from the database by whoever comes next (the
-- reconciler, the next start-up, the next change) and never counts a ticket twice: each batch
-- of tickets moves cursor_id in its own transaction. pending is 1 until the recount is done, and
-- unique: one change is recounted at a time.
CREATE TABLE IF NOT EXISTS calendar_changes (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  why         TEXT     NOT NULL,
  days        TEXT     NOT NULL,
  new_year    INTEGER  NOT NULL DEFAULT 0,
  first_day   DATE     NOT NULL,
  last_day    DATE     NOT NULL,
  cursor_id   INTEGER  NOT NULL DEFAULT 0,
  moved       INTEGER  NOT NULL DEFAULT 0,
  earlier     INTEGER  NOT NULL DEFAULT 0,
  pending     INTEGER  NULL,
  created_at  DATETIME NOT NULL,
  done_at     DATETIME NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_calendar_changes_pending ON calendar_changes (pending);
