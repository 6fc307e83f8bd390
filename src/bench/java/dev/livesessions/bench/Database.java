package dev.livesessions.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's PostgreSQL: a fresh embedded server (real binaries) with its data in the run's temporary directory, and
 * the one server that the service and every baseline use. Also the orchestrator's connection to it, for set-up and
 * checks.
 * <p>
 * Commits are durable: {@code synchronous_commit=on} <em>and</em> {@code fsync=on}. zonky starts PostgreSQL with
 * {@code -F} (fsync off) for speed; without turning it back on, a commit would not wait for the disk and "200 =
 * durable" would be measured without its cost.
 * <p>
 * With {@code -Dbench.pg-statements=true} the server also loads {@code pg_stat_statements}, so that a scenario can say
 * which statements PostgreSQL spent its time on ({@link #costliestStatements}).
 */
final class Database implements AutoCloseable {

    /**
     * A statement as {@code pg_stat_statements} saw it since the last reset; times in milliseconds. {@code plans}
     * counts the times PostgreSQL planned it: as many as its calls when it never keeps a plan.
     */
    record StatementCost(long calls, double executionMillis, long plans, double planningMillis, long rows,
                         String statement) {
    }

    private final EmbeddedPostgres server;
    private final Connection connection;
    private final boolean statementsTracked;

    private Database(EmbeddedPostgres server, boolean statementsTracked) throws SQLException {
        this.server = server;
        this.connection = server.getPostgresDatabase().getConnection();
        this.statementsTracked = statementsTracked;
    }

    static Database start(Path dataDirectory, boolean trackStatements) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                                                           .setDataDirectory(dataDirectory)
                                                           .setCleanDataDirectory(true)
                                                           .setServerConfig("synchronous_commit", "on")
                                                           .setServerConfig("fsync", "on");
        if (trackStatements) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            builder.setServerConfig("pg_stat_statements.track_planning", "on");
        }
        Database database = new Database(builder.start(), trackStatements);
        if (trackStatements) {
            database.execute("CREATE EXTENSION pg_stat_statements");
        }
        return database;
    }

    /** Starts counting statements afresh (nothing happens unless they are tracked). */
    void resetStatements() throws SQLException {
        if (statementsTracked) {
            execute("SELECT pg_stat_statements_reset()");
        }
    }

    /**
     * The statements PostgreSQL spent the most time on, planning and executing, since {@link #resetStatements},
     * whoever ran them; empty unless statements are tracked. Whitespace is folded and each statement cut to 160
     * characters.
     */
    List<StatementCost> costliestStatements(int limit) throws SQLException {
        if (!statementsTracked) {
            return List.of();
        }
        List<StatementCost> costs = new ArrayList<>();
        for (List<Object> row : rows("""
                SELECT calls, total_exec_time, plans, total_plan_time, rows,
                       left(regexp_replace(query, '\\s+', ' ', 'g'), 160)
                FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT ?
                """, limit)) {
            costs.add(new StatementCost(((Number) row.get(0)).longValue(), ((Number) row.get(1)).doubleValue(),
                                        ((Number) row.get(2)).longValue(), ((Number) row.get(3)).doubleValue(),
                                        ((Number) row.get(4)).longValue(), (String) row.get(5)));
        }
        return costs;
    }

    String jdbcUrl() {
        return server.getJdbcUrl("postgres", "postgres");
    }

    /** The postmaster's process id, so that the service can stop the server if the orchestrator dies. */
    long pid(Path dataDirectory) throws IOException {
        return Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
    }

    /** The baselines' tables, in a schema of their own next to the service's (Flyway's) tables. */
    void createBaselineTables() throws SQLException {
        execute("""
                CREATE SCHEMA bench;
                -- raw-http: one event-sized row per request.
                CREATE TABLE bench.raw_event (
                    id          bigserial PRIMARY KEY,
                    tenant_id   varchar(40)  NOT NULL,
                    message_id  varchar(200) NOT NULL,
                    payload     bytea        NOT NULL,
                    meta_data   bytea,
                    received_at timestamptz  NOT NULL
                );
                -- crud-http: the seed's LiveSession table (one active session per tenant) and its EventLog.
                CREATE TABLE bench.live_session (
                    id               bigserial PRIMARY KEY,
                    tenant_id        varchar(40) NOT NULL,
                    status           varchar(10) NOT NULL,
                    last_activity_at timestamptz NOT NULL,
                    created_at       timestamptz NOT NULL,
                    updated_at       timestamptz NOT NULL
                );
                CREATE INDEX live_session_tenant_status_idx ON bench.live_session (tenant_id, status);
                CREATE UNIQUE INDEX live_session_one_active_idx ON bench.live_session (tenant_id)
                    WHERE status = 'active';
                CREATE TABLE bench.event_log (
                    id              bigserial PRIMARY KEY,
                    tenant_id       varchar(40)  NOT NULL,
                    type            varchar(60)  NOT NULL,
                    live_session_id bigint,
                    message_id      varchar(200),
                    payload         bytea,
                    created_at      timestamptz  NOT NULL
                );
                """);
    }

    /**
     * Inserts tenants {@code <prefix>-0} to {@code <prefix>-<count - 1>} with the webhook secrets and seller phones of
     * {@link BenchTenants}, with two SQL statements: many calls to the tenant API would take minutes and measure
     * nothing of interest. The service reads them like any tenant.
     */
    void insertTenants(String prefix, int count, Duration inactivityWindow) throws SQLException {
        execute(("INSERT INTO tenant (id, name, inactivity_window_seconds, created_at, updated_at, version, "
                 + "webhook_secret) SELECT '%1$s-' || i, 'Bench %1$s-' || i, %2$d, now(), now(), 0, "
                 + "'bench-webhook-secret-%1$s-' || i || '-0123456789abcdef' FROM generate_series(0, %3$d) i")
                        .formatted(prefix, inactivityWindow.toSeconds(), count - 1));
        execute(("INSERT INTO tenant_seller (tenant_id, sender) SELECT '%s-' || i, "
                 + "'3360' || lpad((i %% 10000000)::text, 7, '0') FROM generate_series(0, %d) i")
                        .formatted(prefix, count - 1));
    }

    void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    long count(String sql, Object... parameters) throws SQLException {
        return ((Number) row(sql, parameters).get(0)).longValue();
    }

    String text(String sql, Object... parameters) throws SQLException {
        return String.valueOf(row(sql, parameters).get(0));
    }

    List<Object> row(String sql, Object... parameters) throws SQLException {
        List<List<Object>> rows = rows(sql, parameters);
        if (rows.isEmpty()) {
            throw new SQLException("no row from " + sql);
        }
        return rows.get(0);
    }

    List<List<Object>> rows(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.setFetchSize(10_000);
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<Object> row = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        row.add(result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** The highest global index of the event table: events appended after it belong to what runs next. */
    long eventHead() throws SQLException {
        return count("SELECT coalesce(max(global_index), 0) FROM domain_event_entry");
    }

    /**
     * Rows written to the deadline table (inserted + updated + deleted) since the server started, from PostgreSQL's
     * table statistics. They are flushed with a delay, so the snapshot is cleared and taken a moment later.
     */
    long deadlineWrites() throws SQLException, InterruptedException {
        Thread.sleep(1_500);
        execute("SELECT pg_stat_clear_snapshot()");
        return count("SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables "
                     + "WHERE relname = 'scheduled_tasks'");
    }

    /**
     * What PostgreSQL has written since it began: WAL bytes, and checkpoints started (timed and requested, from
     * {@code pg_stat_checkpointer}) with the milliseconds their ends spent syncing data files to disk, the moment a
     * checkpoint can hold up commits.
     */
    DiskWrites diskWrites() throws SQLException {
        execute("SELECT pg_stat_clear_snapshot()");
        List<Object> row = row("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'), num_timed + num_requested, "
                               + "sync_time FROM pg_stat_checkpointer");
        return new DiskWrites(((Number) row.get(0)).longValue(), ((Number) row.get(1)).longValue(),
                              ((Number) row.get(2)).doubleValue());
    }

    record DiskWrites(long walBytes, long checkpoints, double checkpointSyncMillis) {

        DiskWrites since(DiskWrites earlier) {
            return new DiskWrites(walBytes - earlier.walBytes, checkpoints - earlier.checkpoints,
                                  checkpointSyncMillis - earlier.checkpointSyncMillis);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the server goes anyway
        }
        server.close();
    }
}
