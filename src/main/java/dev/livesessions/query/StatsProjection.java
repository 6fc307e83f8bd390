package dev.livesessions.query;

import dev.livesessions.api.ActivityRecorded;
import dev.livesessions.api.FindStats;
import dev.livesessions.api.LiveSessionClosed;
import dev.livesessions.api.LiveSessionCreated;
import dev.livesessions.api.SessionStats;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * Keeps running totals per tenant as events arrive, so that statistics never count sessions at query time.
 * Shares its processing group with {@link SessionProjection}: events of one tenant are handled in order, in one
 * thread, so the increments never race.
 */
@Component
@ProcessingGroup(ReadModels.PROCESSING_GROUP)
class StatsProjection {

    private final TenantStatsRepository stats;
    private final SessionEntryRepository sessions;

    StatsProjection(TenantStatsRepository stats, SessionEntryRepository sessions) {
        this.stats = stats;
        this.sessions = sessions;
    }

    @EventHandler
    void on(LiveSessionCreated event) {
        statsOf(event.tenantId()).sessionCreated();
    }

    @EventHandler
    void on(ActivityRecorded event) {
        statsOf(event.tenantId()).liveMessage();
    }

    @EventHandler
    void on(LiveSessionClosed event) {
        Duration lasted = Duration.between(sessions.findById(event.sessionId()).orElseThrow().createdAt(),
                                           event.closedAt());
        statsOf(event.tenantId()).sessionClosed(lasted);
    }

    @QueryHandler
    SessionStats handle(FindStats query) {
        if (query.tenantId() != null) {
            return stats.findById(query.tenantId()).map(TenantStatsEntry::view)
                        .orElseGet(() -> new TenantStatsEntry(query.tenantId()).view());
        }
        var totals = stats.totals();
        return TenantStatsEntry.stats(null, totals.totalSessions(), totals.activeSessions(), totals.closedSessions(),
                                      totals.liveMessages(), totals.closedDurationMillis());
    }

    private TenantStatsEntry statsOf(String tenantId) {
        return stats.findById(tenantId).orElseGet(() -> stats.save(new TenantStatsEntry(tenantId)));
    }
}
