-- Whether a run over every tenant archived each tenant's sessions after that tenant's own delay (asked without
-- deleteDays) rather than after delete_days for all: two requests with one id differ when this does. Runs stored
-- before cannot tell, and keep NULL: either request matches them.
ALTER TABLE cleanup_run ADD COLUMN tenants_own_delays boolean;
