package dev.livesessions.query;

import dev.livesessions.api.LiveSessionEvent;
import dev.livesessions.api.SessionIds;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The live read models, in PostgreSQL, written with plain batched statements (ADR 19). The projection applies a batch
 * of events in one transaction: the rows the batch is about are read in two queries when it starts, the events change
 * them in memory, and the rows that changed are written back in one statement batch per table just before the
 * transaction commits. A batch that fails leaves nothing behind: its rows go with its unit of work.
 */
@Component
class DatabaseReadModelStore implements ReadModelStore {

    private static final String BATCH_ROWS = DatabaseReadModelStore.class.getName() + ".rows";
    private static final String TENANTS_LOCKED = DatabaseReadModelStore.class.getName() + ".tenantsLocked";
    private static final String WRITE_SESSION = Rows.upsert("live_session", SessionEntry.COLUMNS);
    private static final String WRITE_STATS = Rows.upsert("tenant_stats", TenantStatsEntry.COLUMNS);
    private static final String COUNT_IDLE_DAY = """
            INSERT INTO tenant_idle_day (tenant_id, day, sessions) VALUES (?, ?, ?)
            ON CONFLICT (tenant_id, day) DO UPDATE SET sessions = tenant_idle_day.sessions + excluded.sessions
            """;
    private static final String READ_SESSIONS =
            "SELECT * FROM live_session WHERE session_id = ANY ((SELECT ?)::text[])";
    private static final String READ_STATS = "SELECT * FROM tenant_stats WHERE tenant_id = ANY ((SELECT ?)::text[])";
    /** The first key of the read models' tenant locks; the second is a hash of the tenant id. */
    static final int TENANT_LOCKS = 0x524D5431;
    /**
     * Locks tenants until the transaction ends, in the order of their keys, so that two transactions locking several
     * never wait for each other in a circle (two tenants whose ids hash alike share a lock).
     */
    private static final String LOCK_TENANTS = """
            SELECT pg_advisory_xact_lock(%d, tenant_key)
            FROM (SELECT DISTINCT hashtext(tenant_id) AS tenant_key FROM unnest((SELECT ?)::text[]) AS tenant_id
                  ORDER BY tenant_key) AS tenant_keys
            """.formatted(TENANT_LOCKS);
    private static final String ANY_EVENT_PARKED =
            "SELECT EXISTS (SELECT 1 FROM dead_letter_entry WHERE processing_group = '" + ReadModels.PROCESSING_GROUP
            + "')";

    private final JdbcTemplate jdbc;

    DatabaseReadModelStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<SessionEntry> session(String sessionId) {
        return rowsOfTheBatch().session(sessionId);
    }

    @Override
    public SessionEntry addSession(SessionEntry session) {
        return rowsOfTheBatch().addSession(session);
    }

    @Override
    public TenantStatsEntry statsOf(String tenantId) {
        return rowsOfTheBatch().statsOf(tenantId);
    }

    @Override
    public void countIdleDay(String tenantId, LocalDate day, int delta) {
        rowsOfTheBatch().idleDays.merge(new IdleDay(tenantId, day), (long) delta, Long::sum);
    }

    /** Reads the rows of the batch under way now, if not yet, rather than when an event handler first asks. */
    void readTheBatchsRows() {
        rowsOfTheBatch();
    }

    /** Empties every read model, before a replay rebuilds them. */
    void clear() {
        jdbc.execute("TRUNCATE live_session, tenant_stats, tenant_idle_day");
    }

