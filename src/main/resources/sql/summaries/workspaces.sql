-- Every workspace, with the time zone its days are counted in.
SELECT id AS "workspaceId", time_zone AS "timeZone" FROM workspace ORDER BY id
