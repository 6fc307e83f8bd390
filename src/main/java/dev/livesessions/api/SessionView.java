package dev.livesessions.api;

import java.time.Duration;
import java.time.Instant;

/**
 * A session as the dashboard sees it.
 *
 * @param expiresAt         when the session closes if no live signal arrives before; null once closed
 * @param archiveAt         when the session will be archived automatically; null when it will not
 * @param archiveNoticeAt   when notice of that archive was given, or null
 * @param lastEventSequence the sequence number of the session's last event this view includes: of two views of one
 *                          session, read and pushed at different moments, the one with the higher number is newer
 */
public record SessionView(String sessionId, String tenantId, long number, SessionStatus status,
                          CleanupStatus cleanupStatus, Instant createdAt, Instant lastActivityAt, Instant expiresAt,
                          Instant closedAt, CloseReason closeReason, Duration inactivityWindow, long sellerMessages,
                          long clientCodes, boolean autoCleanup, Instant archiveAt, Instant archiveNoticeAt,
                          Instant archivedAt, Instant deletedAt, long lastEventSequence) {
}
