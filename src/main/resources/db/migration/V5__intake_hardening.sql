-- Intake hardening (issue 9).

-- Which secret verified a dead letter's delivery: a workspace's ('workspace', with its id) or the
-- fallback secret ('fallback', for the business number that selected it). A replay writes only into
-- that workspace, so an event signed by one workspace can never be stored into another.
ALTER TABLE dead_letter
    ADD COLUMN verified_by              text CHECK (verified_by IN ('workspace', 'fallback')),
    ADD COLUMN verified_workspace_id    bigint REFERENCES workspace (id),
    ADD COLUMN verified_phone_number_id text;

-- Rows kept before this migration: what their reason proves. A fallback-verified letter names the
-- business number that was unknown; any other letter (except one whose number differed from the
-- delivery's, whose signer is not known) was verified by the workspace that owns its number.
-- A row left without a verifier is refused on replay.
UPDATE dead_letter
SET verified_by = 'fallback', verified_phone_number_id = phone_number_id
WHERE reason LIKE 'unknown phone_number_id %';

UPDATE dead_letter d
SET verified_by = 'workspace', verified_workspace_id = w.id, verified_phone_number_id = w.phone_number_id
FROM workspace w
WHERE d.verified_by IS NULL
  AND w.phone_number_id = d.phone_number_id
  AND d.reason NOT LIKE '%differs from the delivery''s';

-- A message's text is capped (intake.max-text-chars): the stored text is its first characters, marked.
ALTER TABLE message ADD COLUMN text_truncated boolean NOT NULL DEFAULT false;

-- The timestamp the sender gave, when sent_at could not use it (in the future beyond the allowed clock
-- skew, or before WhatsApp Business existed): sent_at is then the receive time.
ALTER TABLE message ADD COLUMN sender_sent_at timestamptz;
