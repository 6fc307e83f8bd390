package dev.livesessions.platform;

import dev.livesessions.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

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

    private int checksumOfV1() {
        return checksumOfV1("flyway_schema_history");
    }

    private int checksumOfV1(String historyTable) {
        return jdbc.queryForObject("SELECT checksum FROM " + historyTable + " WHERE version = '1'", Integer.class);
    }
}
