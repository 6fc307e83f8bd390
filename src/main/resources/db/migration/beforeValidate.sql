-- Run by Flyway before it validates the applied migrations against these files (at every start).
-- V1's comments were reworded on 2026-11-24, which changed the file's checksum but not the schema it creates: a
-- database migrated by an earlier build would fail validation and the service would not start. Its record of V1 is
-- given the reworded file's checksum; any other checksum is left for Flyway to judge. The history table is the one
-- Flyway is configured with (spring.flyway.table and schemas).
DO $$
BEGIN
    IF to_regclass('"${flyway:defaultSchema}"."${flyway:table}"') IS NOT NULL THEN
        UPDATE "${flyway:defaultSchema}"."${flyway:table}" SET checksum = -282801869
        WHERE version = '1' AND checksum = -77818851;
    END IF;
END
$$;
