-- People who sign in. token_version is carried in every JWT: raising it revokes old tokens.
CREATE TABLE IF NOT EXISTS users (
  id            INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  username      TEXT     NOT NULL,
  display_name  TEXT     NOT NULL DEFAULT '',
  password_hash TEXT     NOT NULL,
  role          TEXT     NOT NULL,
  unit_id       INTEGER  NULL,
  region_id     INTEGER  NULL,
  email         TEXT     NOT NULL DEFAULT '',
  token_version INTEGER  NOT NULL DEFAULT 1,
  disabled      BOOLEAN  NOT NULL DEFAULT FALSE,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_users_username ON users (username);
CREATE INDEX IF NOT EXISTS ix_users_unit ON users (unit_id);
CREATE INDEX IF NOT EXISTS ix_users_region ON users (region_id);
