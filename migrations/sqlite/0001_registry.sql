-- The registry: regions (a tree by code path), the units that run sites, their websites with
-- the base URLs that route citizens' reports, and 政务新媒体 accounts.
CREATE TABLE IF NOT EXISTS regions (
  id         INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  code       TEXT     NOT NULL,
  name       TEXT     NOT NULL,
  short_name TEXT     NOT NULL DEFAULT '',
  parent_id  INTEGER  NULL,
  level      INTEGER  NOT NULL,
  path       TEXT     NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_regions_code ON regions (code);
CREATE INDEX IF NOT EXISTS ix_regions_parent ON regions (parent_id);
CREATE INDEX IF NOT EXISTS ix_regions_path ON regions (path);

CREATE TABLE IF NOT EXISTS units (
  id         INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  name       TEXT     NOT NULL,
  region_id  INTEGER  NOT NULL,
  kind       TEXT     NOT NULL,
  created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_units_name ON units (name);
CREATE INDEX IF NOT EXISTS ix_units_region ON units (region_id);

CREATE TABLE IF NOT EXISTS websites (
  id              INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  name            TEXT     NOT NULL,
  unit_id         INTEGER  NOT NULL,
  identifier_code TEXT     NOT NULL DEFAULT '',
  kind            TEXT     NOT NULL,
  status          TEXT     NOT NULL,
  home_url        TEXT     NOT NULL,
  created_at      DATETIME NOT NULL,
  updated_at      DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_websites_unit ON websites (unit_id);

CREATE TABLE IF NOT EXISTS website_bases (
  id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  website_id  INTEGER NOT NULL,
  host        TEXT    NOT NULL,
  path_prefix TEXT    NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_website_bases_host_path ON website_bases (host, path_prefix);
CREATE INDEX IF NOT EXISTS ix_website_bases_website ON website_bases (website_id);

CREATE TABLE IF NOT EXISTS media_accounts (
  id         INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  name       TEXT     NOT NULL,
  platform   TEXT     NOT NULL,
  account    TEXT     NOT NULL DEFAULT '',
  unit_id    INTEGER  NOT NULL,
  status     TEXT     NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_media_accounts_unit ON media_accounts (unit_id);
