-- Who disabled a user, and when, and who revoked a token: like every change made through the API, these say who made
-- them. A user made again after a disable keeps its last one. Users disabled and tokens revoked before have none.
ALTER TABLE user_account ADD COLUMN disabled_at timestamptz,
                         ADD COLUMN disabled_by varchar(120);
ALTER TABLE api_token ADD COLUMN revoked_by varchar(120);
