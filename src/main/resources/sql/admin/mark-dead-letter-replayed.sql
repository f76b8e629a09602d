-- Records when a replay took the dead letter's event out of the dead letters (stored, found stored
-- already, or otherwise handled). A replay that kept it as a dead letter again (the same dedup key:
-- insert-dead-letter.sql then only brings its reason up to date) leaves it unreplayed, so that it is
-- listed, and matched by a bulk replay, as what it is: still dead.
UPDATE dead_letter SET replayed_at = now()
WHERE id = :#${variable.deadLetterId}
  AND CAST(:#${variable.intakeCounts[deadLettered]} AS integer) = 0
