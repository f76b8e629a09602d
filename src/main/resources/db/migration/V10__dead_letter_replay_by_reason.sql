-- Bulk replay of a dead-letter reason (POST /api/admin/dead-letters/replay) pages through the letters of
-- one reason that no replay has taken out of the dead letters yet, in id order. Partial: replayed letters
-- leave the index.
CREATE INDEX dead_letter_unreplayed_by_reason ON dead_letter (reason, id) WHERE replayed_at IS NULL;
