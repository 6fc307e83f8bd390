-- A session's maximum lifespan decides when it closes if nothing happens (expires_at), as its window does.
-- The read models are rebuilt from the event stream into the new shape: emptied here, and the read-models processor
-- forgets its position (and its parked events, which the rebuild takes again), so it replays at the next start.
TRUNCATE live_session, tenant_stats, tenant_idle_day;
DELETE FROM token_entry WHERE processor_name = 'read-models';
DELETE FROM dead_letter_entry WHERE processing_group = 'read-models';

ALTER TABLE live_session ADD COLUMN lifespan_ends_at timestamptz;
