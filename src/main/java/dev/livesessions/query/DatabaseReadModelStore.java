package dev.livesessions.query;

import jakarta.persistence.EntityManager;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Optional;

/**
 * The live read models, in PostgreSQL. The projection calls it for every event of a batch, in the batch's
 * transaction: it works on the entity manager itself, where the rows the batch preloaded already are.
 */
@Component
class DatabaseReadModelStore implements ReadModelStore {

    private final EntityManager entities;
    private final JdbcTemplate jdbc;

    DatabaseReadModelStore(EntityManager entities, JdbcTemplate jdbc) {
        this.entities = entities;
        this.jdbc = jdbc;
    }

    @Override
    public Optional<SessionEntry> session(String sessionId) {
        return Optional.ofNullable(entities.find(SessionEntry.class, sessionId));
    }

    @Override
    public SessionEntry addSession(SessionEntry session) {
        entities.persist(session);
        return session;
    }

    @Override
    public TenantStatsEntry statsOf(String tenantId) {
        TenantStatsEntry stats = entities.find(TenantStatsEntry.class, tenantId);
        if (stats == null) {
            stats = new TenantStatsEntry(tenantId);
            entities.persist(stats);
        }
        return stats;
    }

    @Override
    public void countIdleDay(String tenantId, LocalDate day, int delta) {
        jdbc.update("""
                INSERT INTO tenant_idle_day (tenant_id, day, sessions) VALUES (?, ?, ?)
                ON CONFLICT (tenant_id, day) DO UPDATE SET sessions = tenant_idle_day.sessions + excluded.sessions
                """, tenantId, Date.valueOf(day), delta);
    }

    /**
     * Reads the sessions and tenant statistics that a batch of events is about to change, in two queries: they stay
     * in the transaction's persistence context, so the events then find them without a query each.
     */
    void preload(Collection<String> sessionIds, Collection<String> tenantIds) {
        if (sessionIds.isEmpty()) {
            return;
        }
        // One array parameter: the same statement whatever the batch's size, translated and planned once.
        entities.createNativeQuery("SELECT * FROM live_session WHERE session_id = ANY(:ids)", SessionEntry.class)
                .setParameter("ids", sessionIds.toArray(String[]::new)).getResultList();
        entities.createNativeQuery("SELECT * FROM tenant_stats WHERE tenant_id = ANY(:ids)", TenantStatsEntry.class)
                .setParameter("ids", tenantIds.toArray(String[]::new)).getResultList();
    }

    /** Empties every read model, before a replay rebuilds them. */
    void clear() {
        jdbc.execute("TRUNCATE live_session, tenant_stats, tenant_idle_day");
    }
}
