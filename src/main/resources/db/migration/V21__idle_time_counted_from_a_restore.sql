-- The average idle time of inactive sessions counts a restored session from its restore, as the idle days and the
-- cleanup runs do, not from its last activity before it was archived. Its sums are computed again from the sessions'
-- rows, to the second as the statistics count them. Nodes of the version before count the other way and may write a
-- sum they read before this ran: stop them before it runs, or replay the read models once every node is upgraded.
-- Sessions restored before V17 have no restored_at, and count from their last activity until a replay.
UPDATE tenant_stats stats
SET inactive_last_activity_seconds = coalesce(
        (SELECT sum(floor(extract(epoch FROM greatest(session.last_activity_at, session.restored_at))))::bigint
         FROM live_session session
         WHERE session.tenant_id = stats.tenant_id AND session.status = 'CLOSED'), 0);
