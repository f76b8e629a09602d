-- A status change on the timeline keeps its from and to, so that they can be read without parsing text.
ALTER TABLE note
    ADD COLUMN status_from text,
    ADD COLUMN status_to   text;

-- The admin API lists dead letters newest first.
CREATE INDEX dead_letter_by_time ON dead_letter (received_at DESC, id DESC);
