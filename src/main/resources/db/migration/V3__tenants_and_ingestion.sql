-- The tenant registry.
CREATE TABLE tenant (
    id                        varchar(40)  NOT NULL PRIMARY KEY,
    name                      varchar(200) NOT NULL,
    inactivity_window_seconds bigint,
    code_pattern              varchar(200),
    created_at                timestamptz  NOT NULL,
    updated_at                timestamptz  NOT NULL,
    version                   bigint       NOT NULL
);

-- Sellers' phones (digits only) and handles (lower case), as compared with a message's sender.
CREATE TABLE tenant_seller (
    tenant_id varchar(40)  NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    sender    varchar(100) NOT NULL,
    PRIMARY KEY (tenant_id, sender)
);

-- The live signals already stored, by provider message id: a redelivery finds its id here and changes nothing.
-- Written in the same transaction as the signal's events.
CREATE TABLE inbound_message (
    tenant_id   varchar(40)  NOT NULL,
    message_id  varchar(200) NOT NULL,
    received_at timestamptz  NOT NULL,
    PRIMARY KEY (tenant_id, message_id)
);

-- Each tenant's latest session: the guard that keeps a tenant from ever having two active sessions. Kept in the
-- transaction of the session's events by a subscribing event handler.
CREATE TABLE tenant_latest_session (
    tenant_id  varchar(40)  NOT NULL PRIMARY KEY,
    session_id varchar(100) NOT NULL,
    number     bigint       NOT NULL,
    active     boolean      NOT NULL
);
