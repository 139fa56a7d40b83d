-- The reminders a rectification (整改) got: 到期提醒, 超期提醒, each 催办, and 督办 at each level
-- (n is the level). The unique key makes each go out once per item and stage, whichever worker
-- or retry gets there first; their notifications and deliveries are those of tickets.
CREATE TABLE IF NOT EXISTS rectification_reminders (
  id               INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  rectification_id INTEGER  NOT NULL,
  stage            TEXT     NOT NULL,
  n                INTEGER  NOT NULL,
  sent_at          DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_rectification_reminders_stage ON rectification_reminders (rectification_id, stage, n);
