-- A registry import (issue 18) is checked whole before anything is written: the checked sheets
-- are kept here, on the server, until the administrator who uploaded them confirms (or the plan
-- grows stale), so the browser holds only the import's id. Confirming checks the rows again
-- against the registry as it is then, in the transaction that writes them; an import is applied
-- once (status planned → applied). The sheets hold the users' phones and e-mails: a plan is
-- dropped once applied or a day old.
CREATE TABLE IF NOT EXISTS registry_imports (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  actor_id    INTEGER  NOT NULL,
  filename    TEXT     NOT NULL DEFAULT '',
  status      TEXT     NOT NULL,
  summary     TEXT     NOT NULL,
  sheets      TEXT     NULL,
  created_at  DATETIME NOT NULL,
  applied_at  DATETIME NULL
);
CREATE INDEX IF NOT EXISTS ix_registry_imports_created ON registry_imports (created_at);
