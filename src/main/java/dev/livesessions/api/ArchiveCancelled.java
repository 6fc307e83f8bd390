package dev.livesessions.api;

import org.axonframework.serialization.Revision;

import java.time.Instant;

/**
 * The session's scheduled archive fell due while automatic archiving was switched off (for its tenant, or the whole
 * service): it does not happen, and the session forgets it. Switching archiving on again does not bring it back; a
 * cleanup run archives idle sessions either way.
 */
@Revision("1")
public record ArchiveCancelled(String sessionId, String tenantId, Instant cancelledAt) implements LiveSessionEvent {
}
