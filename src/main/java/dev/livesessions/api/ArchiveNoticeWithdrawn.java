package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * The archive announced for {@code archiveAt} will not happen: auto-cleanup was turned off, the session was deleted,
 * or automatic archiving was switched off before it fell due.
 */
@Revision("1")
public record ArchiveNoticeWithdrawn(String sessionId, String tenantId, Instant archiveAt, Instant withdrawnAt)
        implements LiveSessionEvent {
}
