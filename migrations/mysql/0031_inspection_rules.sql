-- Inspection rule entries (issue 20) an administrator adds at /admin/inspection/rules without a
-- release: typo pairs (kind typo: phrase → correct), forbidden or careful wording (kind wording:
-- phrase → correct, serious, exceptions: words separated by | that make a use right in its
-- sentence) and leaders' terms (kind leader: phrase is the name, correct the office, valid_from
-- and valid_to the term as YYYY-MM-DD, valid_to empty while in office). The worker merges the
-- enabled entries into the shipped lists for each site task. An entry is never deleted, only
-- disabled, so the trail of who added and who withdrew it stays; each write also records a
-- registry event.
CREATE TABLE IF NOT EXISTS inspection_rules (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  kind         VARCHAR(16)   NOT NULL,
  phrase       VARCHAR(64)   NOT NULL,
  correct      VARCHAR(128)  NOT NULL,
  serious      TINYINT(1)    NOT NULL DEFAULT 0,
  exceptions   VARCHAR(512)  NOT NULL DEFAULT '',
  valid_from   VARCHAR(10)   NOT NULL DEFAULT '',
  valid_to     VARCHAR(10)   NOT NULL DEFAULT '',
  enabled      TINYINT(1)    NOT NULL DEFAULT 1,
  created_by   BIGINT        NULL,
  created_at   DATETIME      NOT NULL,
  disabled_by  BIGINT        NULL,
  disabled_at  DATETIME      NULL,
  PRIMARY KEY (id),
  KEY ix_inspection_rules_kind (kind, enabled)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
