package dev.livesessions.platform;

import dev.livesessions.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@IntegrationTest
class MigrationsIntegrationTest {

    /** The checksum Flyway recorded for V1 before its comments were reworded (2026-11-24). */
    private static final int V1_AS_FIRST_WRITTEN = -77818851;

    @Autowired
    Flyway flyway;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aDatabaseMigratedBeforeTheFirstMigrationWasRewordedStillStarts() {
        int current = checksumOfV1();
        jdbc.update("UPDATE flyway_schema_history SET checksum = ? WHERE version = '1'", V1_AS_FIRST_WRITTEN);
        try {
            // What the service runs at start: validate the applied migrations, then apply the pending ones.
            flyway.migrate();

            assertThat(checksumOfV1()).isEqualTo(current);
        } finally {
            jdbc.update("UPDATE flyway_schema_history SET checksum = ? WHERE version = '1'", current);
        }
    }

    @Test
    void soDoesOneWhoseHistoryTableIsNamedOtherwise() {
        Flyway elsewhere = Flyway.configure().configuration(flyway.getConfiguration())
                                 .schemas("migrations_elsewhere").table("schema_versions").load();
        try {
            elsewhere.migrate();
            int current = checksumOfV1("migrations_elsewhere.schema_versions");
            jdbc.update("UPDATE migrations_elsewhere.schema_versions SET checksum = ? WHERE version = '1'",
                        V1_AS_FIRST_WRITTEN);

            elsewhere.migrate();

            assertThat(checksumOfV1("migrations_elsewhere.schema_versions")).isEqualTo(current);
        } finally {
            jdbc.execute("DROP SCHEMA IF EXISTS migrations_elsewhere CASCADE");
        }
    }

    /** V18 to V21 were edited after builds had applied them; a database those builds migrated still starts. */
    @Test
    void aDatabaseMigratedBeforeV18ToV21WereEditedStillStartsWithTheirSchemaAndRows() {
        Flyway edited = Flyway.configure().configuration(flyway.getConfiguration())
                              .schemas("migrations_before_edits").load();
        try {
            edited.migrate();
            // What V18 and V19 made, and the checksums V18 to V21 had, as first written.
            jdbc.execute("ALTER TABLE migrations_before_edits.cleanup_run ALTER COLUMN progressed_at DROP DEFAULT, "
                         + "ALTER COLUMN tenants_own_delays SET DEFAULT false, "
                         + "ALTER COLUMN tenants_own_delays SET NOT NULL");
            jdbc.update("UPDATE migrations_before_edits.flyway_schema_history SET checksum = CASE version "
                        + "WHEN '18' THEN 1075511048 WHEN '19' THEN 2026193509 WHEN '20' THEN -26978657 "
                        + "ELSE -1066780966 END WHERE version IN ('18', '19', '20', '21')");
            // A run stored before V19, which the first V19 said asked for one delay for all, and one stored after.
            jdbc.update("INSERT INTO migrations_before_edits.cleanup_run (id, requested_at, progressed_at, actor, "
                        + "inactive_hours, delete_days, dry_run, status, total, processed, closed, archived, "
                        + "unchanged, failed, tenants_own_delays) SELECT gen_random_uuid(), at, at, 'admin', 24, 30, "
                        + "false, 'SUCCEEDED', 0, 0, 0, 0, 0, 0, own FROM (VALUES (now() - interval '1 day', false), "
                        + "(now() + interval '1 minute', true)) AS runs (at, own)");
            // Sellers as the first V20 left them: digits alone were all phone numbers.
            jdbc.update("INSERT INTO migrations_before_edits.tenant (id, name, created_at, updated_at, version) "
                        + "VALUES ('shop', 'Shop', now(), now(), 0)");
            jdbc.update("INSERT INTO migrations_before_edits.tenant_seller (tenant_id, sender) "
                        + "VALUES ('shop', '1234'), ('shop', '33612345678'), ('shop', '@shop.owner')");

            edited.migrate();

            assertThat(jdbc.queryForList("SELECT column_name || ' ' || is_nullable || ' ' || coalesce(column_default, "
                    + "'-') FROM information_schema.columns WHERE table_schema = 'migrations_before_edits' AND "
                    + "table_name = 'cleanup_run' AND column_name IN ('progressed_at', 'tenants_own_delays')",
                    String.class)).containsExactlyInAnyOrder("progressed_at NO now()", "tenants_own_delays YES -");
            assertThat(jdbc.queryForList("SELECT coalesce(tenants_own_delays::text, 'unknown') FROM "
                    + "migrations_before_edits.cleanup_run ORDER BY requested_at", String.class))
                    .containsExactly("unknown", "true");
            assertThat(jdbc.queryForList("SELECT sender FROM migrations_before_edits.tenant_seller", String.class))
                    .containsExactlyInAnyOrder("@1234", "33612345678", "@shop.owner");
        } finally {
            jdbc.execute("DROP SCHEMA IF EXISTS migrations_before_edits CASCADE");
        }
    }

