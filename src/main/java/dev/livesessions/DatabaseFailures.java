package dev.livesessions;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that cannot be reached (down, restarting, refusing connections) from a request that failed on its
 * own. The first is answered 503 so that the sender delivers again; the second is a fault of the request or of the
 * service.
 */
public final class DatabaseFailures {

    /**
     * What HikariCP answers, with no SQLSTATE, on a connection it has closed. Inside a transaction that happens when
     * the pool found the connection broken (it closes it on a class 08 or 57P0x failure): the transaction's rollback
     * then fails with this, and Spring reports that failure in place of the first one.
     */
    private static final String CLOSED_BY_THE_POOL = "Connection is closed";

    private DatabaseFailures() {
    }

    /**
     * Whether the failure, or one of its causes, says the database is unreachable: no connection could be had
     * (SQLSTATE class 08), the server is shutting down or starting (57P01 to 57P03), or the pool had closed the
     * connection as broken.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotCreateTransactionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql && unreachable(sql)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreachable(SQLException failure) {
        String sqlState = failure.getSQLState();
        if (sqlState == null) {
            return CLOSED_BY_THE_POOL.equals(failure.getMessage());
        }
        return sqlState.startsWith("08") || sqlState.startsWith("57P0");
    }
}
