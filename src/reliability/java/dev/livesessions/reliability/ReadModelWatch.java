package dev.livesessions.reliability;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Looks at the sessions read model (the {@code live_session} table the API and dashboard read) continuously while a
 * scenario runs, and records every moment it shows a tenant with two active sessions. Each look is one query, so it
 * sees one consistent snapshot of the table.
 */
final class ReadModelWatch implements AutoCloseable {

    private static final String TWO_ACTIVE = """
            SELECT tenant_id, string_agg(session_id, ',' ORDER BY session_id) AS sessions
            FROM live_session WHERE status = 'ACTIVE'
            GROUP BY tenant_id HAVING count(*) > 1""";

    private final Postgres database;
    private final Duration interval;
    private final Thread watcher;
    private final AtomicLong looks = new AtomicLong();
    private final AtomicLong failedLooks = new AtomicLong();
    private final Set<String> violations = new TreeSet<>();
    private volatile boolean running = true;

    ReadModelWatch(Postgres database, Duration interval) {
        this.database = database;
        this.interval = interval;
        this.watcher = new Thread(this::watch, "read-model-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch() {
        Connection connection = null;
        while (running) {
            try {
                if (connection == null) {
                    connection = database.connect();
                }
                List<Map<String, Object>> rows = Postgres.rows(connection, TWO_ACTIVE);
                looks.incrementAndGet();
                for (Map<String, Object> row : rows) {
                    synchronized (violations) {
                        violations.add(row.get("tenant_id") + " had " + row.get("sessions") + " active");
                    }
                }
            } catch (SQLException e) {
                // The database is down (an outage scenario) or the schema is not there yet: look again later.
                failedLooks.incrementAndGet();
                close(connection);
                connection = null;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                break;
            }
        }
        close(connection);
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone already
            }
        }
    }

    long looks() {
        return looks.get();
    }

    long failedLooks() {
        return failedLooks.get();
    }

    /** Each tenant and set of sessions seen active together, once. */
    Set<String> violations() {
        synchronized (violations) {
            return Set.copyOf(violations);
        }
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
        try {
            watcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
