-- Account imports run as a job: the web side stores the sheet's rows and answers at once, a
-- worker checks the accounts (fetching their menu links takes longer than a request may) and
-- stores the results. An import is running, done or failed, with the reason people read and
-- how many accounts are checked so far; the imports made before were done at once.
ALTER TABLE media_account_imports ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'done';
ALTER TABLE media_account_imports ADD COLUMN checked INT NOT NULL DEFAULT 0;
ALTER TABLE media_account_imports ADD COLUMN error VARCHAR(512) NOT NULL DEFAULT '';
ALTER TABLE media_account_imports ADD COLUMN finished_at DATETIME NULL;
UPDATE media_account_imports SET checked = accounts, finished_at = imported_at WHERE status = 'done' AND finished_at IS NULL;

-- The rows of a sheet waiting for the worker, dropped once the import is done or failed.
CREATE TABLE IF NOT EXISTS media_account_uploads (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  import_id       BIGINT       NOT NULL,
  name            VARCHAR(128) NOT NULL,
  platform        VARCHAR(16)  NOT NULL,
  unit_name       VARCHAR(128) NOT NULL DEFAULT '',
  last_post       DATETIME     NULL,
  interaction     BOOLEAN      NOT NULL DEFAULT FALSE,
  reported_online BOOLEAN      NOT NULL DEFAULT FALSE,
  menu_links      TEXT         NOT NULL,
  recent_posts    TEXT         NOT NULL,
  PRIMARY KEY (id),
  KEY ix_media_account_uploads_import (import_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
