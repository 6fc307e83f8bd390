package dev.livesessions.query;

import dev.livesessions.api.SessionStats;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;

/** The stats read model: one row of running totals per tenant, kept by {@link StatsProjection}. */
@Entity
@Table(name = "tenant_stats")
class TenantStatsEntry {

    @Id
    private String tenantId;
    private long totalSessions;
    private long activeSessions;
    private long closedSessions;
    private long liveMessages;
    private long closedDurationMillis;

    protected TenantStatsEntry() {
        // for JPA
    }

    TenantStatsEntry(String tenantId) {
        this.tenantId = tenantId;
    }

    void sessionCreated() {
        totalSessions++;
        activeSessions++;
    }

    void liveMessage() {
        liveMessages++;
    }

    void sessionClosed(Duration lasted) {
        activeSessions--;
        closedSessions++;
        closedDurationMillis += lasted.toMillis();
    }

    SessionStats view() {
        return stats(tenantId, totalSessions, activeSessions, closedSessions, liveMessages, closedDurationMillis);
    }

    static SessionStats stats(String tenantId, long total, long active, long closed, long liveMessages,
                              long closedDurationMillis) {
        Duration average = closed == 0 ? Duration.ZERO : Duration.ofMillis(closedDurationMillis / closed);
        return new SessionStats(tenantId, total, active, closed, liveMessages, average);
    }
}
