package dev.livesessions.query;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A shadow copy of the read models in memory, built by a verification from the event stream. */
final class MemoryReadModelStore implements ReadModelStore {

    private final Map<String, SessionEntry> sessions = new HashMap<>();
    private final Map<String, TenantStatsEntry> stats = new HashMap<>();
    private final Map<IdleDay, Long> idleDays = new HashMap<>();

    @Override
    public Optional<SessionEntry> session(String sessionId) {
        return Optional.ofNullable(sessions.get(sessionId));
    }

    @Override
    public SessionEntry addSession(SessionEntry session) {
        sessions.put(session.sessionId(), session);
        return session;
    }

    @Override
    public TenantStatsEntry statsOf(String tenantId) {
        return stats.computeIfAbsent(tenantId, TenantStatsEntry::new);
    }

    @Override
    public void countIdleDay(String tenantId, LocalDate day, int delta) {
        idleDays.merge(new IdleDay(tenantId, day), (long) delta, Long::sum);
    }

    Map<String, SessionEntry> sessions() {
        return sessions;
    }

    Map<String, TenantStatsEntry> stats() {
        return stats;
    }

    Map<IdleDay, Long> idleDays() {
        return idleDays;
    }
}
