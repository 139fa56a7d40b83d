-- A circular's 版记 (GB/T 9704-2012 7.4): 抄送机关 (optional), 印发机关 and 印发日期, filled by the
-- office and frozen on publishing like the rest of the text; and the office's word that the
-- circular has no 文号, without which publishing with an empty 文号 is refused.
ALTER TABLE circulars ADD COLUMN cc TEXT NOT NULL DEFAULT '';
ALTER TABLE circulars ADD COLUMN print_office TEXT NOT NULL DEFAULT '';
ALTER TABLE circulars ADD COLUMN print_date TEXT NOT NULL DEFAULT '';
ALTER TABLE circulars ADD COLUMN no_doc_number BOOLEAN NOT NULL DEFAULT FALSE;
