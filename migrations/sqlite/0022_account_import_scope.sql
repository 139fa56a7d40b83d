-- An account import takes only the rows within its importer's scope (issue 16: a city's
-- supervisor imported a sibling city's and the province's accounts and turned the province's
-- 新媒体 合格率 from 100% to 0%). The store decides as the sheet is stored which registered
-- account each row is (account_id, NULL for one the registry does not know) and refuses, with
-- the reason people read, a row of an account or unit outside the scope; the import counts
-- them, and each refused row is listed in the results with its reason and nothing else.
ALTER TABLE media_account_uploads ADD COLUMN account_id INTEGER NULL;
ALTER TABLE media_account_uploads ADD COLUMN refused TEXT NOT NULL DEFAULT '';
ALTER TABLE media_account_results ADD COLUMN refused TEXT NOT NULL DEFAULT '';
ALTER TABLE media_account_imports ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
-- Rows stored before were matched by the worker without the scope: an import still running is
-- failed, with the reason, for its importer to upload again.
UPDATE media_account_imports SET status = 'failed', error = '系统升级后导入须按管辖范围核对账号，请重新导入'
  WHERE status = 'running';
DELETE FROM media_account_uploads WHERE import_id IN (SELECT id FROM media_account_imports WHERE status <> 'running');
