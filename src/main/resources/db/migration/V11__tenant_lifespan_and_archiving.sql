-- Per-tenant overrides of the global session settings: a cap on a session's life, whether its closed sessions are
-- archived automatically, and how long before an archive its notice comes. Null means the global setting.
ALTER TABLE tenant ADD COLUMN max_lifespan_seconds bigint;
ALTER TABLE tenant ADD COLUMN automatic_archiving boolean;
ALTER TABLE tenant ADD COLUMN archive_notice_seconds bigint;
