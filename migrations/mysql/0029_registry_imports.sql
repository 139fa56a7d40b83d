-- A registry import (issue 18) is checked whole before anything is written: the checked sheets
-- are kept here, on the server, until the administrator who uploaded them confirms (or the plan
-- grows stale), so the browser holds only the import's id. Confirming checks the rows again
-- against the registry as it is then, in the transaction that writes them; an import is applied
-- once (status planned → applied). The sheets hold the users' phones and e-mails: a plan is
-- dropped once applied or a day old.
CREATE TABLE IF NOT EXISTS registry_imports (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  actor_id    BIGINT       NOT NULL,
  filename    VARCHAR(255) NOT NULL DEFAULT '',
  status      VARCHAR(16)  NOT NULL,
  summary     MEDIUMTEXT   NOT NULL,
  sheets      LONGTEXT     NULL,
  created_at  DATETIME     NOT NULL,
  applied_at  DATETIME     NULL,
  PRIMARY KEY (id),
  KEY ix_registry_imports_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
