-- The bulk dead-letter replays a stop cut off on this instance (their ids, an array): closed as interrupted.
UPDATE dead_letter_replay_run
SET status = 'interrupted', finished_at = now(), error = 'the service stopped during the run'
WHERE id = ANY (?) AND status = 'running'
