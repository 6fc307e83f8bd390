-- Read models, built from the event stream by the read-models processor; they can be rebuilt from it at any time.
CREATE TABLE live_session (
    session_id                varchar(100) NOT NULL PRIMARY KEY,
    tenant_id                 varchar(40)  NOT NULL,
    number                    bigint       NOT NULL,
    status                    varchar(20)  NOT NULL,
    created_at                timestamptz  NOT NULL,
    last_activity_at          timestamptz  NOT NULL,
    inactivity_window_seconds bigint       NOT NULL,
    expires_at                timestamptz,
    closed_at                 timestamptz,
    close_reason              varchar(40),
    seller_messages           bigint       NOT NULL,
    client_codes              bigint       NOT NULL
);
CREATE INDEX live_session_tenant_created_idx ON live_session (tenant_id, created_at DESC);
CREATE INDEX live_session_status_created_idx ON live_session (status, created_at DESC);

CREATE TABLE tenant_stats (
    tenant_id              varchar(40) NOT NULL PRIMARY KEY,
    total_sessions         bigint      NOT NULL,
    active_sessions        bigint      NOT NULL,
    closed_sessions        bigint      NOT NULL,
    live_messages          bigint      NOT NULL,
    closed_duration_millis bigint      NOT NULL
);
