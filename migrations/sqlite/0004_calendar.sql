-- The working-day calendar: only the exceptions to Monday–Friday are stored. A row from a State
-- Council notice carries the notice's year (a late-December break can belong to next year's notice);
-- an administrator's one-off change has source 'manual' and survives a re-import.
CREATE TABLE IF NOT EXISTS calendar_days (
  day         DATE    NOT NULL PRIMARY KEY,
  off_day     BOOLEAN NOT NULL,
  name        TEXT    NOT NULL DEFAULT '',
  source      TEXT    NOT NULL,
  notice_year INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_calendar_days_notice ON calendar_days (notice_year);

CREATE TABLE IF NOT EXISTS calendar_years (
  year        INTEGER  NOT NULL PRIMARY KEY,
  papers      TEXT     NOT NULL,
  imported_at DATETIME NOT NULL
);
