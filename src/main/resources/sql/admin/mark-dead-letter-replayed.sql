-- Records when a dead letter was last replayed.
UPDATE dead_letter SET replayed_at = now() WHERE id = :#${variable.deadLetterId}
