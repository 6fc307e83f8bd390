-- Run by Flyway before it validates the applied migrations against these files (at every start). A migration edited
-- after builds had applied it changes its checksum, and a database migrated by such a build would fail validation:
-- the service would not start. Each edit below is recognised by the checksum the migration had before, the schema is
-- brought to what the migration creates now, and the record is given the migration's checksum now; any other
-- checksum is left for Flyway to judge. The history table is the one Flyway is configured with (spring.flyway.table
-- and schemas).
-- V1: its comments reworded (2026-11-24); the schema is the same.
-- V18: a default for progressed_at added (2026-12-05), for the nodes of the version before during an upgrade.
-- V19: tenants_own_delays made nullable without a default (2026-12-06), so that runs stored before match either way.
-- V20: digits alone made a phone number from 7 of them only (2026-12-06); the first V20 left shorter ones without
--      the '@' every handle now has.
-- V21: its comment corrected (2026-12-06); what it does is the same.
DO $$
BEGIN
    IF to_regclass('"${flyway:defaultSchema}"."${flyway:table}"') IS NULL THEN
        RETURN;
    END IF;
    UPDATE "${flyway:defaultSchema}"."${flyway:table}" SET checksum = -282801869
    WHERE version = '1' AND checksum = -77818851;
    IF EXISTS (SELECT 1 FROM "${flyway:defaultSchema}"."${flyway:table}"
               WHERE version = '18' AND checksum = 1075511048) THEN
        ALTER TABLE "${flyway:defaultSchema}".cleanup_run ALTER COLUMN progressed_at SET DEFAULT now();
        UPDATE "${flyway:defaultSchema}"."${flyway:table}" SET checksum = -1701351530
        WHERE version = '18' AND checksum = 1075511048;
    END IF;
    IF EXISTS (SELECT 1 FROM "${flyway:defaultSchema}"."${flyway:table}"
               WHERE version = '19' AND checksum = 2026193509) THEN
        ALTER TABLE "${flyway:defaultSchema}".cleanup_run ALTER COLUMN tenants_own_delays DROP NOT NULL,
                                                          ALTER COLUMN tenants_own_delays DROP DEFAULT;
        -- The runs stored before V19 cannot tell, as V19 now says; the first V19 wrote false for them.
        UPDATE "${flyway:defaultSchema}".cleanup_run SET tenants_own_delays = NULL
        WHERE requested_at < (SELECT installed_on FROM "${flyway:defaultSchema}"."${flyway:table}"
                              WHERE version = '19');
        UPDATE "${flyway:defaultSchema}"."${flyway:table}" SET checksum = 1076999759
        WHERE version = '19' AND checksum = 2026193509;
    END IF;
    IF EXISTS (SELECT 1 FROM "${flyway:defaultSchema}"."${flyway:table}"
               WHERE version = '20' AND checksum = -26978657) THEN
        UPDATE "${flyway:defaultSchema}".tenant_seller SET sender = '@' || sender WHERE sender ~ '^[0-9]{1,6}$';
        UPDATE "${flyway:defaultSchema}"."${flyway:table}" SET checksum = -1381963097
        WHERE version = '20' AND checksum = -26978657;
    END IF;
    UPDATE "${flyway:defaultSchema}"."${flyway:table}" SET checksum = 652775427
    WHERE version = '21' AND checksum = -1066780966;
END
$$;
