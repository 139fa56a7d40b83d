-- The quarterly circulars (通报): drafts the supervisor edits, and published versions, frozen. A
-- correction of a published circular is a new version of the same region and period. figures is
-- the JSON of the numbers and lists the text shows (refreshed while a draft, kept once published);
-- the text columns may hold placeholders such as {{网站合格率}} until publishing fills them.
CREATE TABLE IF NOT EXISTS circulars (
  id           INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  region_id    INTEGER  NOT NULL,
  period       TEXT     NOT NULL,
  version      INTEGER  NOT NULL,
  status       TEXT     NOT NULL,
  decimals     INTEGER  NOT NULL,
  cutoff       TEXT     NOT NULL,
  deadline     TEXT     NOT NULL,
  title        TEXT     NOT NULL,
  doc_number   TEXT     NOT NULL,
  issuer       TEXT     NOT NULL,
  recipients   TEXT     NOT NULL,
  intro        TEXT     NOT NULL,
  overview     TEXT     NOT NULL,
  problems     TEXT     NOT NULL,
  requirements TEXT     NOT NULL,
  closing      TEXT     NOT NULL,
  issue_date   TEXT     NOT NULL,
  figures      TEXT     NOT NULL,
  created_by   INTEGER  NULL,
  published_by INTEGER  NULL,
  published_at DATETIME NULL,
  created_at   DATETIME NOT NULL,
  updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_circulars_region_period_version ON circulars (region_id, period, version);
CREATE INDEX IF NOT EXISTS ix_circulars_updated ON circulars (updated_at);

-- Rectification (整改): publishing a circular opens one item for every unit its attachment names,
-- due at the end of the circular's deadline. The unit uploads its report (PDF, DOCX or an image,
-- checked by content); the circular's supervisor accepts it or sends it back. reminded_on is the
-- day of the last reminder, so the hourly reminder task writes at most one a day. subject and problems
-- are what the circular listed for the unit; kind says whether a website or an account.
CREATE TABLE IF NOT EXISTS rectifications (
  id            INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  circular_id   INTEGER  NOT NULL,
  region_id     INTEGER  NOT NULL,
  unit_id       INTEGER  NOT NULL,
  kind          TEXT     NOT NULL,
  subject       TEXT     NOT NULL,
  problems      TEXT     NOT NULL,
  due_on        TEXT     NOT NULL,
  due_at        DATETIME NOT NULL,
  status        TEXT     NOT NULL,
  report_name   TEXT     NOT NULL DEFAULT '',
  report_type   TEXT     NOT NULL DEFAULT '',
  report_data   BLOB     NULL,
  submitted_at  DATETIME NULL,
  submitted_by  INTEGER  NULL,
  decided_at    DATETIME NULL,
  decided_by    INTEGER  NULL,
  reminded_on   TEXT     NOT NULL DEFAULT '',
  note          TEXT     NOT NULL DEFAULT '',
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_rectifications_circular_unit ON rectifications (circular_id, unit_id);
CREATE INDEX IF NOT EXISTS ix_rectifications_unit ON rectifications (unit_id, status);
CREATE INDEX IF NOT EXISTS ix_rectifications_region_due ON rectifications (region_id, due_on);
