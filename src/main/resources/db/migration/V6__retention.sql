-- Retention settings a tenant can override, and where it wants to hear of coming archives.
ALTER TABLE tenant ADD COLUMN archive_after_days integer;
ALTER TABLE tenant ADD COLUMN auto_cleanup_default boolean;
ALTER TABLE tenant ADD COLUMN notification_url varchar(500);
