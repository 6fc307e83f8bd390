package dev.livesessions.platform;

import dev.livesessions.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

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

    private int checksumOfV1() {
        return checksumOfV1("flyway_schema_history");
    }

    private int checksumOfV1(String historyTable) {
        return jdbc.queryForObject("SELECT checksum FROM " + historyTable + " WHERE version = '1'", Integer.class);
    }
}
