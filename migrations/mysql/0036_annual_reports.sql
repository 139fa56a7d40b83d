-- The annual reports of 国办函〔2018〕12号: a work report (kind 'work') per website, subject_id the
-- website, and a supervision report (kind 'supervision') per region, subject_id the region. As
-- the circulars: drafts are edited, a published version is frozen, and a correction is a new
-- version. filled is the JSON of the items the unit or office typed in; figures the JSON of the
-- items the system fills (refreshed while a draft, kept once published). unit_id and region_id
-- say whose report it is (a work report: the site's unit and that unit's region).
CREATE TABLE IF NOT EXISTS annual_reports (
  id           BIGINT      NOT NULL AUTO_INCREMENT,
  kind         VARCHAR(16) NOT NULL,
  subject_id   BIGINT      NOT NULL,
  year         INT         NOT NULL,
  version      INT         NOT NULL,
  status       VARCHAR(16) NOT NULL,
  unit_id      BIGINT      NULL,
  region_id    BIGINT      NOT NULL,
  filled       MEDIUMTEXT  NOT NULL,
  figures      MEDIUMTEXT  NOT NULL,
  created_by   BIGINT      NULL,
  published_by BIGINT      NULL,
  published_at DATETIME    NULL,
  created_at   DATETIME    NOT NULL,
  updated_at   DATETIME    NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_annual_reports_subject_version (kind, subject_id, year, version),
  KEY ix_annual_reports_region_year (region_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The January reminders of unpublished work reports: one row per unit, year and reminder, so the
-- hourly task sends each once, however often it runs.
CREATE TABLE IF NOT EXISTS annual_reminders (
  id      BIGINT   NOT NULL AUTO_INCREMENT,
  unit_id BIGINT   NOT NULL,
  year    INT      NOT NULL,
  n       INT      NOT NULL,
  sent_at DATETIME NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_annual_reminders_unit_year_n (unit_id, year, n)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
