-- Indexes that match the lead list's filters (EXPLAIN in bench/ shows them used).

-- status filter, newest activity first, keyset on (last_activity_at, id)
CREATE INDEX lead_by_status_activity ON lead (workspace_id, status, last_activity_at DESC, id DESC);

-- q: substring match on name (ILIKE) and on the phone's digits (LIKE), which a b-tree cannot serve.
-- pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX lead_name_trigram ON lead USING gin (name gin_trgm_ops);
CREATE INDEX lead_phone_trigram ON lead USING gin (phone gin_trgm_ops);
