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

    private int checksumOfV1() {
        return jdbc.queryForObject("SELECT checksum FROM flyway_schema_history WHERE version = '1'", Integer.class);
    }
}
