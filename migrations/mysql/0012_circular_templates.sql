-- A region's template of 三、下步要求, edited by its supervisor (or an administrator) on the
-- circulars page. A new draft starts from it; without one, from the region's last published
-- circular, and then from the built-in text.
CREATE TABLE IF NOT EXISTS circular_templates (
  region_id    BIGINT   NOT NULL,
  requirements TEXT     NOT NULL,
  updated_by   BIGINT   NULL,
  updated_at   DATETIME NOT NULL,
  PRIMARY KEY (region_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
