-- Findings a unit can contest, and memory of false ones (issue 20, appeals).
--
-- 核减: the unit that runs a site contests a finding that counts, with a reason and an optional
-- attachment; the supervisor accepts (the finding stops counting: status 'reduced') or refuses
-- with a reason. One appeal per finding (a finding belongs to one round), and a decided appeal is
-- final: the unique key and the status say both.
CREATE TABLE IF NOT EXISTS finding_appeals (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  finding_id    BIGINT       NOT NULL,
  round_id      BIGINT       NOT NULL,
  website_id    BIGINT       NOT NULL,
  unit_id       BIGINT       NOT NULL,
  region_id     BIGINT       NOT NULL,
  status        VARCHAR(16)  NOT NULL,
  reason        TEXT         NOT NULL,
  file_name     VARCHAR(255) NOT NULL DEFAULT '',
  file_type     VARCHAR(128) NOT NULL DEFAULT '',
  file_data     MEDIUMBLOB   NULL,
  filed_by      BIGINT       NOT NULL,
  filed_at      DATETIME     NOT NULL,
  decided_by    BIGINT       NULL,
  decided_at    DATETIME     NULL,
  decision_note TEXT         NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ux_finding_appeals_finding (finding_id),
  KEY ix_finding_appeals_status (status, filed_at),
  KEY ix_finding_appeals_site (website_id, round_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every step of an appeal is an event with who, when and why, as a rectification's are; the
-- workflow notices read them past their cursor (the supervisors hear of one filed, the unit of
-- one decided).
CREATE TABLE IF NOT EXISTS appeal_events (
  id        BIGINT      NOT NULL AUTO_INCREMENT,
  appeal_id BIGINT      NOT NULL,
  at        DATETIME    NOT NULL,
  actor_id  BIGINT      NULL,
  status    VARCHAR(16) NOT NULL,
  note      TEXT        NOT NULL,
  PRIMARY KEY (id),
  KEY ix_appeal_events_appeal (appeal_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO notice_cursors (source, last_id, gaps) SELECT 'appeal_events', COALESCE(MAX(id), 0), '[]' FROM appeal_events;

-- Per-site exceptions: a finding a person dismissed as false (or an appeal accepted) that the
-- site's later rounds do not raise again, by its key. Kept with who, when and why; revoking keeps
-- the row (revoked_by, revoked_at) so the list says what was once excepted, and the next round
-- raises the finding again.
CREATE TABLE IF NOT EXISTS finding_exceptions (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  website_id    BIGINT        NOT NULL,
  finding_key   VARCHAR(64)   NOT NULL,
  type          VARCHAR(32)   NOT NULL,
  indicator     VARCHAR(64)   NOT NULL,
  evidence      VARCHAR(1000) NOT NULL,
  finding_id    BIGINT        NOT NULL,
  appeal_id     BIGINT        NULL,
  reason        TEXT          NOT NULL,
  created_by    BIGINT        NOT NULL,
  created_at    DATETIME      NOT NULL,
  revoked_by    BIGINT        NULL,
  revoked_at    DATETIME      NULL,
  revoke_reason TEXT          NOT NULL,
  PRIMARY KEY (id),
  KEY ix_finding_exceptions_site_key (website_id, finding_key, revoked_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
