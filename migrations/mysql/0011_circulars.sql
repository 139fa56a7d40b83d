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
