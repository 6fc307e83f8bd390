-- When a cleanup run's node last saved its progress, so that a run whose node stopped can be told from one at work.
ALTER TABLE cleanup_run ADD COLUMN progressed_at timestamptz;
UPDATE cleanup_run SET progressed_at = coalesce(finished_at, requested_at);
-- The default serves nodes of the version before, which leave it out, while a cluster is upgraded node by node.
ALTER TABLE cleanup_run ALTER COLUMN progressed_at SET DEFAULT now();
ALTER TABLE cleanup_run ALTER COLUMN progressed_at SET NOT NULL;
