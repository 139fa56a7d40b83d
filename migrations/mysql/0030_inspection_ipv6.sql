-- The IPv6 figure of a site's result (issue 19): whether its homepage's host has an AAAA record
-- and whether the homepage answered over IPv6, with the reason when it did not. A figure beside
-- the verdict, not an indicator. NULL: not checked (results before this, sites not inspected).
ALTER TABLE inspection_results ADD COLUMN ipv6_aaaa BOOLEAN NULL;
ALTER TABLE inspection_results ADD COLUMN ipv6_ok BOOLEAN NULL;
ALTER TABLE inspection_results ADD COLUMN ipv6_note VARCHAR(255) NOT NULL DEFAULT '';
