-- The automated inspection: rounds (scheduled or on demand) with their progress, one result per
-- site and round with its verdict and score, and the findings with their evidence. A finding's
-- key stays the same from round to round, so a person's confirm or dismiss carries over.
CREATE TABLE IF NOT EXISTS inspection_rounds (
  id           BIGINT      NOT NULL AUTO_INCREMENT,
  kind         VARCHAR(16) NOT NULL,
  status       VARCHAR(16) NOT NULL,
  region_id    BIGINT      NULL,
  started_by   BIGINT      NULL,
  sites_total  INT         NOT NULL DEFAULT 0,
  sites_done   INT         NOT NULL DEFAULT 0,
  sites_failed INT         NOT NULL DEFAULT 0,
  created_at   DATETIME    NOT NULL,
  finished_at  DATETIME    NULL,
  PRIMARY KEY (id),
  KEY ix_inspection_rounds_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS inspection_results (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  round_id    BIGINT       NOT NULL,
  website_id  BIGINT       NOT NULL,
  status      VARCHAR(16)  NOT NULL,
  verdict     VARCHAR(8)   NOT NULL DEFAULT '',
  score       DOUBLE       NOT NULL DEFAULT 0,
  pages       INT          NOT NULL DEFAULT 0,
  links       INT          NOT NULL DEFAULT 0,
  stopped     VARCHAR(64)  NOT NULL DEFAULT '',
  error       VARCHAR(512) NOT NULL DEFAULT '',
  started_at  DATETIME     NULL,
  finished_at DATETIME     NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_inspection_results_round_site (round_id, website_id),
  KEY ix_inspection_results_site (website_id, finished_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS inspection_findings (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  round_id    BIGINT        NULL,
  website_id  BIGINT        NULL,
  account_id  BIGINT        NULL,
  import_id   BIGINT        NULL,
  type        VARCHAR(32)   NOT NULL,
  indicator   VARCHAR(64)   NOT NULL,
  url         VARCHAR(2048) NOT NULL,
  target      VARCHAR(2048) NOT NULL,
  page        VARCHAR(2048) NOT NULL,
  evidence    TEXT          NOT NULL,
  veto        BOOLEAN       NOT NULL DEFAULT FALSE,
  warning     BOOLEAN       NOT NULL DEFAULT FALSE,
  suspected   BOOLEAN       NOT NULL DEFAULT FALSE,
  points      DOUBLE        NOT NULL DEFAULT 0,
  finding_key VARCHAR(64)   NOT NULL,
  seen_at     DATETIME      NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  decided_by  BIGINT        NULL,
  decided_at  DATETIME      NULL,
  ticket_id   BIGINT        NULL,
  PRIMARY KEY (id),
  KEY ix_inspection_findings_round_site (round_id, website_id),
  KEY ix_inspection_findings_site_key (website_id, finding_key, status),
  KEY ix_inspection_findings_account_key (account_id, finding_key, status),
  KEY ix_inspection_findings_import (import_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Availability probes of each site's homepage (站点无法访问: a week of at least 20 a day).
CREATE TABLE IF NOT EXISTS availability_probes (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  website_id  BIGINT       NOT NULL,
  at          DATETIME     NOT NULL,
  ok          BOOLEAN      NOT NULL,
  status      INT          NOT NULL DEFAULT 0,
  error       VARCHAR(512) NOT NULL DEFAULT '',
  duration_ms INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_availability_probes_site_at (website_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 政务新媒体: every 开设, 变更, 关停 and 注销 filed (报备) with its date, and the results imported
-- from the monitoring vendors' sheets, one row per account and import.
CREATE TABLE IF NOT EXISTS media_account_events (
  id         BIGINT      NOT NULL AUTO_INCREMENT,
  account_id BIGINT      NOT NULL,
  kind       VARCHAR(16) NOT NULL,
  filed_on   VARCHAR(10) NOT NULL,
  note       TEXT        NOT NULL,
  actor_id   BIGINT      NULL,
  created_at DATETIME    NOT NULL,
  PRIMARY KEY (id),
  KEY ix_media_account_events_account (account_id, filed_on)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS media_account_imports (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  filename    VARCHAR(255) NOT NULL,
  imported_by BIGINT       NULL,
  imported_at DATETIME     NOT NULL,
  accounts    INT          NOT NULL DEFAULT 0,
  findings    INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS media_account_results (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  import_id       BIGINT       NOT NULL,
  account_id      BIGINT       NULL,
  name            VARCHAR(128) NOT NULL,
  platform        VARCHAR(16)  NOT NULL,
  unit_name       VARCHAR(128) NOT NULL DEFAULT '',
  filed_status    VARCHAR(16)  NOT NULL DEFAULT '',
  last_post       DATETIME     NULL,
  interaction     BOOLEAN      NOT NULL DEFAULT FALSE,
  reported_online BOOLEAN      NOT NULL DEFAULT FALSE,
  menu_links      TEXT         NOT NULL,
  recent_posts    TEXT         NOT NULL,
  PRIMARY KEY (id),
  KEY ix_media_account_results_import (import_id),
  KEY ix_media_account_results_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Citizens' reports meet the inspector: the reported page fetched on arrival, and again when the
-- unit replies, so the reviewer sees whether the fault is gone.
CREATE TABLE IF NOT EXISTS ticket_page_checks (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  ticket_id   BIGINT        NOT NULL,
  purpose     VARCHAR(16)   NOT NULL,
  url         VARCHAR(2048) NOT NULL,
  at          DATETIME      NOT NULL,
  ok          BOOLEAN       NOT NULL,
  status      INT           NOT NULL DEFAULT 0,
  error       VARCHAR(512)  NOT NULL DEFAULT '',
  text_hash   CHAR(64)      NOT NULL DEFAULT '',
  duration_ms INT           NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_ticket_page_checks_ticket_purpose (ticket_id, purpose)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
