-- The annual reports of 国办函〔2018〕12号: a work report (kind 'work') per website, subject_id the
-- website, and a supervision report (kind 'supervision') per region, subject_id the region. As
-- the circulars: drafts are edited, a published version is frozen, and a correction is a new
-- version. filled is the JSON of the items the unit or office typed in; figures the JSON of the
-- items the system fills (refreshed while a draft, kept once published). unit_id and region_id
-- say whose report it is (a work report: the site's unit and that unit's region).
CREATE TABLE IF NOT EXISTS annual_reports (
  id           INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  kind         TEXT     NOT NULL,
  subject_id   INTEGER  NOT NULL,
  year         INTEGER  NOT NULL,
  version      INTEGER  NOT NULL,
  status       TEXT     NOT NULL,
  unit_id      INTEGER  NULL,
  region_id    INTEGER  NOT NULL,
  filled       TEXT     NOT NULL,
  figures      TEXT     NOT NULL,
  created_by   INTEGER  NULL,
  published_by INTEGER  NULL,
  published_at DATETIME NULL,
  created_at   DATETIME NOT NULL,
  updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_annual_reports_subject_version ON annual_reports (kind, subject_id, year, version);
CREATE INDEX IF NOT EXISTS ix_annual_reports_region_year ON annual_reports (region_id, year);

-- The January reminders of unpublished work reports: one row per unit, year and reminder, so the
-- hourly task sends each once, however often it runs.
CREATE TABLE IF NOT EXISTS annual_reminders (
  id      INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  unit_id INTEGER  NOT NULL,
  year    INTEGER  NOT NULL,
  n       INTEGER  NOT NULL,
  sent_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_annual_reminders_unit_year_n ON annual_reminders (unit_id, year, n);
