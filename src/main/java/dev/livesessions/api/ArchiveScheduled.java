package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** The closed session will be archived automatically at {@code archiveAt}, unless something changes before. */
@Revision("1")
public record ArchiveScheduled(String sessionId, String tenantId, Instant archiveAt) implements LiveSessionEvent {
}
