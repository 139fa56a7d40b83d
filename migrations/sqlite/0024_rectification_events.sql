-- Every change of a rectification (整改) is an event with who, when and why, as a ticket's are:
-- opened by a circular, its report submitted, accepted or returned (the item's row keeps only the
-- latest).
CREATE TABLE IF NOT EXISTS rectification_events (
  id               INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  rectification_id INTEGER  NOT NULL,
  at               DATETIME NOT NULL,
  actor_id         INTEGER  NULL,
  status           TEXT     NOT NULL,
  note             TEXT     NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_rectification_events_item ON rectification_events (rectification_id, id);
