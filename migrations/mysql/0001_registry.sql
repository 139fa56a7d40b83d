-- The registry: regions (a tree by code path), the units that run sites, their websites with
-- the base URLs that route citizens' reports, and 政务新媒体 accounts.
CREATE TABLE IF NOT EXISTS regions (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  code       VARCHAR(12)  NOT NULL,
  name       VARCHAR(64)  NOT NULL,
  short_name VARCHAR(32)  NOT NULL DEFAULT '',
  parent_id  BIGINT       NULL,
  level      INT          NOT NULL,
  path       VARCHAR(255) NOT NULL,
  created_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_regions_code (code),
  KEY ix_regions_parent (parent_id),
  KEY ix_regions_path (path)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS units (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  name       VARCHAR(128) NOT NULL,
  region_id  BIGINT       NOT NULL,
  kind       VARCHAR(16)  NOT NULL,
  created_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_units_name (name),
  KEY ix_units_region (region_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS websites (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  name            VARCHAR(128) NOT NULL,
  unit_id         BIGINT       NOT NULL,
  identifier_code VARCHAR(16)  NOT NULL DEFAULT '',
  kind            VARCHAR(16)  NOT NULL,
  status          VARCHAR(16)  NOT NULL,
  home_url        VARCHAR(512) NOT NULL,
  created_at      DATETIME     NOT NULL,
  updated_at      DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY ix_websites_unit (unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS website_bases (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  website_id  BIGINT       NOT NULL,
  host        VARCHAR(253) NOT NULL,
  path_prefix VARCHAR(255) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_website_bases_host_path (host, path_prefix),
  KEY ix_website_bases_website (website_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS media_accounts (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  name       VARCHAR(128) NOT NULL,
  platform   VARCHAR(16)  NOT NULL,
  account    VARCHAR(128) NOT NULL DEFAULT '',
  unit_id    BIGINT       NOT NULL,
  status     VARCHAR(16)  NOT NULL,
  created_at DATETIME     NOT NULL,
  updated_at DATETIME     NOT NULL,
  PRIMARY KEY (id),
  KEY ix_media_accounts_unit (unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
