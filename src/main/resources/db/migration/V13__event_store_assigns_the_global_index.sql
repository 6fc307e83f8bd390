-- The event store appends a batch of events in one statement and lets PostgreSQL number them: the global index
-- comes from the column's default, still one number at a time from the same sequence (ADR 15).
ALTER TABLE domain_event_entry ALTER COLUMN global_index SET DEFAULT nextval('domain_event_entry_global_index_seq');
ALTER SEQUENCE domain_event_entry_global_index_seq OWNED BY domain_event_entry.global_index;
