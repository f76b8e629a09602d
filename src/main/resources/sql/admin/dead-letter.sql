-- One dead letter, for replay.
SELECT id, source, event, payload FROM dead_letter WHERE id = :#${variable.deadLetterId}
