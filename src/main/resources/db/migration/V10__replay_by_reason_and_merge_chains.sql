-- Bulk replay of a dead-letter reason (POST /api/admin/dead-letters/replay) pages through the letters of
-- one reason that no replay has taken out of the dead letters yet, in id order. Partial: replayed letters
-- leave the index.
CREATE INDEX dead_letter_unreplayed_by_reason ON dead_letter (reason, id) WHERE replayed_at IS NULL;

-- A lead that absorbed another may later be merged into an older one itself (A absorbed B; then a message
-- joins A and C). V9's foreign key from lead_merge.into_lead_id to lead refused to delete A then, and the
-- delivery failed with a 500 on every retry. The merge rows form a chain instead (B -> A -> C), like
-- absorbed_lead_id, which has no foreign key either: GET /api/leads/B follows it to C.
ALTER TABLE lead_merge DROP CONSTRAINT lead_merge_into_lead_id_fkey;
