package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Duration;
import java.time.Instant;

/**
 * A tenant's live session opened on a live signal; it closes after {@code inactivityWindow} without one.
 * Revision 2 added {@code autoCleanup} and {@code maxLifespan} (revision 1 events read as auto-cleanup on, no cap).
 */
@Revision("2")
public record LiveSessionCreated(String sessionId, String tenantId, long number, Duration inactivityWindow,
                                 Instant createdAt, boolean autoCleanup, Duration maxLifespan)
        implements LiveSessionEvent {
}
