package dev.livesessions.api;

import java.time.Duration;

/**
 * Session statistics of a tenant, or of all tenants when {@code tenantId} is null, kept by a projection.
 *
 * @param totalSessions          active and inactive sessions (those the default views show)
 * @param inactiveSessions       closed sessions, neither archived nor deleted
 * @param oldSessions            inactive sessions idle for longer than their tenant's archive delay (by day)
 * @param cleanupCandidates      sessions in the notice period before their archive, and active ones past their window
 * @param activityRate           active / total (0 when there is none)
 * @param cleanupEfficiency      cleanup candidates / total (0 when there is none)
 * @param averageHoursInactive   mean time inactive sessions have been idle (since their last activity, or their restore after it), in hours
 * @param averageSessionDuration mean duration of closed sessions, from opening to closing
 */
public record SessionStats(String tenantId, long totalSessions, long activeSessions, long inactiveSessions,
                           long oldSessions, long archivedSessions, long deletedSessions, long cleanupCandidates,
                           double activityRate, double cleanupEfficiency, double averageHoursInactive,
                           long liveMessages, Duration averageSessionDuration) {
}
