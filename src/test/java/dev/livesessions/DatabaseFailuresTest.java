package dev.livesessions;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.orm.jpa.JpaSystemException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class DatabaseFailuresTest {

    @Test
    void aServerShuttingDownUnderAQueryIsUnreachable() {
        RuntimeException wrapped = new JpaSystemException(
                new RuntimeException(new SQLException("terminating connection due to administrator command", "57P01")));

        assertThat(DatabaseFailures.unreachable(wrapped)).isTrue();
    }

    @Test
    void aRefusedConnectionIsUnreachable() {
        assertThat(DatabaseFailures.unreachable(new SQLException("Connection refused", "08001"))).isTrue();
    }

    /**
     * What a request's transaction meets when the server goes away under it: its statement fails, the pool closes
     * the broken connection, and the rollback that follows fails on the closed connection. Spring reports the
     * rollback's failure, which has no SQLSTATE.
     */
    @Test
    void aRollbackOnAConnectionThePoolClosedAsBrokenIsUnreachable() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabase.createDatabase());
        config.setUsername("postgres");
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config);
             Connection observer = pool.getConnection();
             Connection inTransaction = pool.getConnection()) {
            inTransaction.setAutoCommit(false);
            int backend = singleInt(inTransaction, "SELECT pg_backend_pid()");
            assertThat(singleInt(observer, "SELECT pg_terminate_backend(" + backend + ")::int")).isOne();
            while (singleInt(observer, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + backend) > 0) {
                Thread.sleep(10);
            }
            assertThatThrownBy(() -> singleInt(inTransaction, "SELECT 1")).isInstanceOf(SQLException.class);

            Throwable rollbackFailure = catchThrowable(inTransaction::rollback);

            assertThat(rollbackFailure).isInstanceOf(SQLException.class);
            assertThat(((SQLException) rollbackFailure).getSQLState()).isNull();
            assertThat(DatabaseFailures.unreachable(new JpaSystemException(
                    new RuntimeException("Unable to rollback against JDBC Connection", rollbackFailure)))).isTrue();
        }
    }

    @Test
    void aConstraintOrASyntaxErrorIsNot() {
        assertThat(DatabaseFailures.unreachable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseFailures.unreachable(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(DatabaseFailures.unreachable(new SQLException("Connection is open"))).isFalse();
        assertThat(DatabaseFailures.unreachable(new IllegalStateException("no cause"))).isFalse();
    }

    private static int singleInt(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
            row.next();
            return row.getInt(1);
        }
    }
}
