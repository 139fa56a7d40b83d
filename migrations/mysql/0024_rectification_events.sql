-- Every change of a rectification (整改) is an event with who, when and why, as a ticket's are:
-- opened by a circular, its report submitted, accepted or returned (the item's row keeps only the
-- latest).
CREATE TABLE IF NOT EXISTS rectification_events (
  id               BIGINT      NOT NULL AUTO_INCREMENT,
  rectification_id BIGINT      NOT NULL,
  at               DATETIME    NOT NULL,
  actor_id         BIGINT      NULL,
  status           VARCHAR(16) NOT NULL,
  note             TEXT        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_rectification_events_item (rectification_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