    /**
     * The rows of the batch being applied: read for all its events the first time one asks, and written when it
     * commits. A batch is the processor's unit of work for all its events; a parked event tried again has a unit of
     * work of its own (nested in one that carries no event), and is a batch of one.
     * <p>
     * While events are parked, a retry (on a request thread) may apply a tenant's parked events between the moment a
     * batch read that tenant's rows and the moment it applies the tenant's next event, which the tenant's sequence no
     * longer holds back: the batch would then write back rows that miss what the retry applied. So a retry, and any
     * batch that starts while events are parked, lock their tenants before they read any row: whichever comes second
     * waits for the other to commit, and reads what it wrote, even rows the other added (a session whose opening was
     * parked, a tenant's first statistics), which no row lock could have held back. A batch takes its locks before Axon
     * asks whether its events' tenants have events parked ({@link ReadModels}): asked during a retry, the question
     * sees the events the retry is taking out of the queue. Without parked events, nothing is locked.
     */
    private BatchRows rowsOfTheBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            throw new IllegalStateException("The read models change in the unit of work of the events they apply");
        }
        UnitOfWork<?> current = CurrentUnitOfWork.get();
        UnitOfWork<?> unitOfWork = current.root() instanceof BatchingUnitOfWork<?> ? current.root() : current;
        // A retry applies a tenant's parked events one unit of work each, all nested in the one of its transaction.
        Set<String> tenantsLocked = current.root().getOrComputeResource(TENANTS_LOCKED, key -> new HashSet<>());
        return unitOfWork.getOrComputeResource(BATCH_ROWS, key -> {
            boolean processorBatch = unitOfWork instanceof BatchingUnitOfWork<?>;
            BatchRows rows = new BatchRows(!processorBatch || anyEventParked(), tenantsLocked);
            rows.readRowsOf(processorBatch ? ((BatchingUnitOfWork<?>) unitOfWork).getMessages()
                                           : List.of(unitOfWork.getMessage()));
            unitOfWork.onPrepareCommit(committing -> rows.writeChanges());
            return rows;
        });
    }

    private boolean anyEventParked() {
        return Boolean.TRUE.equals(jdbc.queryForObject(ANY_EVENT_PARKED, Boolean.class));
    }

    /** The rows one batch works on. */
    private final class BatchRows {

        /** Whether the tenants whose rows it reads are locked first. */
        private final boolean locking;
        /** The tenants locked in this transaction so far. */
        private final Set<String> tenantsLocked;

        private final Map<String, SessionEntry> sessions = new HashMap<>();
        /** The sequence of each session's row as read: a row whose sequence moved has changed. */
        private final Map<String, Long> sequencesRead = new HashMap<>();
        private final Set<String> sessionsRead = new HashSet<>();
        private final Map<String, TenantStatsEntry> stats = new HashMap<>();
        private final Set<String> tenantsRead = new HashSet<>();
        private final Set<String> statsChanged = new HashSet<>();
        private final Map<IdleDay, Long> idleDays = new HashMap<>();

        BatchRows(boolean locking, Set<String> tenantsLocked) {
            this.locking = locking;
            this.tenantsLocked = tenantsLocked;
        }

        void readRowsOf(List<? extends Message<?>> messages) {
            Set<String> sessionIds = new HashSet<>();
            Set<String> tenantIds = new HashSet<>();
            for (Message<?> message : messages) {
                if (message.getPayload() instanceof LiveSessionEvent event) {
                    sessionIds.add(event.sessionId());
                    tenantIds.add(event.tenantId());
                }
            }
            lockTenants(tenantIds);
            readSessions(sessionIds);
            readStats(tenantIds);
        }

        Optional<SessionEntry> session(String sessionId) {
            if (!sessionsRead.contains(sessionId)) {
                lockTenants(List.of(SessionIds.tenantOf(sessionId)));
                readSessions(List.of(sessionId));
            }
            return Optional.ofNullable(sessions.get(sessionId));
        }

        SessionEntry addSession(SessionEntry session) {
            sessionsRead.add(session.sessionId());
            sessions.put(session.sessionId(), session);
            return session;
        }

        TenantStatsEntry statsOf(String tenantId) {
            if (!tenantsRead.contains(tenantId)) {
                lockTenants(List.of(tenantId));
                readStats(List.of(tenantId));
            }
            statsChanged.add(tenantId);
            return stats.computeIfAbsent(tenantId, TenantStatsEntry::new);
        }

        /** Locks the tenants not locked yet in this transaction. */
        private void lockTenants(Collection<String> tenantIds) {
            if (!locking) {
                return;
            }
            List<String> toLock = tenantIds.stream().filter(tenantId -> !tenantsLocked.contains(tenantId)).toList();
            if (!toLock.isEmpty()) {
                readRows(LOCK_TENANTS, toLock, row -> { });
                tenantsLocked.addAll(toLock);
            }
        }

        private void readSessions(Collection<String> sessionIds) {
            readRows(READ_SESSIONS, sessionIds, row -> {
                SessionEntry session = SessionEntry.read(row);
                sessions.put(session.sessionId(), session);
                sequencesRead.put(session.sessionId(), session.lastEventSequence());
            });
            sessionsRead.addAll(sessionIds);
        }

        private void readStats(Collection<String> tenantIds) {
            readRows(READ_STATS, tenantIds, row -> {
                TenantStatsEntry entry = TenantStatsEntry.read(row);
                stats.put(entry.tenantId(), entry);
            });
            tenantsRead.addAll(tenantIds);
        }

        void writeChanges() {
            List<SessionEntry> changedSessions = sessions.values().stream()
                    .filter(session -> !Objects.equals(sequencesRead.get(session.sessionId()),
                                                       session.lastEventSequence()))
                    .toList();
            if (!changedSessions.isEmpty()) {
                jdbc.batchUpdate(WRITE_SESSION, changedSessions, changedSessions.size(),
                                 (statement, session) -> session.write(statement));
            }
            List<TenantStatsEntry> changedStats = stats.values().stream()
                    .filter(entry -> statsChanged.contains(entry.tenantId()))
                    .toList();
            if (!changedStats.isEmpty()) {
                jdbc.batchUpdate(WRITE_STATS, changedStats, changedStats.size(),
                                 (statement, entry) -> entry.write(statement));
            }
            List<Map.Entry<IdleDay, Long>> changedDays = idleDays.entrySet().stream()
                    .filter(day -> day.getValue() != 0)
                    .toList();
            if (!changedDays.isEmpty()) {
                jdbc.batchUpdate(COUNT_IDLE_DAY, changedDays, changedDays.size(), (statement, day) -> {
                    statement.setString(1, day.getKey().tenantId());
                    statement.setDate(2, Date.valueOf(day.getKey().day()));
                    statement.setLong(3, day.getValue());
                });
            }
        }
    }

    /**
     * One array parameter for the keys: the same statement whatever the batch's size. The array is in a sub-select,
     * which the planner cannot look into, so PostgreSQL keeps the statement's plan instead of planning it again for
     * every batch to fit the array's length (ADR 29).
     */
    private void readRows(String query, Collection<String> keys, RowCallbackHandler eachRow) {
        if (!keys.isEmpty()) {
            jdbc.query(query, statement -> statement.setArray(1, textArray(statement.getConnection(), keys)), eachRow);
        }
    }

    private static Array textArray(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray());
    }
}
