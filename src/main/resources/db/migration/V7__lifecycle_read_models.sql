-- Archive, delete, restore and auto-cleanup in the read models, and statistics for the cleanup.
-- Read models are rebuilt from the event stream: they are emptied here and the read-models processor forgets its
-- position, so that it replays every event into the new shape at the next start.
TRUNCATE live_session;
DROP TABLE tenant_stats;
DELETE FROM token_entry WHERE processor_name = 'read-models';

ALTER TABLE live_session ADD COLUMN auto_cleanup boolean NOT NULL;
ALTER TABLE live_session ADD COLUMN archive_at timestamptz;
ALTER TABLE live_session ADD COLUMN archive_notice_at timestamptz;
ALTER TABLE live_session ADD COLUMN archived_at timestamptz;
ALTER TABLE live_session ADD COLUMN deleted_at timestamptz;
CREATE INDEX live_session_status_expires_idx ON live_session (status, expires_at);

-- Running totals per tenant, changed as sessions move between states.
CREATE TABLE tenant_stats (
    tenant_id                       varchar(40) NOT NULL PRIMARY KEY,
    active_sessions                 bigint      NOT NULL,
    inactive_sessions               bigint      NOT NULL,
    archived_sessions               bigint      NOT NULL,
    deleted_sessions                bigint      NOT NULL,
    noticed_sessions                bigint      NOT NULL,
    live_messages                   bigint      NOT NULL,
    closings                        bigint      NOT NULL,
    closed_duration_millis          bigint      NOT NULL,
    inactive_last_activity_seconds  bigint      NOT NULL
);

-- Inactive sessions per tenant and day of last activity: how many are older than a delay, without counting sessions.
CREATE TABLE tenant_idle_day (
    tenant_id varchar(40) NOT NULL,
    day       date        NOT NULL,
    sessions  bigint      NOT NULL,
    PRIMARY KEY (tenant_id, day)
);
