-- A change of the working-day calendar (a notice imported, a day changed by hand) and how far
-- the recount of the deadlines it touches has come. The change's row is written in the
-- calendar's own transaction, with the working status each changed day had before, so a recount
-- cut short (a crash, a deploy) is finished from the database by whoever comes next (the
-- reconciler, the next start-up, the next change) and never counts a ticket twice: each batch
-- of tickets moves cursor_id in its own transaction. pending is 1 until the recount is done, and
-- unique: one change is recounted at a time.
CREATE TABLE IF NOT EXISTS calendar_changes (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  why         VARCHAR(200) NOT NULL,
  days        MEDIUMTEXT   NOT NULL,
  new_year    INT          NOT NULL DEFAULT 0,
  first_day   DATE         NOT NULL,
  last_day    DATE         NOT NULL,
  cursor_id   BIGINT       NOT NULL DEFAULT 0,
  moved       INT          NOT NULL DEFAULT 0,
  earlier     INT          NOT NULL DEFAULT 0,
  pending     TINYINT      NULL,
  created_at  DATETIME     NOT NULL,
  done_at     DATETIME     NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_calendar_changes_pending (pending)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
