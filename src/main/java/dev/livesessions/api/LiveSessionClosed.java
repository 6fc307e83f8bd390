package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** The session closed. For {@link CloseReason#INACTIVITY} {@code closedAt} is last activity plus the window. */
@Revision("1")
public record LiveSessionClosed(String sessionId, String tenantId, Instant closedAt, CloseReason reason)
        implements LiveSessionEvent {
}
