-- Administrator-editable settings (RULES.md defaults live in code; a row here overrides one)
-- and the categories of citizens' messages, kept as data.
CREATE TABLE IF NOT EXISTS settings (
  name       VARCHAR(64) NOT NULL,
  value      TEXT        NOT NULL,
  updated_at DATETIME    NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS categories (
  id         BIGINT      NOT NULL AUTO_INCREMENT,
  name       VARCHAR(32) NOT NULL,
  sort_order INT         NOT NULL,
  active     BOOLEAN     NOT NULL DEFAULT TRUE,
  PRIMARY KEY (id),
  UNIQUE KEY uq_categories_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO categories (name, sort_order) VALUES
  ('链接不可用', 1), ('内容无法访问', 2), ('信息不更新', 3), ('内容不准确', 4), ('错别字', 5),
  ('咨询留言不回复', 6), ('虚假伪造内容', 7), ('服务不实用', 8), ('其他', 9);
