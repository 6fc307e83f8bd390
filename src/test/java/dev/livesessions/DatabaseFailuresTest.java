package dev.livesessions;

import org.junit.jupiter.api.Test;
import org.springframework.orm.jpa.JpaSystemException;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void aConstraintOrASyntaxErrorIsNot() {
        assertThat(DatabaseFailures.unreachable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseFailures.unreachable(new SQLException("syntax error", "42601"))).isFalse();
        assertThat(DatabaseFailures.unreachable(new IllegalStateException("no cause"))).isFalse();
    }
}
