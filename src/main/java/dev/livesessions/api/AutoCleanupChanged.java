package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** The session's automatic archiving was turned on or off; turning it off cancels a scheduled archive. */
@Revision("1")
public record AutoCleanupChanged(String sessionId, String tenantId, boolean enabled, Instant changedAt)
        implements LiveSessionEvent {
}
