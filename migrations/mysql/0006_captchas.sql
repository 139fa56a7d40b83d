-- Captcha answers live in the database, not in a process: any replica can check an answer,
-- and a report can still be taken while Redis is away. Each is deleted when it is checked.
CREATE TABLE IF NOT EXISTS captchas (
  id         VARCHAR(32) NOT NULL,
  answer     VARCHAR(16) NOT NULL,
  expires_at DATETIME    NOT NULL,
  PRIMARY KEY (id),
  KEY ix_captchas_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
