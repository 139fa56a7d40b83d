-- Inspection rule entries (issue 20) an administrator adds at /admin/inspection/rules without a
-- release: typo pairs (kind typo: phrase → correct), forbidden or careful wording (kind wording:
-- phrase → correct, serious, exceptions: words separated by | that make a use right in its
-- sentence) and leaders' terms (kind leader: phrase is the name, correct the office, valid_from
-- and valid_to the term as YYYY-MM-DD, valid_to empty while in office). The worker merges the
-- enabled entries into the shipped lists for each site task. An entry is never deleted, only
-- disabled, so the trail of who added and who withdrew it stays; each write also records a
-- registry event.
CREATE TABLE IF NOT EXISTS inspection_rules (
  id           INTEGER  NOT NULL PRIMARY KEY AUTOINCREMENT,
  kind         TEXT     NOT NULL,
  phrase       TEXT     NOT NULL,
  correct      TEXT     NOT NULL,
  serious      INTEGER  NOT NULL DEFAULT 0,
  exceptions   TEXT     NOT NULL DEFAULT '',
  valid_from   TEXT     NOT NULL DEFAULT '',
  valid_to     TEXT     NOT NULL DEFAULT '',
  enabled      INTEGER  NOT NULL DEFAULT 1,
  created_by   INTEGER  NULL,
  created_at   DATETIME NOT NULL,
  disabled_by  INTEGER  NULL,
  disabled_at  DATETIME NULL
);
CREATE INDEX IF NOT EXISTS ix_inspection_rules_kind ON inspection_rules (kind, enabled);
