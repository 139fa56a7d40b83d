-- Findings a unit can contest, and memory of false ones (issue 20, appeals).
--
-- 核减: the unit that runs a site contests a finding that counts, with a reason and an optional
-- attachment; the supervisor accepts (the finding stops counting: status 'reduced') or refuses
-- with a reason. One appeal per finding (a finding belongs to one round), and a decided appeal is
-- final: the unique key and the status say both.
CREATE TABLE IF NOT EXISTS finding_appeals (
  id            INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  finding_id    INTEGER  NOT NULL,
  round_id      INTEGER  NOT NULL,
  website_id    INTEGER  NOT NULL,
  unit_id       INTEGER  NOT NULL,
  region_id     INTEGER  NOT NULL,
  status        TEXT     NOT NULL,
  reason        TEXT     NOT NULL,
  file_name     TEXT     NOT NULL DEFAULT '',
  file_type     TEXT     NOT NULL DEFAULT '',
  file_data     BLOB     NULL,
  filed_by      INTEGER  NOT NULL,
  filed_at      DATETIME NOT NULL,
  decided_by    INTEGER  NULL,
  decided_at    DATETIME NULL,
  decision_note TEXT     NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_finding_appeals_finding ON finding_appeals (finding_id);
CREATE INDEX IF NOT EXISTS ix_finding_appeals_status ON finding_appeals (status, filed_at);
CREATE INDEX IF NOT EXISTS ix_finding_appeals_site ON finding_appeals (website_id, round_id);

-- Every step of an appeal is an event with who, when and why, as a rectification's are; the
-- workflow notices read them past their cursor (the supervisors hear of one filed, the unit of
-- one decided).
CREATE TABLE IF NOT EXISTS appeal_events (
  id        INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  appeal_id INTEGER  NOT NULL,
  at        DATETIME NOT NULL,
  actor_id  INTEGER  NULL,
  status    TEXT     NOT NULL,
  note      TEXT     NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_appeal_events_appeal ON appeal_events (appeal_id, id);
INSERT OR IGNORE INTO notice_cursors (source, last_id, gaps) SELECT 'appeal_events', COALESCE(MAX(id), 0), '[]' FROM appeal_events;

-- Per-site exceptions: a finding a person dismissed as false (or an appeal accepted) that the
-- site's later rounds do not raise again, by its key. Kept with who, when and why; revoking keeps
-- the row (revoked_by, revoked_at) so the list says what was once excepted, and the next round
-- raises the finding again.
CREATE TABLE IF NOT EXISTS finding_exceptions (
  id            INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  website_id    INTEGER  NOT NULL,
  finding_key   TEXT     NOT NULL,
  type          TEXT     NOT NULL,
  indicator     TEXT     NOT NULL,
  evidence      TEXT     NOT NULL,
  finding_id    INTEGER  NOT NULL,
  appeal_id     INTEGER  NULL,
  reason        TEXT     NOT NULL,
  created_by    INTEGER  NOT NULL,
  created_at    DATETIME NOT NULL,
  revoked_by    INTEGER  NULL,
  revoked_at    DATETIME NULL,
  revoke_reason TEXT     NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ix_finding_exceptions_site_key ON finding_exceptions (website_id, finding_key, revoked_at);
