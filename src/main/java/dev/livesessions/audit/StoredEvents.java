package dev.livesessions.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.common.DateTimeUtils;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * Reads events straight from the event store's table, as stored: an audit shows what was written, in the revision it
 * was written in, before any upcaster. Events are read a page at a time, each page by a statement of its own, after
 * the last event of the page before: a long stream never sits in memory, and no connection or transaction is held
 * while the reader (a client downloading an export, however slowly) takes a page. Before each page after the first
 * (and before an export's first, which may have waited for the writers), the reader's caller is asked whether it may
 * still read: a token revoked, a user disabled or logged out, while a long export runs, gets no further page. (The
 * request itself was let in just before the first page of a session's events.)
 */
@Component
class StoredEvents {

    static final int PAGE = 1_000;
    private static final String COLUMNS = "SELECT global_index, aggregate_identifier, sequence_number, "
            + "event_identifier, payload_type, payload_revision, time_stamp, payload, meta_data FROM domain_event_entry ";

    /** How long an export waits for the transactions writing events when it begins; then it is refused (503). */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SETTLE_POLL = Duration.ofMillis(10);
    /** The transactions of other sessions (or prepared ones) holding a writer's lock on the event table. */
    private static final String WRITERS = """
            SELECT virtualtransaction FROM pg_locks
            WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND relation = 'domain_event_entry'::regclass AND mode = 'RowExclusiveLock' AND granted
              AND pid IS DISTINCT FROM pg_backend_pid()
            """;

    private final JdbcTemplate jdbc;
    private final ObjectMapper json = new ObjectMapper();

    StoredEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    boolean sessionHasEvents(String sessionId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM domain_event_entry WHERE aggregate_identifier = ?)", Boolean.class,
                sessionId));
    }

    /**
     * The session's stream, in order, from the event after {@code afterSequence} (-1 for the whole stream).
     *
     * @throws AccessRevoked when {@code stillAllowed} says no before a page
     */
    void ofSession(String sessionId, long afterSequence, BooleanSupplier stillAllowed, Consumer<StoredEvent> reader) {
        inPages(COLUMNS + "WHERE aggregate_identifier = ? AND sequence_number > ? ORDER BY sequence_number LIMIT ?",
                after -> new Object[] {sessionId, after, PAGE}, afterSequence, StoredEvent::sequence, stillAllowed,
                reader);
    }

    /**
     * The tenant's events stored in {@code [from, to)}, in the order they were stored, as the store was when the export
     * began: the events committed by then, and the ones being written then once they are. Global indexes are handed
     * out when a row is inserted, and a transaction can commit after one that took a later index: read page after
     * page while events are written, the export would show a later event and miss an earlier one for good. So it
     * reads the last index, waits for the transactions that were writing events then, and reads every event up to
     * that index, none after (ADR 36). Session ids are the tenant's id, a dot and a number; tenant ids hold no dot nor
     * LIKE wildcard.
     *
     * @throws CannotAcquireLockException when a transaction writing events does not end within {@link #SETTLE_TIMEOUT}
     * @throws AccessRevoked when {@code stillAllowed} says no before a page
     */
    void ofTenant(String tenantId, Instant from, Instant to, BooleanSupplier stillAllowed,
                  Consumer<StoredEvent> reader) {
        long last = lastSettledIndex();
        if (!stillAllowed.getAsBoolean()) {
            throw new AccessRevoked();
        }
        String sessions = tenantId + ".%";
        String start = DateTimeUtils.formatInstant(from);
        String end = DateTimeUtils.formatInstant(to);
        inPages(COLUMNS + "WHERE aggregate_identifier LIKE ? AND time_stamp >= ? AND time_stamp < ? "
                        + "AND global_index > ? AND global_index <= ? ORDER BY global_index LIMIT ?",
                after -> new Object[] {sessions, start, end, after, last, PAGE}, -1, StoredEvent::globalIndex,
                stillAllowed, reader);
    }

    /**
     * The last global index committed, once every transaction that may hold an earlier one has ended. An index is
     * handed out by the insert of its row, and the inserting transaction holds a {@code ROW EXCLUSIVE} lock on the
     * table from before then until it ends: a transaction that took an earlier index holds that lock once the last
     * index is read, or has ended. The export waits until those transactions no longer hold it, and for no later
     * one; it takes no lock itself, so neither the writers nor vacuum ever wait for it. A prepared transaction holds
     * its lock, without a backend, until it is committed or rolled back, and is waited for too.
     */
    private long lastSettledIndex() {
        long last = jdbc.queryForObject("SELECT coalesce(max(global_index), -1) FROM domain_event_entry", Long.class);
        List<String> writing = jdbc.queryForList(WRITERS, String.class);
        long giveUpAt = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (!writing.isEmpty()) {
            if (System.nanoTime() - giveUpAt > 0) {
                throw new CannotAcquireLockException("Events were being written for longer than " + SETTLE_TIMEOUT);
            }
            pause();
            writing = jdbc.queryForList(WRITERS + "AND virtualtransaction = ANY (string_to_array(?, ','))",
                                        String.class, String.join(",", writing));
        }
        return last;
    }

    private static void pause() {
        try {
            Thread.sleep(SETTLE_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CannotAcquireLockException("Interrupted while events were being written", e);
        }
    }

    /**
     * Runs {@code query} for the page after {@code start}, hands its events to the reader, and goes on after the last
     * one's {@code key} until a page comes back short, as long as {@code stillAllowed} says yes before each page
     * after the first.
     */
    private void inPages(String query, LongFunction<Object[]> parametersAfter, long start,
                         ToLongFunction<StoredEvent> key, BooleanSupplier stillAllowed,
                         Consumer<StoredEvent> reader) {
        long after = start;
        List<StoredEvent> page;
        do {
            if (after != start && !stillAllowed.getAsBoolean()) {
                throw new AccessRevoked();
            }
            page = jdbc.query(query, (row, number) -> read(row), parametersAfter.apply(after));
            page.forEach(reader);
            if (!page.isEmpty()) {
                after = key.applyAsLong(page.get(page.size() - 1));
            }
        } while (page.size() == PAGE);
    }

    private StoredEvent read(ResultSet row) throws SQLException {
        String payloadType = row.getString("payload_type");
        return new StoredEvent(row.getLong("global_index"), row.getString("aggregate_identifier"),
                               row.getLong("sequence_number"), row.getString("event_identifier"),
                               payloadType.substring(payloadType.lastIndexOf('.') + 1),
                               row.getString("payload_revision"), row.getString("time_stamp"),
                               parse(row.getBytes("payload")), parse(row.getBytes("meta_data")));
    }

    private JsonNode parse(byte[] stored) {
        if (stored == null) {
            return json.nullNode();
        }
        try {
            return json.readTree(stored);
        } catch (IOException e) {
            throw new IllegalStateException("A stored event is not JSON", e);
        }
    }

    /** The caller of a stream being read was revoked (a token), disabled or logged out (a user) since it began. */
    static final class AccessRevoked extends RuntimeException {
        AccessRevoked() {
            super("The caller may no longer read these events", null, false, false);
        }
    }
}
