-- The quarterly circulars (通报): drafts the supervisor edits, and published versions, frozen. A
-- correction of a published circular is a new version of the same region and period. figures is
-- the JSON of the numbers and lists the text shows (refreshed while a draft, kept once published);
-- the text columns may hold placeholders such as {{网站合格率}} until publishing fills them.
CREATE TABLE IF NOT EXISTS circulars (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  region_id    BIGINT       NOT NULL,
  period       VARCHAR(16)  NOT NULL,
  version      INT          NOT NULL,
  status       VARCHAR(16)  NOT NULL,
  decimals     INT          NOT NULL,
  cutoff       CHAR(10)     NOT NULL,
  deadline     CHAR(10)     NOT NULL,
  title        VARCHAR(255) NOT NULL,
  doc_number   VARCHAR(64)  NOT NULL,
  issuer       VARCHAR(128) NOT NULL,
  recipients   TEXT         NOT NULL,
  intro        TEXT         NOT NULL,
  overview     MEDIUMTEXT   NOT NULL,
  problems     MEDIUMTEXT   NOT NULL,
  requirements MEDIUMTEXT   NOT NULL,
  closing      TEXT         NOT NULL,
  issue_date   CHAR(10)     NOT NULL,
  figures      MEDIUMTEXT   NOT NULL,
  created_by   BIGINT       NULL,
  published_by BIGINT       NULL,
  published_at DATETIME     NULL,
  created_at   DATETIME     NOT NULL,
  updated_at   DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_circulars_region_period_version (region_id, period, version),
  KEY ix_circulars_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Rectification (整改): publishing a circular opens one item for every unit its attachment names,
-- due at the end of the circular's deadline. The unit uploads its report (PDF, DOCX or an image,
-- checked by content); the circular's supervisor accepts it or sends it back. reminded_on is the
-- day of the last reminder, so the hourly reminder task writes at most one a day. subject and problems
-- are what the circular listed for the unit; kind says whether a website or an account.
CREATE TABLE IF NOT EXISTS rectifications (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  circular_id   BIGINT       NOT NULL,
  region_id     BIGINT       NOT NULL,
  unit_id       BIGINT       NOT NULL,
  kind          VARCHAR(16)  NOT NULL,
  subject       VARCHAR(512) NOT NULL,
  problems      TEXT         NOT NULL,
  due_on        CHAR(10)     NOT NULL,
  due_at        DATETIME     NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  report_name   VARCHAR(255) NOT NULL DEFAULT '',
  report_type   VARCHAR(128) NOT NULL DEFAULT '',
  report_data   MEDIUMBLOB   NULL,
  submitted_at  DATETIME     NULL,
  submitted_by  BIGINT       NULL,
  decided_at    DATETIME     NULL,
  decided_by    BIGINT       NULL,
  reminded_on   CHAR(10)     NOT NULL DEFAULT '',
  note          TEXT         NOT NULL,
  created_at    DATETIME     NOT NULL,
  updated_at    DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_rectifications_circular_unit (circular_id, unit_id),
  KEY ix_rectifications_unit (unit_id, status),
  KEY ix_rectifications_region_due (region_id, due_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
