-- A bulk replay's record, running until update-replay-run.sql closes it. Answers nothing when a run of the
-- same reason is running (dead_letter_replay_run_one_running, across instances): the caller is told of it.
INSERT INTO dead_letter_replay_run (reason, max_letters)
VALUES (:#reason, CAST(:#limit AS integer))
ON CONFLICT (md5(reason)) WHERE status = 'running' DO NOTHING
RETURNING id
