package dev.livesessions.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.axonframework.common.DateTimeUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.PreparedStatementCreatorFactory;
import org.springframework.jdbc.core.SqlParameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads events straight from the event store's table, as stored: an audit shows what was written, in the revision it
 * was written in, before any upcaster. Rows are streamed (a cursor, not a list), so a hot session or a long export
 * never sits in memory.
 */
@Component
class StoredEvents {

    private static final String COLUMNS = "SELECT global_index, aggregate_identifier, sequence_number, "
            + "event_identifier, payload_type, payload_revision, time_stamp, payload, meta_data FROM domain_event_entry ";
    private static final int FETCH_SIZE = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final ObjectMapper json = new ObjectMapper();

    StoredEvents(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
        this.readOnly.setReadOnly(true);
    }

    boolean sessionHasEvents(String sessionId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM domain_event_entry WHERE aggregate_identifier = ?)", Boolean.class,
                sessionId));
    }

    /** The session's stream, in order, from the event after {@code afterSequence} (-1 for the whole stream). */
    void ofSession(String sessionId, long afterSequence, Consumer<StoredEvent> reader) {
        stream(COLUMNS + "WHERE aggregate_identifier = ? AND sequence_number > ? ORDER BY sequence_number",
               List.of(new SqlParameter(Types.VARCHAR), new SqlParameter(Types.BIGINT)),
               List.of(sessionId, afterSequence), reader);
    }

    /**
     * The tenant's events stored in {@code [from, to)}, in the order they were stored. Session ids are the tenant's
     * id, a dot and a number; tenant ids hold no dot nor LIKE wildcard.
     */
    void ofTenant(String tenantId, Instant from, Instant to, Consumer<StoredEvent> reader) {
        stream(COLUMNS + "WHERE aggregate_identifier LIKE ? AND time_stamp >= ? AND time_stamp < ? "
                       + "ORDER BY global_index",
               List.of(new SqlParameter(Types.VARCHAR), new SqlParameter(Types.VARCHAR),
                       new SqlParameter(Types.VARCHAR)),
               List.of(tenantId + ".%", DateTimeUtils.formatInstant(from), DateTimeUtils.formatInstant(to)), reader);
    }

    private void stream(String sql, List<SqlParameter> types, List<Object> values, Consumer<StoredEvent> reader) {
        PreparedStatementCreatorFactory factory = new PreparedStatementCreatorFactory(sql, types);
        PreparedStatementCreator statement = connection -> {
            var prepared = factory.newPreparedStatementCreator(values).createPreparedStatement(connection);
            prepared.setFetchSize(FETCH_SIZE);
            return prepared;
        };
        // PostgreSQL honours the fetch size only inside a transaction.
        readOnly.executeWithoutResult(status -> jdbc.query(statement, row -> {
            reader.accept(read(row));
        }));
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
            throw new UncheckedIOException("A stored event is not JSON", e);
        }
    }
}
