-- Each session row remembers the sequence number of the last event of the session it took, so that an event
-- delivered to the read models a second time is recognised and ignored. The read models are rebuilt from the event
-- stream to fill it: emptied here, and the read-models processor forgets its position (and its parked events, which
-- the rebuild takes again), so it replays at the next start.
TRUNCATE live_session, tenant_stats, tenant_idle_day;
DELETE FROM token_entry WHERE processor_name = 'read-models';
DELETE FROM dead_letter_entry WHERE processing_group = 'read-models';

ALTER TABLE live_session ADD COLUMN last_event_sequence bigint NOT NULL;
