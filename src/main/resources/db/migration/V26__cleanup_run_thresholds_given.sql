-- Whether a run's request gave its thresholds or left them to the defaults. A retry under the run's id asks for the
-- same run when it gives the same values and leaves out the same ones, though a default may have changed since (a
-- tenant's archive delay, a node's SESSION_INACTIVE_HOURS). Runs stored before cannot tell, and keep NULL: they are
-- compared by the values they took.
ALTER TABLE cleanup_run ADD COLUMN inactive_hours_given boolean, ADD COLUMN delete_days_given boolean;
