-- 留言选登 shows a published ticket's description with its personal data masked, and its search
-- must read only that text: searching the description as written let anyone confirm the masked
-- digits of a phone or ID card number one guess at a time. description_public is the masked
-- description, written when the reviewer publishes the reply (NULL for a ticket not published).
-- Masking is done in Go, so the tickets published before this column existed get theirs when the
-- store starts (Store.FillPublishedDescriptions); until then their descriptions match no search.
ALTER TABLE tickets ADD COLUMN description_public TEXT NULL;
