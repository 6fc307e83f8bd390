-- A seller may be registered by WhatsApp's business-scoped user id, which runs to 131 characters (a country code, a
-- dot and up to 128 letters and digits), 132 with the '@' of a handle.
ALTER TABLE tenant_seller ALTER COLUMN sender TYPE varchar(140);
