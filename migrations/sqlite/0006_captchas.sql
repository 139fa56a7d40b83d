-- Captcha answers live in the database, not in a process: any replica can check an answer,
-- and a report can still be taken while Redis is away. Each is deleted when it is checked.
CREATE TABLE IF NOT EXISTS captchas (
  id         TEXT     NOT NULL PRIMARY KEY,
  answer     TEXT     NOT NULL,
  expires_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_captchas_expires ON captchas (expires_at);
