-- A region's template of 三、下步要求, edited by its supervisor (or an administrator) on the
-- circulars page. A new draft starts from it; without one, from the region's last published
-- circular, and then from the built-in text.
CREATE TABLE IF NOT EXISTS circular_templates (
  region_id    INTEGER  NOT NULL PRIMARY KEY,
  requirements TEXT     NOT NULL,
  updated_by   INTEGER  NULL,
  updated_at   DATETIME NOT NULL
);
