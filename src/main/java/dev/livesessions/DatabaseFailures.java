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

    private DatabaseFailures() {
    }

    /**
     * Whether the failure, or one of its causes, says the database is unreachable: no connection could be had
     * (SQLSTATE class 08), or the server is shutting down or starting (57P01 to 57P03).
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotCreateTransactionException
                    || cause instanceof DataAccessResourceFailureException
                    || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLException sql && unreachable(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean unreachable(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P0"));
    }
}
