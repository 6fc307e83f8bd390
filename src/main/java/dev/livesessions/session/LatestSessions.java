package dev.livesessions.session;

import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Optional;

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

    /** The id of the tenant's latest session, active or not; empty before its first. */
    Optional<String> of(String tenantId) {
        return jdbc.queryForList("SELECT session_id FROM tenant_latest_session WHERE tenant_id = ?", String.class,
                                 tenantId)
                   .stream().findFirst();
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
