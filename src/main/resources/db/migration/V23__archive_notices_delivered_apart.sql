-- The archive notices wait to be posted in a db-scheduler table of their own, polled by threads of their own, so that
-- tenant endpoints that hang hold up no session's closure (ADR 38). The notices waiting in the deadlines' table move
-- here. Stop the nodes of the version before first: they would go on posting notices from the old table, and a
-- node of this version leaves notices scheduled there by an older node alone.
CREATE TABLE archive_notice_deliveries (LIKE scheduled_tasks INCLUDING ALL);

INSERT INTO archive_notice_deliveries
SELECT * FROM scheduled_tasks WHERE task_name = 'send-archive-notice';

DELETE FROM scheduled_tasks WHERE task_name = 'send-archive-notice';
