package dev.livesessions.platform;

import dev.livesessions.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.livesessions.Http.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A statement that fails in the database is logged with its exception's message; the values it was given (a
 * tenant's webhook secret, say) are not in that message, so they are never written to the log.
 */
@IntegrationTest
class DatabaseErrorsIntegrationTest {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void aFailedBatchDoesNotSayTheValuesItWasGiven() {
        String id = uniqueTenant("secret");
        String secret = "a-webhook-secret-nobody-may-read";
        List<Object[]> twice = List.of(new Object[] {id, secret}, new Object[] {id, secret});

        DataAccessException failed = catchThrowableOfType(DataAccessException.class, () -> transactions
                .executeWithoutResult(status -> jdbc.batchUpdate(
                        "INSERT INTO tenant (id, name, created_at, updated_at, version, webhook_secret) "
                        + "VALUES (?, 'Tenant', now(), now(), 0, ?)", twice)));

        assertThat(failed).isNotNull();
        assertThat(messagesOf(failed)).isNotEmpty().noneMatch(message -> message.contains(secret));
    }

    /** The messages of the exception, of its causes, and of the exceptions the driver chained to them. */
    private static List<String> messagesOf(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()));
            if (cause instanceof SQLException sql) {
                for (SQLException next = sql.getNextException(); next != null; next = next.getNextException()) {
                    messages.add(String.valueOf(next.getMessage()));
                }
            }
        }
        return messages;
    }
}
