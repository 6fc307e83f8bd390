-- What the webhooks need of a tenant: the WhatsApp number that receives its messages, and the secret that signs the
-- generic webhook's requests (write-only through the API, never logged).
ALTER TABLE tenant ADD COLUMN whatsapp_phone_number_id varchar(30) UNIQUE;
ALTER TABLE tenant ADD COLUMN webhook_secret varchar(200);

-- Every change to a tenant: when, by whom, and which fields (never the values of secrets).
CREATE TABLE tenant_change (
    id         bigserial    PRIMARY KEY,
    tenant_id  varchar(40)  NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
    changed_at timestamptz  NOT NULL,
    actor      varchar(100) NOT NULL,
    change     text         NOT NULL
);
CREATE INDEX tenant_change_tenant_idx ON tenant_change (tenant_id, changed_at);

-- Old message ids are pruned once providers have stopped retrying.
CREATE INDEX inbound_message_received_at_idx ON inbound_message (received_at);
