-- Who did something is stored as the caller's name: "token:" followed by a token's name, which may be 100
-- characters long, did not fit in 100, and every change such a token made was refused.
ALTER TABLE tenant_change ALTER COLUMN actor TYPE varchar(120);
ALTER TABLE cleanup_run ALTER COLUMN actor TYPE varchar(120);
ALTER TABLE user_account ALTER COLUMN created_by TYPE varchar(120);
ALTER TABLE api_token ALTER COLUMN created_by TYPE varchar(120);