    @Test
    void sellersHandlesStoredBeforeTheyKeptTheirAtGetIt() {
        Flyway before = Flyway.configure().configuration(flyway.getConfiguration())
                              .schemas("sellers_before_v20").target("19").load();
        try {
            before.migrate();
            jdbc.update("INSERT INTO sellers_before_v20.tenant (id, name, created_at, updated_at, version) "
                        + "VALUES ('shop', 'Shop', now(), now(), 0)");
            for (String seller : List.of("33612345678", "shop.owner", "123456789012345@lid", "1234")) {
                jdbc.update("INSERT INTO sellers_before_v20.tenant_seller (tenant_id, sender) VALUES ('shop', ?)",
                            seller);
            }

            Flyway.configure().configuration(flyway.getConfiguration()).schemas("sellers_before_v20").load().migrate();

            assertThat(jdbc.queryForList("SELECT sender FROM sellers_before_v20.tenant_seller", String.class))
                    .containsExactlyInAnyOrder("33612345678", "@shop.owner", "123456789012345@lid", "@1234");
        } finally {
            jdbc.execute("DROP SCHEMA IF EXISTS sellers_before_v20 CASCADE");
        }
    }

    /** The idle time counted a restored session from its last activity before V21; V21 counts it from its restore. */
    @Test
    void theIdleTimeCountedBeforeV21CountsARestoredSessionFromItsRestore() {
        Flyway before = Flyway.configure().configuration(flyway.getConfiguration())
                              .schemas("idle_time_before_v21").target("20").load();
        try {
            before.migrate();
            // Two closed sessions, one restored after its last activity, as the projection wrote them before V21.
            jdbc.update("INSERT INTO idle_time_before_v21.live_session (session_id, tenant_id, number, status, "
                        + "created_at, last_activity_at, inactivity_window_seconds, seller_messages, client_codes, "
                        + "last_event_sequence, auto_cleanup, restored_at) VALUES "
                        + "('shop.1', 'shop', 1, 'CLOSED', ?, ?, 2700, 1, 0, 1, true, NULL), "
                        + "('shop.2', 'shop', 2, 'CLOSED', ?, ?, 2700, 1, 0, 4, true, ?)",
                        Timestamp.from(Instant.parse("2026-01-01T10:00:00Z")),
                        Timestamp.from(Instant.parse("2026-01-01T10:00:00.700Z")),
                        Timestamp.from(Instant.parse("2026-01-02T10:00:00Z")),
                        Timestamp.from(Instant.parse("2026-01-02T10:00:00Z")),
                        Timestamp.from(Instant.parse("2026-03-01T08:00:00.250Z")));
            jdbc.update("INSERT INTO idle_time_before_v21.tenant_stats VALUES ('shop', 0, 2, 0, 0, 0, 2, 2, 0, ?)",
                        Instant.parse("2026-01-01T10:00:00Z").getEpochSecond()
                        + Instant.parse("2026-01-02T10:00:00Z").getEpochSecond());

            Flyway.configure().configuration(flyway.getConfiguration()).schemas("idle_time_before_v21").load()
                  .migrate();

            assertThat(jdbc.queryForObject("SELECT inactive_last_activity_seconds FROM idle_time_before_v21"
                                           + ".tenant_stats WHERE tenant_id = 'shop'", Long.class))
                    .isEqualTo(Instant.parse("2026-01-01T10:00:00Z").getEpochSecond()
                               + Instant.parse("2026-03-01T08:00:00Z").getEpochSecond());
        } finally {
            jdbc.execute("DROP SCHEMA IF EXISTS idle_time_before_v21 CASCADE");
        }
    }

    /** Notices waiting in the deadlines' table before V23 wait in a table of their own after it; deadlines stay. */
    @Test
    void noticesWaitingBeforeV23MoveToTheirOwnTable() {
        Flyway before = Flyway.configure().configuration(flyway.getConfiguration())
                              .schemas("notices_before_v23").target("22").load();
        try {
            before.migrate();
            for (String[] task : List.of(new String[] {"send-archive-notice", "shop.1/2026-01-31T10:00:00Z"},
                                         new String[] {"AxonDeadline", "shop.2-close"})) {
                jdbc.update("INSERT INTO notices_before_v23.scheduled_tasks (task_name, task_instance, task_data, "
                            + "execution_time, picked, consecutive_failures, version) VALUES (?, ?, ?, now(), false, "
                            + "2, 1)", task[0], task[1], new byte[] {1, 2, 3});
            }

            Flyway.configure().configuration(flyway.getConfiguration()).schemas("notices_before_v23").load()
                  .migrate();

            assertThat(jdbc.queryForList("SELECT task_name || ' ' || task_instance || ' ' || consecutive_failures "
                                         + "FROM notices_before_v23.archive_notice_deliveries", String.class))
                    .containsExactly("send-archive-notice shop.1/2026-01-31T10:00:00Z 2");
            assertThat(jdbc.queryForList("SELECT task_name FROM notices_before_v23.scheduled_tasks", String.class))
                    .containsExactly("AxonDeadline");
        } finally {
            jdbc.execute("DROP SCHEMA IF EXISTS notices_before_v23 CASCADE");
        }
    }

    private int checksumOfV1() {
        return checksumOfV1("flyway_schema_history");
    }

    private int checksumOfV1(String historyTable) {
        return jdbc.queryForObject("SELECT checksum FROM " + historyTable + " WHERE version = '1'", Integer.class);
    }
}
