-- The average idle time of inactive sessions counts a restored session from its restore, as the idle days and the
-- cleanup runs do, not from its last activity before it was archived. The column keeps its name, so that nodes of
-- the version before still read and write it during an upgrade; its sums are computed again from the sessions'
-- rows, to the second as the statistics count them. Sessions restored before V17 have no restored_at, and count from
-- their last activity until a replay.
UPDATE tenant_stats stats
SET inactive_last_activity_seconds = coalesce(
        (SELECT sum(floor(extract(epoch FROM greatest(session.last_activity_at, session.restored_at))))::bigint
         FROM live_session session
         WHERE session.tenant_id = stats.tenant_id AND session.status = 'CLOSED'), 0);
