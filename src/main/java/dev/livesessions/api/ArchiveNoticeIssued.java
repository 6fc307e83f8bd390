package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/** Warning that the session is about to be archived automatically at {@code archiveAt}. */
@Revision("1")
public record ArchiveNoticeIssued(String sessionId, String tenantId, Instant archiveAt, Instant issuedAt)
        implements LiveSessionEvent {
}
