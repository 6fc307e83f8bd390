package dev.livesessions.query;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface TenantStatsRepository extends JpaRepository<TenantStatsEntry, String> {

    /** Sums over tenants' rows (one per tenant), never over sessions. */
    @Query("""
            SELECT new dev.livesessions.query.StatsTotals(
                coalesce(sum(s.totalSessions), 0), coalesce(sum(s.activeSessions), 0),
                coalesce(sum(s.closedSessions), 0), coalesce(sum(s.liveMessages), 0),
                coalesce(sum(s.closedDurationMillis), 0))
            FROM TenantStatsEntry s
            """)
    StatsTotals totals();
}
