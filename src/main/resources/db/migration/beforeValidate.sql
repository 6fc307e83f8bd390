-- Run by Flyway before it validates the applied migrations against these files (at every start).
-- V1's comments were reworded on 2026-11-24, which changed the file's checksum but not the schema it creates: a
-- database migrated by an earlier build would fail validation and the service would not start. Its record of V1 is
-- given the reworded file's checksum; any other checksum is left for Flyway to judge.
DO $$
BEGIN
    IF to_regclass('flyway_schema_history') IS NOT NULL THEN
        UPDATE flyway_schema_history SET checksum = -282801869 WHERE version = '1' AND checksum = -77818851;
    END IF;
END
$$;
