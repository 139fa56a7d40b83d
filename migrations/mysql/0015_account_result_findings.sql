-- Each account result keeps the number of its findings, so that a supervisor's list of imports
-- counts the findings of the accounts they see without reading every finding of every import.
-- Findings of a registered account carry its id; those of an account the registry does not know
-- name it as platform：name.
ALTER TABLE media_account_results ADD COLUMN findings INT NOT NULL DEFAULT 0;
UPDATE media_account_results SET findings = (SELECT COUNT(*) FROM inspection_findings f
  WHERE f.import_id = media_account_results.import_id AND (f.account_id = media_account_results.account_id
    OR media_account_results.account_id IS NULL AND f.account_id IS NULL
      AND f.url = CONCAT(media_account_results.platform, '：', media_account_results.name)));
