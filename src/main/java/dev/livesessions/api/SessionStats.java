package dev.livesessions.api;

import java.time.Duration;

/**
 * Session statistics, maintained incrementally by the stats projection.
 *
 * @param tenantId               the tenant, or null for all tenants
 * @param averageSessionDuration mean duration of closed sessions (creation to close); zero when none has closed
 */
public record SessionStats(String tenantId, long totalSessions, long activeSessions, long closedSessions,
                           long liveMessages, Duration averageSessionDuration) {
}
