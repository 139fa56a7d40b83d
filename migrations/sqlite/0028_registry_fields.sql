-- A province's registry (issue 18): the fields its reporting systems keep, the state that lets a
-- unit be closed instead of deleted while history refers to it, a user's duty to change an initial
-- password, and the audit trail of every registry change (form, API or sheet import).
--
-- Units: the 统一社会信用代码 (NULL when unknown, so several unknown codes do not collide), open or
-- closed, and whether a reply needs the unit's reviewer before it is published (审核, on by default).
ALTER TABLE units ADD COLUMN code TEXT NULL;
ALTER TABLE units ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE units ADD COLUMN review_required BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE units ADD COLUMN updated_at DATETIME NULL;
CREATE UNIQUE INDEX IF NOT EXISTS uq_units_code ON units (code);

-- Websites: the 主管单位 beside the 主办单位 (unit_id); the 标识码 looked up on every import.
ALTER TABLE websites ADD COLUMN supervisor_unit_id INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_websites_identifier ON websites (identifier_code);

-- 政务新媒体 accounts: the dates of their lifecycle as 报备 (开设, 变更, 关停, 注销); the account id
-- within its platform is the key an import matches on.
ALTER TABLE media_accounts ADD COLUMN opened_on DATE NULL;
ALTER TABLE media_accounts ADD COLUMN changed_on DATE NULL;
ALTER TABLE media_accounts ADD COLUMN suspended_on DATE NULL;
ALTER TABLE media_accounts ADD COLUMN cancelled_on DATE NULL;
CREATE INDEX IF NOT EXISTS ix_media_accounts_key ON media_accounts (platform, account);

-- Users: a work phone, and the duty to choose a password at the next sign-in.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- One row per change to the registry: what (kind and id, with its key as the sheet names it), who,
-- how (form, api, import with the import's id) and the fields that changed, as JSON
-- {"field": ["old", "new"]}.
CREATE TABLE IF NOT EXISTS registry_events (
  id          INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  entity      TEXT     NOT NULL,
  entity_id   INTEGER  NOT NULL,
  entity_key  TEXT     NOT NULL DEFAULT '',
  action      TEXT     NOT NULL,
  source      TEXT     NOT NULL,
  import_id   INTEGER  NULL,
  actor_id    INTEGER  NULL,
  changes     TEXT     NOT NULL,
  created_at  DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_registry_events_entity ON registry_events (entity, entity_id, id);
CREATE INDEX IF NOT EXISTS ix_registry_events_created ON registry_events (created_at);
