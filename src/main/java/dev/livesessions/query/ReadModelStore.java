package dev.livesessions.query;

import java.time.LocalDate;
import java.util.Optional;

/**
 * Where the read models are kept: the database for the live ones, memory for the shadow copy a verification builds.
 * Entries found here are live objects: changing one changes the read model (the database store writes the changes
 * when the batch of events commits).
 */
interface ReadModelStore {

    Optional<SessionEntry> session(String sessionId);

    SessionEntry addSession(SessionEntry session);

    /** The tenant's running totals, created empty the first time. */
    TenantStatsEntry statsOf(String tenantId);

    /** Adds {@code delta} to the inactive sessions of the tenant whose last activity was on {@code day}. */
    void countIdleDay(String tenantId, LocalDate day, int delta);
}
