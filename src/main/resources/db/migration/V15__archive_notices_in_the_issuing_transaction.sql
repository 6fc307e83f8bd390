-- The archive notices are scheduled in the transaction that issues them (a subscribing processor, ADR 24): the
-- tracking processor that read every event for them, and its claims, are gone.
DELETE FROM token_entry WHERE processor_name = 'archive-notices';
