package dev.livesessions.api;

import java.time.Instant;

/**
 * An inbound message that counts as live activity for its tenant.
 *
 * @param messageId     the messaging provider's id of the message
 * @param source        seller or client
 * @param code          the product code the message carries, or null (a seller's free text)
 * @param sentAt        the provider's timestamp, kept for audit
 * @param receivedAt    when this service received it: the time that counts for the inactivity window
 * @param correlationId the correlation id of the inbound request, carried into the events' metadata
 */
public record LiveSignal(String messageId, SignalSource source, String code, Instant sentAt, Instant receivedAt,
                         String correlationId) {
}
