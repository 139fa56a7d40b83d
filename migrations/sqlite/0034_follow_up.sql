-- A reporter unhappy with a reply may ask one follow-up question (追问, issue 21): when they did,
-- so that the model refuses a second one; the question itself is the followed_up event's reason.
-- Reopening stays the supervisor's decision and clears it with the rating.
ALTER TABLE tickets ADD COLUMN followed_up_at DATETIME NULL;
