package dev.livesessions.ingestion;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ids of the live signals already stored, per tenant: a provider's redelivery finds its id here and changes
 * nothing. Claims are written in the transaction that appends the signals' events, so a message is either stored and
 * claimed, or neither.
 */
@Component
class InboundMessageLog {

    record MessageKey(String tenantId, String messageId) {
    }

    private static final Comparator<MessageKey> LOCK_ORDER =
            Comparator.comparing(MessageKey::tenantId).thenComparing(MessageKey::messageId);

    private final JdbcTemplate jdbc;
    private final Clock clock;

    InboundMessageLog(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Claims the given messages in the current transaction, in one statement.
     *
     * @return the keys claimed now; the others were claimed before (or twice in {@code keys})
     */
    Set<MessageKey> claim(Collection<MessageKey> keys) {
        // A fixed order keeps two transactions claiming the same ids from deadlocking on each other.
        List<MessageKey> ordered = keys.stream().sorted(LOCK_ORDER).toList();
        // The service's clock, which the pruning also reads: the two never disagree on a message's age.
        Timestamp receivedAt = Timestamp.from(clock.instant());
        List<MessageKey> claimed = jdbc.query(connection -> {
            PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO inbound_message (tenant_id, message_id, received_at)
                    SELECT tenant_id, message_id, ? FROM unnest(?::text[], ?::text[]) AS m (tenant_id, message_id)
                    ON CONFLICT DO NOTHING
                    RETURNING tenant_id, message_id
                    """);
            insert.setTimestamp(1, receivedAt);
            insert.setArray(2, connection.createArrayOf("text", ordered.stream().map(MessageKey::tenantId).toArray()));
            insert.setArray(3, connection.createArrayOf("text", ordered.stream().map(MessageKey::messageId).toArray()));
            return insert;
        }, (row, i) -> new MessageKey(row.getString(1), row.getString(2)));
        return new HashSet<>(claimed);
    }

    /**
     * Forgets the ids stored before {@code before}, a few thousand rows per statement so that no long lock or
     * transaction builds up.
     *
     * @return how many were forgotten
     */
    int forgetBefore(Instant before) {
        int forgotten = 0;
        int deleted;
        do {
            deleted = jdbc.update("""
                    DELETE FROM inbound_message WHERE ctid IN (
                        SELECT ctid FROM inbound_message WHERE received_at < ? LIMIT 5000)
                    """, Timestamp.from(before));
            forgotten += deleted;
        } while (deleted > 0);
        return forgotten;
    }
}
