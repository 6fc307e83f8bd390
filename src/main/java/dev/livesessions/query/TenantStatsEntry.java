package dev.livesessions.query;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Duration;

/** The running totals of one tenant, kept by {@link SessionStatistics}. */
@Entity
@Table(name = "tenant_stats")
class TenantStatsEntry {

    @Id
    private String tenantId;
    private long activeSessions;
    private long inactiveSessions;
    private long archivedSessions;
    private long deletedSessions;
    private long noticedSessions;
    private long liveMessages;
    private long closings;
    private long closedDurationMillis;
    private long inactiveLastActivitySeconds;

    protected TenantStatsEntry() {
        // for JPA
    }

    TenantStatsEntry(String tenantId) {
        this.tenantId = tenantId;
    }

    /** Adds ({@code sign} 1) or removes ({@code sign} -1) what a session in this standing counts for. */
    void count(Standing standing, int sign) {
        switch (standing.status()) {
            case ACTIVE -> activeSessions += sign;
            case CLOSED -> {
                inactiveSessions += sign;
                inactiveLastActivitySeconds += sign * standing.lastActivityAt().getEpochSecond();
                if (standing.noticed()) {
                    noticedSessions += sign;
                }
            }
            case ARCHIVED -> archivedSessions += sign;
            case DELETED -> deletedSessions += sign;
        }
    }

    void liveMessage() {
        liveMessages++;
    }

    void closing(Duration lasted) {
        closings++;
        closedDurationMillis += lasted.toMillis();
    }

    String tenantId() {
        return tenantId;
    }

    StatsTotals totals() {
        return new StatsTotals(activeSessions, inactiveSessions, archivedSessions, deletedSessions, noticedSessions,
                               liveMessages, closings, closedDurationMillis, inactiveLastActivitySeconds);
    }
}
