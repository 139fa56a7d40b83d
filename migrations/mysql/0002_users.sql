-- People who sign in. token_version is carried in every JWT: raising it revokes old tokens.
CREATE TABLE IF NOT EXISTS users (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  username      VARCHAR(64)  NOT NULL,
  display_name  VARCHAR(64)  NOT NULL DEFAULT '',
  password_hash VARCHAR(100) NOT NULL,
  role          VARCHAR(16)  NOT NULL,
  unit_id       BIGINT       NULL,
  region_id     BIGINT       NULL,
  email         VARCHAR(254) NOT NULL DEFAULT '',
  token_version INT          NOT NULL DEFAULT 1,
  disabled      BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at    DATETIME     NOT NULL,
  updated_at    DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_username (username),
  KEY ix_users_unit (unit_id),
  KEY ix_users_region (region_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
