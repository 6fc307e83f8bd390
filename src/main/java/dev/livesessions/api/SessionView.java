package dev.livesessions.api;

import java.time.Duration;
import java.time.Instant;

/**
 * A session as the dashboard sees it.
 *
 * @param expiresAt when the session closes if no live signal arrives before; null once closed
 */
public record SessionView(String sessionId, String tenantId, long number, SessionStatus status, Instant createdAt,
                          Instant lastActivityAt, Instant expiresAt, Instant closedAt, CloseReason closeReason,
                          Duration inactivityWindow, long sellerMessages, long clientCodes) {
}
