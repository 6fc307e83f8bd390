package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * The session was deleted by hand: it leaves the default views and the session counts but for the deleted one, and
 * stays in the history (live messages, average duration); its row stays, to be seen and restored.
 */
@Revision("1")
public record SessionDeleted(String sessionId, String tenantId, Instant deletedAt) implements LiveSessionEvent {
}
