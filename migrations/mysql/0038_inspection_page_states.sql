-- Daily incremental rounds (issue 23). A round is full (the weekly one: every page asked for) or
-- incremental (the daily one: only what changed, the rest carried over from the last round).
ALTER TABLE inspection_rounds ADD COLUMN mode VARCHAR(16) NOT NULL DEFAULT 'full';

-- What the last round kept of each URL of a site, for the next incremental round: the
-- validators the server sent (ETag, Last-Modified), a fingerprint of the page, and record, the
-- JSON of what the checks found on it (links, typos, dates, the 一稿多发 signature as hashes),
-- never the page's text. url_hash is the SHA-256 of the URL. missed counts the rounds since the
-- URL was last seen: a row missed for a few rounds is dropped, so the table stays as large as
-- the sites are.
CREATE TABLE IF NOT EXISTS inspection_page_states (
  website_id    BIGINT        NOT NULL,
  url_hash      CHAR(64)      NOT NULL,
  url           VARCHAR(2048) NOT NULL,
  is_page       BOOLEAN       NOT NULL DEFAULT FALSE,
  etag          VARCHAR(255)  NOT NULL DEFAULT '',
  last_modified VARCHAR(64)   NOT NULL DEFAULT '',
  fingerprint   CHAR(32)      NOT NULL DEFAULT '',
  record        MEDIUMBLOB    NOT NULL,
  fetched_at    DATETIME      NOT NULL,
  changed_at    DATETIME      NOT NULL,
  round_id      BIGINT        NOT NULL,
  missed        INT           NOT NULL DEFAULT 0,
  PRIMARY KEY (website_id, url_hash),
  KEY ix_inspection_page_states_changed (website_id, is_page, changed_at),
  KEY ix_inspection_page_states_round (website_id, round_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
