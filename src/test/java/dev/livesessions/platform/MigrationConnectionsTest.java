package dev.livesessions.platform;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationConnectionsTest {

    private final HikariDataSource pool = new HikariDataSource();

    MigrationConnectionsTest() {
        pool.setJdbcUrl("jdbc:postgresql://localhost:5432/live_sessions");
        pool.setUsername("live_sessions");
        pool.setPassword("secret");
        pool.addDataSourceProperty("socketTimeout", "30");
        pool.addDataSourceProperty("ApplicationName", "live-sessions-node");
    }

    @Test
    void flywayGetsThePoolsConnectionsWithoutTheReadTimeout() {
        FluentConfiguration flyway = new FluentConfiguration().dataSource(pool);

        new MigrationConnections().migrationsWithoutReadTimeout(pool).customize(flyway);

        assertThat(flyway.getDataSource()).isInstanceOfSatisfying(SimpleDriverDataSource.class, migrations -> {
            assertThat(migrations.getUrl()).isEqualTo(pool.getJdbcUrl());
            assertThat(migrations.getUsername()).isEqualTo("live_sessions");
            assertThat(migrations.getPassword()).isEqualTo("secret");
            assertThat(migrations.getConnectionProperties()).containsEntry("ApplicationName", "live-sessions-node")
                                                            .doesNotContainKey("socketTimeout");
        });
    }

    @Test
    void aDataSourceChosenForFlywayIsLeftAsItIs() {
        DataSource chosen = new SimpleDriverDataSource();
        FluentConfiguration flyway = new FluentConfiguration().dataSource(chosen);

        new MigrationConnections().migrationsWithoutReadTimeout(pool).customize(flyway);

        assertThat(flyway.getDataSource()).isSameAs(chosen);
    }
}
