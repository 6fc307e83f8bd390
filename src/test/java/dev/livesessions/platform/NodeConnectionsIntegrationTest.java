package dev.livesessions.platform;

import com.zaxxer.hikari.HikariDataSource;
import dev.livesessions.IntegrationTest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nodes sharing a database count each other by their connections (SegmentBalancing): each connection says its node,
 * and PostgreSQL drops those of a node that vanished within a minute rather than the system's two hours. The other
 * way round, a node gives up a read its database has left unanswered for 30 s (ADR 41), but not a migration's, and
 * replaces an idle connection that does not answer its check within a second.
 */
@IntegrationTest
class NodeConnectionsIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource pool;
    @Autowired
    Flyway flyway;

    @Test
    void aConnectionNamesItsNodeAndIsGivenUpSoonWhenItsNodeGoesSilent() {
        assertThat(jdbc.queryForObject("SHOW application_name", String.class)).startsWith("live-sessions-");
        assertThat(jdbc.queryForObject("SHOW tcp_keepalives_idle", String.class)).isEqualTo("30");
        assertThat(jdbc.queryForObject("SHOW tcp_keepalives_interval", String.class)).isEqualTo("10");
        assertThat(jdbc.queryForObject("SHOW tcp_keepalives_count", String.class)).isEqualTo("3");
    }

    @Test
    void anIdleConnectionThatDoesNotAnswerItsCheckWithinASecondIsReplaced() {
        assertThat(pool).isInstanceOfSatisfying(HikariDataSource.class,
                                                hikari -> assertThat(hikari.getValidationTimeout()).isEqualTo(1_000));
    }

    @Test
    void aReadLeftUnansweredFor30SecondsIsGivenUpExceptByAMigration() throws SQLException {
        try (Connection pooled = pool.getConnection();
             Connection migrating = flyway.getConfiguration().getDataSource().getConnection()) {
            assertThat(pooled.getNetworkTimeout()).isEqualTo(30_000);
            assertThat(migrating.getNetworkTimeout()).isZero();
            // The pool's other driver properties hold for migrations too.
            JdbcTemplate migrations = new JdbcTemplate(new SingleConnectionDataSource(migrating, true));
            assertThat(migrations.queryForObject("SHOW application_name", String.class)).startsWith("live-sessions-");
            assertThat(migrations.queryForObject("SHOW tcp_keepalives_idle", String.class)).isEqualTo("30");
        }
    }
}
