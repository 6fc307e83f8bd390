-- A restored session counts as idle since its restore: cleanup runs look for archivable sessions by it too.
-- Sessions restored before this column existed have it empty until a replay fills it; a cleanup run may then list
-- one as archivable, and the session itself, which counts from its restore, declines.
ALTER TABLE live_session ADD COLUMN restored_at timestamptz;
