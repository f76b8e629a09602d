-- A manual run refused for want of a free slot (summaries' share of the streaming pool) never started:
-- its record goes, so that it neither shows as a run nor holds its days.
DELETE FROM summary_run WHERE id = :#${variable.runId} AND status = 'running'
