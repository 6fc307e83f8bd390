package dev.livesessions.session;

import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Each tenant's latest session, and whether it is still active: the set-based guard that keeps a tenant from ever
 * having two active sessions.
 * <p>
 * It is updated by a subscribing processor, so in the same transaction as the events it follows. Opening a session
 * replaces the tenant's row only when the row's session is closed and older: a second opening racing for the same
 * tenant fails here (or on the event store's unique key) and rolls its whole transaction back, and its signals are
 * retried into the session that won.
 */
@Component
@ProcessingGroup(LatestSessions.PROCESSING_GROUP)
class LatestSessions {

    static final String PROCESSING_GROUP = "latest-sessions";

    private final JdbcTemplate jdbc;

    LatestSessions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A tenant's latest session, and the sequence number of the last event stored for it. */
    record Latest(String sessionId, Long lastSequence) {
    }

    /**
     * Each tenant's latest session, active or not, in one query for the whole batch. The tenants are in a sub-select,
     * so that PostgreSQL keeps the query's plan rather than planning it again for every batch (ADR 29).
     *
     * @return tenant id to its latest session; a tenant before its first session is absent
     */
    Map<String, Latest> of(Collection<String> tenantIds) {
        Map<String, Latest> latest = new HashMap<>();
        jdbc.query("""
                           SELECT l.tenant_id, l.session_id,
                                  (SELECT max(e.sequence_number) FROM domain_event_entry e
                                   WHERE e.aggregate_identifier = l.session_id)
                           FROM tenant_latest_session l WHERE l.tenant_id = ANY ((SELECT ?)::varchar[])
                           """,
                   statement -> statement.setArray(1, statement.getConnection()
                                                               .createArrayOf("varchar", tenantIds.toArray())),
                   row -> {
                       latest.put(row.getString(1), new Latest(row.getString(2), row.getObject(3, Long.class)));
                   });
        return latest;
    }

    @EventHandler
    void on(LiveSessionCreated event) {
        int replaced = jdbc.update("""
                INSERT INTO tenant_latest_session (tenant_id, session_id, number, active)
                VALUES (?, ?, ?, true)
                ON CONFLICT (tenant_id) DO UPDATE
                    SET session_id = excluded.session_id, number = excluded.number, active = true
                    WHERE NOT tenant_latest_session.active AND tenant_latest_session.number < excluded.number
                """, event.tenantId(), event.sessionId(), event.number());
        if (replaced == 0) {
            throw new SecondActiveSessionException(event.tenantId(), event.sessionId());
        }
    }

    @EventHandler
    void on(LiveSessionClosed event) {
        jdbc.update("UPDATE tenant_latest_session SET active = false WHERE tenant_id = ? AND session_id = ?",
                    event.tenantId(), event.sessionId());
    }

    /** Another session of the tenant is active: the opening lost a race and its transaction must roll back. */
    static class SecondActiveSessionException extends IllegalStateException {

        SecondActiveSessionException(String tenantId, String sessionId) {
            super("Tenant " + tenantId + " already has an active session; " + sessionId + " cannot open");
        }
    }
}
