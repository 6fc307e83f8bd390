-- Cleanup runs: what each run was asked, how it went, and what it did (or would do) to each session.
CREATE TABLE cleanup_run (
    id             uuid         PRIMARY KEY,
    requested_at   timestamptz  NOT NULL,
    finished_at    timestamptz,
    actor          varchar(100) NOT NULL,
    tenant_id      varchar(40),
    inactive_hours integer      NOT NULL,
    delete_days    integer      NOT NULL,
    dry_run        boolean      NOT NULL,
    status         varchar(20)  NOT NULL,
    total          bigint       NOT NULL,
    processed      bigint       NOT NULL,
    closed         bigint       NOT NULL,
    archived       bigint       NOT NULL,
    unchanged      bigint       NOT NULL,
    failed         bigint       NOT NULL,
    failure        text
);
CREATE INDEX cleanup_run_requested_idx ON cleanup_run (requested_at DESC);

CREATE TABLE cleanup_run_item (
    id         bigserial    PRIMARY KEY,
    run_id     uuid         NOT NULL REFERENCES cleanup_run (id) ON DELETE CASCADE,
    session_id varchar(100) NOT NULL,
    action     varchar(20)  NOT NULL,
    outcome    varchar(20)  NOT NULL,
    detail     text
);
CREATE INDEX cleanup_run_item_run_idx ON cleanup_run_item (run_id, id);
