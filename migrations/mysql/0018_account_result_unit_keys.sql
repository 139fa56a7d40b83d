-- An account the registry does not know is shown to the supervisors of the unit its sheet names,
-- matched by the unit's key (models.UnitKey: NFKC, blanks trimmed and collapsed, Latin letters in
-- lower case), made in Go and stored here, so that MySQL's collation and SQLite's exact compare
-- no longer decide it differently. Results stored before get what SQL can do of the key:
-- full-width parentheses and ideographic spaces made ASCII, surrounding spaces trimmed, letters
-- in lower case. Other full-width forms and doubled inner spaces stay as they were, so such an
-- old row shows to its importer and to those who see everything until the sheet is imported again.
-- The key is compared byte for byte (utf8mb4_bin), as SQLite compares it: the collation of the
-- table would still match what the key keeps apart (é and e).
ALTER TABLE media_account_results ADD COLUMN unit_key VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '';
UPDATE media_account_results SET unit_key = LOWER(TRIM(REPLACE(REPLACE(REPLACE(unit_name, '（', '('), '）', ')'), '　', ' ')))
  WHERE unit_key = '' AND unit_name != '';
CREATE INDEX ix_media_account_results_unit_key ON media_account_results (unit_key);
