package dev.livesessions.query;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Optional;

/** The live read models, in PostgreSQL. */
@Component
class DatabaseReadModelStore implements ReadModelStore {

    private final SessionEntryRepository sessions;
    private final TenantStatsRepository stats;
    private final JdbcTemplate jdbc;

    DatabaseReadModelStore(SessionEntryRepository sessions, TenantStatsRepository stats, JdbcTemplate jdbc) {
        this.sessions = sessions;
        this.stats = stats;
        this.jdbc = jdbc;
    }

    @Override
    public Optional<SessionEntry> session(String sessionId) {
        return sessions.findById(sessionId);
    }

    @Override
    public SessionEntry addSession(SessionEntry session) {
        return sessions.save(session);
    }

    @Override
    public TenantStatsEntry statsOf(String tenantId) {
        return stats.findById(tenantId).orElseGet(() -> stats.save(new TenantStatsEntry(tenantId)));
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
        sessions.findAllById(sessionIds);
        stats.findAllById(tenantIds);
    }

    /** Empties every read model, before a replay rebuilds them. */
    void clear() {
        jdbc.execute("TRUNCATE live_session, tenant_stats, tenant_idle_day");
    }
}
