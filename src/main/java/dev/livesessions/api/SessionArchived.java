package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** The session left the default views; its stream and read model rows stay, and it can be restored. */
@Revision("1")
public record SessionArchived(String sessionId, String tenantId, Instant archivedAt, ArchiveTrigger trigger)
        implements LiveSessionEvent {
}
