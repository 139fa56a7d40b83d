-- The working-day calendar: only the exceptions to Monday–Friday are stored. A row from a State
-- Council notice carries the notice's year (a late-December break can belong to next year's notice);
-- an administrator's one-off change has source 'manual' and survives a re-import.
CREATE TABLE IF NOT EXISTS calendar_days (
  day         DATE        NOT NULL,
  off_day     BOOLEAN     NOT NULL,
  name        VARCHAR(32) NOT NULL DEFAULT '',
  source      VARCHAR(8)  NOT NULL,
  notice_year INT         NOT NULL,
  PRIMARY KEY (day),
  KEY ix_calendar_days_notice (notice_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS calendar_years (
  year        INT      NOT NULL,
  papers      TEXT     NOT NULL,
  imported_at DATETIME NOT NULL,
  PRIMARY KEY (year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
