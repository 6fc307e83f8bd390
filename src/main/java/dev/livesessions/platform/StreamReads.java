package dev.livesessions.platform;

import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * How the event processors read the event stream from PostgreSQL: the events after a position, up to a batch, in
 * order (ADR 29).
 * <p>
 * Axon's statement compares the global index with two parameters. PostgreSQL then plans it afresh on every
 * execution: with the values in hand it expects a handful of rows at the end of the table, and its cached generic
 * plan, which expects a share of the whole table, always looks dearer. The statement runs after every commit of the
 * write path, and its planning cost more than its execution. Here each bound is a one-row sub-select, which neither
 * plan can see into: both expect the same rows, PostgreSQL keeps the generic plan after its first five executions,
 * and that plan is the same scan of the primary key in order.
 */
final class StreamReads {

    private StreamReads() {
    }

    /** The events after {@code globalIndex}, at most {@code batchSize} positions on, in the order of the stream. */
    static PreparedStatement eventsAfter(Connection connection, EventSchema schema, long globalIndex, int batchSize)
            throws SQLException {
        String position = schema.globalIndexColumn();
        PreparedStatement statement = connection.prepareStatement(
                "SELECT " + schema.trackedEventFields() + " FROM " + schema.domainEventTable()
                + " WHERE (" + position + " > (SELECT ?::bigint) AND " + position + " <= (SELECT ?::bigint))"
                + " ORDER BY " + position + " ASC");
        statement.setLong(1, globalIndex);
        statement.setLong(2, globalIndex + batchSize);
        return statement;
    }
}
