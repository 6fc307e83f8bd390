package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** An archived or deleted session is back, as a closed session. */
@Revision("1")
public record SessionRestored(String sessionId, String tenantId, Instant restoredAt) implements LiveSessionEvent {
}
