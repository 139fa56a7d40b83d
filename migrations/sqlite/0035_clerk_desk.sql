-- What the unit's clerk meets on the desk and the ticket's page (issue 21). One file for two
-- changes, since this branch was given one migration number.
--
-- 被退回: a reply the reviewer sent back waits for the clerk to rework it (models.Ticket.ReplyRejected);
-- the desk marks it. Set by the reviewer's send-back, cleared by the next reply or when the
-- ticket leaves the unit.
ALTER TABLE tickets ADD COLUMN reply_rejected BOOLEAN NOT NULL DEFAULT FALSE;
-- Replies sent back before this column, as their last reply-related event says.
UPDATE tickets SET reply_rejected = TRUE
  WHERE status IN ('assigned', 'processing')
    AND (SELECT e.kind FROM ticket_events e
         WHERE e.ticket_id = tickets.id AND e.kind IN ('replied', 'reply_rejected', 'assigned', 'returned', 'reopened')
         ORDER BY e.id DESC LIMIT 1) = 'reply_rejected';

-- 常用语: a unit's clerks keep a short list of texts to insert into a reply (models.CannedReply;
-- the count and the length are bounded there).
CREATE TABLE IF NOT EXISTS canned_replies (
  id         INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  unit_id    INTEGER  NOT NULL,
  text       TEXT     NOT NULL,
  created_by INTEGER  NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_canned_replies_unit ON canned_replies (unit_id, id);
