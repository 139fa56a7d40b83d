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
