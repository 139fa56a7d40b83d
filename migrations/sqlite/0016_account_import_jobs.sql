-- Account imports run as a job: the web side stores the sheet's rows and answers at once, a
-- worker checks the accounts (fetching their menu links takes longer than a request may) and
-- stores the results. An import is running, done or failed, with the reason people read and
-- how many accounts are checked so far; the imports made before were done at once.
ALTER TABLE media_account_imports ADD COLUMN status TEXT NOT NULL DEFAULT 'done';
ALTER TABLE media_account_imports ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE media_account_imports ADD COLUMN error TEXT NOT NULL DEFAULT '';
ALTER TABLE media_account_imports ADD COLUMN finished_at DATETIME NULL;
UPDATE media_account_imports SET checked = accounts, finished_at = imported_at WHERE status = 'done' AND finished_at IS NULL;

-- The rows of a sheet waiting for the worker, dropped once the import is done or failed.
CREATE TABLE IF NOT EXISTS media_account_uploads (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  import_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  platform TEXT NOT NULL,
  unit_name TEXT NOT NULL DEFAULT '',
  last_post DATETIME NULL,
  interaction BOOLEAN NOT NULL DEFAULT FALSE,
  reported_online BOOLEAN NOT NULL DEFAULT FALSE,
  menu_links TEXT NOT NULL,
  recent_posts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_media_account_uploads_import ON media_account_uploads (import_id);
