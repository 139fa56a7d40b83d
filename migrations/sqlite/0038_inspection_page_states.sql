-- Daily incremental rounds (issue 23). A round is full (the weekly one: every page asked for) or
-- incremental (the daily one: only what changed, the rest carried over from the last round).
ALTER TABLE inspection_rounds ADD COLUMN mode TEXT NOT NULL DEFAULT 'full';

-- What the last round kept of each URL of a site, for the next incremental round: the
-- validators the server sent (ETag, Last-Modified), a fingerprint of the page, and record, the
-- JSON of what the checks found on it (links, typos, dates, the 一稿多发 signature as hashes),
-- never the page's text. url_hash is the SHA-256 of the URL. missed counts the rounds since the
-- URL was last seen: a row missed for a few rounds is dropped, so the table stays as large as
-- the sites are.
CREATE TABLE IF NOT EXISTS inspection_page_states (
  website_id    INTEGER  NOT NULL,
  url_hash      TEXT     NOT NULL,
  url           TEXT     NOT NULL,
  is_page       BOOLEAN  NOT NULL DEFAULT FALSE,
  etag          TEXT     NOT NULL DEFAULT '',
  last_modified TEXT     NOT NULL DEFAULT '',
  fingerprint   TEXT     NOT NULL DEFAULT '',
  record        BLOB     NOT NULL,
  fetched_at    DATETIME NOT NULL,
  changed_at    DATETIME NOT NULL,
  round_id      INTEGER  NOT NULL,
  missed        INTEGER  NOT NULL DEFAULT 0,
  PRIMARY KEY (website_id, url_hash)
);
CREATE INDEX IF NOT EXISTS ix_inspection_page_states_changed ON inspection_page_states (website_id, is_page, changed_at);
CREATE INDEX IF NOT EXISTS ix_inspection_page_states_round ON inspection_page_states (website_id, round_id);
