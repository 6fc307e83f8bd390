-- Who may use the dashboard and the API. Passwords are stored as bcrypt hashes, API tokens as SHA-256 hashes: the
-- values themselves are shown once, when made, and never stored.
CREATE TABLE user_account (
    username      varchar(60)  NOT NULL PRIMARY KEY,
    password_hash varchar(100) NOT NULL,
    role          varchar(20)  NOT NULL,
    tenant_id     varchar(40)  REFERENCES tenant (id),
    enabled       boolean      NOT NULL,
    created_at    timestamptz  NOT NULL,
    created_by    varchar(100) NOT NULL,
    -- An admin sees every tenant; a streamer or a viewer exactly one.
    CONSTRAINT user_account_tenant_by_role CHECK ((role = 'ADMIN') = (tenant_id IS NULL))
);

CREATE TABLE api_token (
    id          uuid         NOT NULL PRIMARY KEY,
    name        varchar(100) NOT NULL,
    token_hash  char(64)     NOT NULL UNIQUE,
    role        varchar(20)  NOT NULL,
    tenant_id   varchar(40)  REFERENCES tenant (id),
    created_at  timestamptz  NOT NULL,
    created_by  varchar(100) NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT api_token_tenant_by_role CHECK ((role = 'ADMIN') = (tenant_id IS NULL))
);
