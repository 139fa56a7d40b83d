-- Administrator-editable settings (RULES.md defaults live in code; a row here overrides one)
-- and the categories of citizens' messages, kept as data.
CREATE TABLE IF NOT EXISTS settings (
  name       TEXT     NOT NULL PRIMARY KEY,
  value      TEXT     NOT NULL,
  updated_at DATETIME NOT NULL
);

CREATE TABLE IF NOT EXISTS categories (
  id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  name       TEXT    NOT NULL,
  sort_order INTEGER NOT NULL,
  active     BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX IF NOT EXISTS uq_categories_name ON categories (name);

INSERT OR IGNORE INTO categories (name, sort_order) VALUES
  ('链接不可用', 1), ('内容无法访问', 2), ('信息不更新', 3), ('内容不准确', 4), ('错别字', 5),
  ('咨询留言不回复', 6), ('虚假伪造内容', 7), ('服务不实用', 8), ('其他', 9);
