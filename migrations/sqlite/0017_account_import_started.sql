-- An import's time limit is counted from when its check began, not from the upload: a task that
-- waits long in the queue is late, not lost. NULL while the import waits for a worker. Imports
-- running already keep the clock they started with (from the upload).
ALTER TABLE media_account_imports ADD COLUMN started_at DATETIME NULL;
UPDATE media_account_imports SET started_at = imported_at WHERE status = 'running' AND started_at IS NULL;
